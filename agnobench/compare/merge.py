"""Moved to :mod:`agnobench.results_merge` (merging is about results files, not the gate); kept for old imports."""

from agnobench.results_merge import RUN_MEDIANS, merge_results, merge_scenario

__all__ = ["RUN_MEDIANS", "merge_results", "merge_scenario"]
