"""What the charts read from results: the one place that knows where the figures live.

The tables are :class:`~agnobench.reporters.sections.Section` objects built by
the other reporters; the charts need the numbers behind them. Every read of a
results file for a chart goes through the accessors here and comes out as a
small typed value, so when a pass's result changes shape (typed per-pass
results in place of the flat ``details`` dict) only this module changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from agnobench.core.registry import metric_info
from agnobench.reporters.machine_speed import HEADLINE as TIME_HEADLINE
from agnobench.results import ScenarioResult

@dataclass(frozen=True)
class Bar:
    scenario: str
    value: float
    spread: float | None = None  # median absolute deviation, same unit


@dataclass(frozen=True)
class Marker:
    scenario: str
    value: float
    label: str


@dataclass
class MetricChart:
    """One metric across a suite's scenarios, with targets and reference figures to draw beside it."""

    suite: str
    metric: str
    label: str
    unit: str
    bars: list[Bar] = field(default_factory=list)
    targets: list[Marker] = field(default_factory=list)
    references: dict[str, list[Marker]] = field(default_factory=dict)  # reference label -> markers
    not_measured: list[str] = field(default_factory=list)  # "name (failed)", "name (skipped)"


# The metrics that get a chart per suite, in order; latency percentiles get one grouped chart.
CHART_METRICS = ["time_per_op_ns", "retained_bytes_per_op", "allocated_bytes_per_op", "allocs_per_op"]
LATENCY_METRICS = ["latency_p50_ns", "latency_p95_ns", "latency_p99_ns"]


def charted(result: ScenarioResult, metric: str) -> Any:
    """The figure a chart of ``metric`` shows: for time, the headline time/op (the suite table's, paired with
    the kernel) where the timing pass ran, not wall/op, which the report's own warning calls not comparable."""
    if metric == "time_per_op_ns" and TIME_HEADLINE in result.metrics:
        return result.metrics[TIME_HEADLINE]
    return result.metrics.get(metric)


def metric_chart(suite: str, members: Sequence[ScenarioResult], metric: str) -> MetricChart | None:
    info = metric_info(metric)
    label = "time/op" if metric == "time_per_op_ns" else info.label
    chart = MetricChart(suite, metric, label, info.unit)
    for result in members:
        if not result.ok:
            chart.not_measured.append(f"{result.name} ({result.status})")
            continue
        measured = charted(result, metric)
        if measured is None:
            continue
        chart.bars.append(Bar(result.name, measured.median, measured.mad))
        for target in result.targets:
            if target.metric == metric:
                bound = target.max if target.max is not None else target.min
                if bound is not None:
                    chart.targets.append(Marker(result.name, float(bound),
                                                f"target {'≤' if target.max is not None else '≥'}"))
        for ref in result.references:
            value = (ref.get("values") or {}).get(metric)
            if isinstance(value, (int, float)) and value > 0:
                label = str(ref.get("label") or ref.get("key") or "reference")
                chart.references.setdefault(label, []).append(Marker(result.name, float(value), label))
    return chart if chart.bars else None


@dataclass
class LatencyChart:
    suite: str
    scenarios: list[str]
    percentiles: dict[str, list[float | None]]  # label ("p50") -> one value per scenario


def latency_chart(suite: str, members: Sequence[ScenarioResult]) -> LatencyChart | None:
    measured = [r for r in members if r.ok and any(m in r.metrics for m in LATENCY_METRICS)]
    if not measured:
        return None
    percentiles = {metric_info(m).label: [r.metrics[m].median if m in r.metrics else None for r in measured]
                   for m in LATENCY_METRICS}
    return LatencyChart(suite, [r.name for r in measured], percentiles)
