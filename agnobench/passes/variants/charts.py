"""HTML charts of the variants pass: each variant's time per call (named by its plugin's ``scenario_charts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agnobench.reporters.format import format_ns
from agnobench.reporters.html.charts import layout, scale_for, value_axis
from agnobench.passes.variants.contract import VariantsResult
from agnobench.results import ScenarioResult


@dataclass
class VariantChart:
    scenario: str
    variants: list[str]
    time_per_call_ns: list[float]
    baseline: str | None
    subject: str | None


def variant_chart(result: ScenarioResult) -> VariantChart | None:
    info = result.result_of("variants")
    if not result.ok or not isinstance(info, VariantsResult) or not info.rows:
        return None
    return VariantChart(result.name, [r.name for r in info.rows], [r.time_per_op_ns for r in info.rows],
                        info.baseline, info.subject)


def variant_figure(chart: VariantChart) -> Any:
    import plotly.graph_objects as go

    scale, unit = scale_for("ns", chart.time_per_call_ns)
    colours = ["#e45756" if v == chart.subject else "#9d9d9d" if v == chart.baseline else "#4c78a8"
               for v in chart.variants]
    fig = go.Figure(go.Bar(x=chart.variants, y=[v / scale for v in chart.time_per_call_ns], marker_color=colours,
                           hovertext=[format_ns(v) for v in chart.time_per_call_ns], name="time/call"))
    fig.update_layout(**layout(f"{chart.scenario}: variants (grey baseline, red subject)",
                                yaxis=value_axis(unit, chart.time_per_call_ns)))
    return fig


def scenario_charts(result: ScenarioResult) -> list[Any]:
    chart = variant_chart(result)
    return [] if chart is None else [variant_figure(chart)]
