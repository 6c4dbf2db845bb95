"""Baseline against current: the statistics, the thresholds and the verdicts of the CI gate.

``stats`` holds the significance tests, ``thresholds`` decides how big a
change must be to matter and which metrics can fail a build, ``verdict``
combines the two, and ``core`` walks two results files scenario by scenario.
"""

from agnobench.compare.core import Comparison, MetricComparison, ScenarioComparison, compare_results
from agnobench.compare.thresholds import ThresholdPolicy
from agnobench.compare.verdict import Verdict

__all__ = ["Comparison", "MetricComparison", "ScenarioComparison", "ThresholdPolicy", "Verdict", "compare_results"]
