"""One trend per scenario and metric, each step judged by the gate's own rule.

Between consecutive points where a scenario was measured, every metric is
compared exactly as ``agnobench compare`` would compare those two files
(:func:`agnobench.compare.core.compare_scenario`: Mann-Whitney U or sample
ranges, the per-metric thresholds, the scenario file's own thresholds). A
step whose verdict is a regression or an improvement of a *gated* metric is a
mark, named by the commit it arrived with; steps of information-only metrics
are shown but never marked, as the gate never fails on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from agnobench.compare.core import MetricComparison, compare_scenario
from agnobench.compare.thresholds import ThresholdPolicy
from agnobench.compare.verdict import Verdict
from agnobench.history.collect import Point
from agnobench.core.registry import metric_info

MARKED = (Verdict.regression, Verdict.improvement)
# the figure a one-line summary leads with, first one a scenario has
# (time/op, the run table's headline, before wall/op: one time per op across tables)
HEADLINE = ["time_per_op_best_ns", "time_per_op_ns", "latency_p50_ns", "instructions_per_op", "retained_bytes_per_op",
            "ops_per_sec"]
# The gated figure that judges a headline the gate does not judge itself: time/op and wall/op move as time/kernel
JUDGED_BY = {"time_per_op_best_ns": "time_per_op_rel", "time_per_op_ns": "time_per_op_rel"}


@dataclass
class Step:
    """One point of one trend: the value there, and how it compares with the trend's previous point."""

    point: int  # index into the history's points
    value: float | None  # None where the scenario failed at this point
    status: str = "ok"
    comparison: MetricComparison | None = None  # against the previous measured point

    @property
    def marked(self) -> bool:
        c = self.comparison
        return c is not None and c.gated and c.verdict in MARKED

    def to_dict(self) -> dict[str, Any]:
        c = self.comparison
        return {"point": self.point, "value": self.value, "status": self.status,
                "change_pct": c.change_pct if c else None, "verdict": c.verdict.value if c else None,
                "gated": c.gated if c else None, "threshold_pct": c.rule.threshold_pct if c else None,
                "p_value": c.significance.p_value if c else None, "marked": self.marked}


@dataclass
class Trend:
    scenario: str
    suite: str
    metric: str
    steps: list[Step] = field(default_factory=list)

    @property
    def measured(self) -> list[Step]:
        return [s for s in self.steps if s.value is not None]

    def to_dict(self) -> dict[str, Any]:
        return {"scenario": self.scenario, "suite": self.suite, "metric": self.metric,
                "unit": metric_info(self.metric).unit, "steps": [s.to_dict() for s in self.steps]}


@dataclass
class Mark:
    """A regression or improvement between two consecutive points, and the commit it came with."""

    scenario: str
    metric: str
    point: int
    previous: int
    comparison: MetricComparison

    def to_dict(self, points: Sequence[Point]) -> dict[str, Any]:
        c = self.comparison
        return {"scenario": self.scenario, "metric": self.metric, "verdict": c.verdict.value,
                "change_pct": c.change_pct, "baseline": c.baseline, "current": c.current,
                "commit": points[self.point].commit, "label": points[self.point].label,
                "previous_commit": points[self.previous].commit, "previous_label": points[self.previous].label,
                "path": points[self.point].path}


@dataclass
class History:
    points: list[Point]
    trends: list[Trend] = field(default_factory=list)
    marks: list[Mark] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def trends_of(self, scenario: str) -> list[Trend]:
        return [t for t in self.trends if t.scenario == scenario]

    @property
    def scenarios(self) -> list[str]:
        return list(dict.fromkeys(t.scenario for t in self.trends))


def headline(trends: Sequence[Trend]) -> Trend | None:
    by_metric = {t.metric: t for t in trends if t.measured}
    return next((by_metric[m] for m in HEADLINE if m in by_metric), next(iter(by_metric.values()), None))


def build_history(points: Sequence[Point], policy: ThresholdPolicy | None = None,
                  skipped: Sequence[str] = ()) -> History:
    policy = policy or ThresholdPolicy()
    history = History(list(points), skipped=list(skipped))
    trends: dict[tuple[str, str], Trend] = {}
    last_ok: dict[str, int] = {}  # scenario -> index of the last point where it was measured
    for index, point in enumerate(points):
        for result in point.results.scenarios:
            if not result.ok:
                for (name, _), trend in trends.items():
                    if name == result.name:
                        trend.steps.append(Step(index, None, result.status))
                continue
            previous = last_ok.get(result.name)
            compared: dict[str, MetricComparison] = {}
            if previous is not None:
                before = points[previous].results.scenario(result.name)
                if before is not None:
                    compared = {m.metric: m for m in compare_scenario(before, result, policy).metrics}
            for metric, value in result.metrics.items():
                trend = trends.setdefault((result.name, metric), Trend(result.name, result.suite, metric))
                step = Step(index, value.median, comparison=compared.get(metric))
                trend.steps.append(step)
                if step.marked and previous is not None and step.comparison is not None:
                    history.marks.append(Mark(result.name, metric, index, previous, step.comparison))
            last_ok[result.name] = index
    history.trends = list(trends.values())
    return history
