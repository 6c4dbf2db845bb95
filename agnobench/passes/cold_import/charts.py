"""HTML chart of the frameworks suite: each measure, every framework side by side (agno in red)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from agnobench.core.registry import metric_info
from agnobench.reporters.format import format_value
from agnobench.reporters.html.charts import layout, scale_for, value_axis
from agnobench.results import ScenarioResult

FRAMEWORKS_SUITE = "frameworks"


@dataclass
class FrameworkChart:
    measure: str  # what was measured (construction, run, ...): one chart each
    metric: str
    frameworks: list[str]
    values: list[float]


# What a frameworks chart shows of a scenario: the first of these it measured, else its first metric.
FRAMEWORK_METRICS: tuple[str, ...] = ("time_per_op_ns", "latency_p50_ns", "retained_bytes_per_op", "import_time_ns")
KNOWN_FRAMEWORKS = ("pydantic-ai", "openai-agents", "langgraph", "crewai", "smolagents", "agno")


def _framework_of(result: ScenarioResult) -> tuple[str, str] | None:
    """(framework, measure) of a frameworks-suite scenario: from its details, else from its name."""
    framework = result.details.get("framework")
    if isinstance(framework, str):
        return framework, str(result.details.get("measure") or result.details.get("case") or result.name)
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


def framework_figure(chart: FrameworkChart) -> Any:
    import plotly.graph_objects as go

    unit = metric_info(chart.metric).unit
    scale, label = scale_for(unit, chart.values)
    colours = ["#e45756" if f.lower() == "agno" else "#4c78a8" for f in chart.frameworks]
    fig = go.Figure(go.Bar(x=chart.frameworks, y=[v / scale for v in chart.values], marker_color=colours,
                           hovertext=[format_value(unit, v) for v in chart.values]))
    fig.update_layout(**layout(f"frameworks: {chart.measure} ({metric_info(chart.metric).label})",
                                yaxis=value_axis(label, chart.values)))
    return fig


def suite_charts(suite: str, members: Sequence[ScenarioResult]) -> list[Any]:
    if suite != FRAMEWORKS_SUITE:
        return []
    return [framework_figure(c) for c in framework_charts(members)]
