"""How large a change must be before the gate calls it a regression, and which metrics gate.

Defaults per kind of metric (each metric's ``gated`` and ``threshold_pct``
in :mod:`agnobench.core.metrics`), because their noise differs by orders of
magnitude on these machines:

- wall time: ``TIME_THRESHOLD_PCT``, applied to the kernel-normalised
  ``time_per_op_rel`` (see docs/ci-gate.md for the trials behind the number
  and the choice of metric);
- memory (retained, allocated bytes, allocation counts): near-deterministic
  in CPython, so a small threshold catches a real extra object;
- instructions (callgrind): repeatable to a few hundredths of a percent, so
  the threshold can be tight.

Precedence, most specific first: the scenario file's ``[thresholds]`` (stored
in the results file by ``agnobench run``), ``--metric-threshold NAME=PCT``,
``--threshold PCT``, the defaults below.

A metric gates (can fail the build) when it is gated by default or has been
given a threshold of its own; the rest are shown for information: the
reference kernel is the machine's speed, not the code's, ops/s is time/op
restated, and unknown metrics have no sensible default.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping

from agnobench.core.registry import metric_info

DEFAULT_ALPHA = 0.05

TIME_REL = "time_per_op_rel"
TIME_RAW = "time_per_op_ns"


class TimeMode(str, enum.Enum):
    """Which wall-time metric gates: kernel-normalised (default), raw, or both."""

    rel = "rel"
    raw = "raw"
    both = "both"


SOURCE_DEFAULT = "default"
SOURCE_GLOBAL = "--threshold"
SOURCE_METRIC = "--metric-threshold"
SOURCE_SCENARIO = "scenario file"


@dataclass(frozen=True)
class Rule:
    """The threshold one metric of one scenario is held to, where it came from, and whether it gates."""

    threshold_pct: float
    gated: bool
    source: str


@dataclass(frozen=True)
class ThresholdPolicy:
    default_pct: float | None = None  # --threshold: replaces every default
    per_metric: Mapping[str, float] = field(default_factory=dict)  # --metric-threshold
    time_mode: TimeMode = TimeMode.rel
    alpha: float = DEFAULT_ALPHA

    def gates_time_metric(self, metric: str, both_have_rel: bool) -> bool:
        """Raw time gates in raw and both modes, and in rel mode when a side lacks the kernel."""
        if metric == TIME_REL:
            return self.time_mode in (TimeMode.rel, TimeMode.both)
        if metric == TIME_RAW:
            return self.time_mode in (TimeMode.raw, TimeMode.both) or not both_have_rel
        return False

    def rule(self, metric: str, scenario_thresholds: Mapping[str, float], both_have_rel: bool) -> Rule:
        default = metric_info(metric)  # an unknown metric: not gated, INFO_THRESHOLD_PCT
        gated = default.gated
        if metric in (TIME_REL, TIME_RAW):
            gated = self.gates_time_metric(metric, both_have_rel)
        if metric in scenario_thresholds:
            return Rule(float(scenario_thresholds[metric]), True, SOURCE_SCENARIO)
        if metric in self.per_metric:
            return Rule(float(self.per_metric[metric]), True, SOURCE_METRIC)
        if self.default_pct is not None:
            return Rule(self.default_pct, gated, SOURCE_GLOBAL)
        return Rule(default.threshold_pct, gated, SOURCE_DEFAULT)
