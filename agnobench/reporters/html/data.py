"""What the charts read from results: the one place that knows where the figures live.

The tables are :class:`~agnobench.reporters.sections.Section` objects built by
the other reporters; the charts need the numbers behind them. Every read of a
results file for a chart goes through the accessors here and comes out as a
small typed value, so when a pass's result changes shape (typed per-pass
results in place of the flat ``details`` dict) only this module changes.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Sequence

from agnobench.metrics import metric_info
from agnobench.reporters.machine_speed import HEADLINE as TIME_HEADLINE
from agnobench.results import ScenarioResult

CONTROL = "control"


def pass_details(result: ScenarioResult, name: str, legacy_key: str | None = None) -> dict[str, Any]:
    """One pass's details as a plain dict: the typed per-pass result when there is one, else the flat key."""
    result_of = getattr(result, "result_of", None)
    typed = result_of(name) if callable(result_of) else None
    if typed is not None:
        to_dict = getattr(typed, "to_dict", None)
        if callable(to_dict):
            typed = to_dict()
        elif dataclasses.is_dataclass(typed) and not isinstance(typed, type):
            typed = dataclasses.asdict(typed)
        if isinstance(typed, dict):
            return typed
    flat = result.details.get(legacy_key or name)
    return flat if isinstance(flat, dict) else {}


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


# ---- the scaling curve (batch pass) -------------------------------------------

@dataclass
class ScalingCurve:
    scenario: str
    counts: list[int]
    time_per_item_ns: list[float]
    retained_per_item_bytes: list[float]
    single_op_ns: list[float]  # the op timed alone: what "N × one op" assumes per item
    verdict: str


def scaling_curve(result: ScenarioResult) -> ScalingCurve | None:
    batch = pass_details(result, "batch")
    curve = [p for p in batch.get("curve") or [] if isinstance(p, dict) and "count" in p]
    if not result.ok or len(curve) < 2:
        return None
    verdict = batch.get("verdict") or {}
    summary = f"time per agent {verdict.get('time')}, retained per agent {verdict.get('retained')}" if verdict else ""
    return ScalingCurve(result.name, [int(p["count"]) for p in curve],
                        [float(p["time_per_item_ns"]) for p in curve],
                        [float(p["retained_per_item_bytes"]) for p in curve],
                        [float(p.get("single_op_ns") or 0) for p in curve], summary)


# ---- the concurrency matrix ----------------------------------------------------

@dataclass
class SpeedupSeries:
    variant: str
    mode: str
    workers: list[int]
    speedups: list[float]

    @property
    def control(self) -> bool:
        return self.variant == CONTROL


@dataclass
class ConcurrencyChart:
    scenario: str
    cpus: int | None
    series: list[SpeedupSeries]
    ideals: dict[str, tuple[list[int], list[float]]]  # label -> (workers, ideal speedup)
    criterion: str


def concurrency_chart(result: ScenarioResult) -> ConcurrencyChart | None:
    matrix = pass_details(result, "concurrency")
    rows = [r for r in matrix.get("rows") or [] if isinstance(r, dict)]
    if not result.ok or not rows:
        return None
    by_series: dict[tuple[str, str], dict[int, float]] = {}
    ideal_by_variant: dict[str, dict[int, float]] = {}
    for row in rows:
        by_series.setdefault((row["variant"], row["mode"]), {})[int(row["workers"])] = float(row["speedup"])
        if row["variant"] != CONTROL and "ideal_speedup" in row:
            ideal_by_variant.setdefault(row["variant"], {})[int(row["workers"])] = float(row["ideal_speedup"])
    series = [SpeedupSeries(v, m, sorted(points), [points[w] for w in sorted(points)])
              for (v, m), points in sorted(by_series.items(), key=lambda item: (item[0][0] == CONTROL, item[0]))]
    ideals: dict[str, tuple[list[int], list[float]]] = {}
    for variant, points in ideal_by_variant.items():
        curve = (sorted(points), [points[w] for w in sorted(points)])
        if curve not in ideals.values():
            io = (matrix.get("variants") or {}).get(variant, {}).get("io_bound")
            ideals["ideal (I/O-bound: = workers)" if io else f"ideal (= min(workers, {matrix.get('cpus')} CPUs))"] = curve
    return ConcurrencyChart(result.name, matrix.get("cpus"), series, ideals, str(matrix.get("criterion") or ""))


# ---- variants measured side by side ---------------------------------------------

@dataclass
class VariantChart:
    scenario: str
    variants: list[str]
    time_per_call_ns: list[float]
    baseline: str | None
    subject: str | None


def variant_chart(result: ScenarioResult) -> VariantChart | None:
    info = pass_details(result, "variants")
    rows = [r for r in info.get("rows") or [] if isinstance(r, dict) and "time_per_op_ns" in r]
    if not result.ok or not rows:
        return None
    return VariantChart(result.name, [r["name"] for r in rows], [float(r["time_per_op_ns"]) for r in rows],
                        info.get("baseline"), info.get("subject"))


# ---- service saturation (an HTTP load pass) -----------------------------------------

@dataclass
class SaturationSeries:
    label: str
    concurrency: list[float]
    requests_per_sec: list[float]
    p50_ns: list[float | None]
    p99_ns: list[float | None]


def _first(row: dict[str, Any], *keys: str) -> Any:
    return next((row[k] for k in keys if row.get(k) is not None), None)


def _dict_at(row: dict[str, Any], key: str) -> dict[str, Any] | None:
    """``row[key]`` when it is an object, else None (the details are JSON, of any age)."""
    value = row.get(key)
    return value if isinstance(value, dict) else None


def _level_point(level: dict[str, Any]) -> tuple[float, float, float | None, float | None] | None:
    """(connections, good responses/s, p50 ns, p99 ns) of one closed-loop level of the service pass."""
    nested = _dict_at(level, "load")
    load = nested if nested is not None else level
    latency = _dict_at(load, "latency") or {}
    duration = float(load.get("duration_s") or 0)
    if "good" in load and duration > 0:
        rps = float(load["good"]) / duration
    else:
        rps = _first(load, "requests_per_sec", "rps")
    x = _first(load, "connections", "concurrency")
    if rps is None or x is None:
        return None
    return float(x), float(rps), _first(latency, "p50") or _first(load, "latency_p50_ns"), \
        _first(latency, "p99") or _first(load, "latency_p99_ns")


def saturation_series(result: ScenarioResult) -> list[SaturationSeries]:
    """The service pass's closed-loop levels: one series per server configuration (uvicorn workers)."""
    info = pass_details(result, "service")
    if not result.ok:
        return []
    listed = info.get("runs")
    runs = listed if isinstance(listed, list) else [{"levels": info.get("levels") or []}]
    out = []
    for run in runs:
        if not isinstance(run, dict):
            continue
        points = sorted(p for p in (_level_point(lv) for lv in run.get("levels") or [] if isinstance(lv, dict)) if p)
        if not points:
            continue
        workers = run.get("workers")
        label = result.name + (f" · {workers} worker{'s' if workers != 1 else ''}" if workers else "")
        out.append(SaturationSeries(label, [p[0] for p in points], [p[1] for p in points],
                                    [p[2] for p in points], [p[3] for p in points]))
    return out


# ---- frameworks side by side -------------------------------------------------------

FRAMEWORKS_SUITE = "frameworks"


@dataclass
class FrameworkChart:
    measure: str  # what was measured (construction, run, ...): one chart each
    metric: str
    frameworks: list[str]
    values: list[float]


KNOWN_FRAMEWORKS = ("pydantic-ai", "openai-agents", "langgraph", "crewai", "smolagents", "agno")
# The metric a framework chart shows: the first of these a scenario has, else its first metric.
FRAMEWORK_METRICS: tuple[str, ...] = ("time_per_op_ns", "latency_p50_ns", "retained_bytes_per_op", "import_time_ns")


def _framework_of(result: ScenarioResult) -> tuple[str, str] | None:
    """(framework, measure) of a frameworks-suite scenario: from its details, else from its name."""
    for source in (pass_details(result, "frameworks"), pass_details(result, "framework"), result.details):
        framework = source.get("framework")
        if isinstance(framework, str):
            return framework, str(source.get("measure") or source.get("case") or result.name)
    name = result.name.lower()
    for framework in KNOWN_FRAMEWORKS:  # "langgraph-run-tool" -> ("langgraph", "run-tool")
        if framework in name.replace("_", "-"):
            measure = name.replace("_", "-").replace(framework, "").strip("-").replace("--", "-")
            return framework, measure or result.name
    return None


def framework_charts(results: Sequence[ScenarioResult]) -> list[FrameworkChart]:
    charts: dict[str, FrameworkChart] = {}
    for result in results:
        if result.suite != FRAMEWORKS_SUITE or not result.ok:
            continue
        found = _framework_of(result)
        metric = next((m for m in FRAMEWORK_METRICS if m in result.metrics), None) or next(iter(result.metrics), None)
        if found is None or metric is None:
            continue
        framework, measure = found
        chart = charts.setdefault(measure, FrameworkChart(measure, metric, [], []))
        chart.frameworks.append(framework)
        chart.values.append(result.metrics[metric].median)
    return [c for c in charts.values() if len(c.frameworks) > 1]
