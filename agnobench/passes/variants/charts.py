"""HTML charts of the variants pass: each variant's time per call (named by its plugin's ``scenario_charts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from agnobench.reporters.format import format_bytes, format_ns
from agnobench.reporters.html.charts import layout, scale_for, value_axis
from agnobench.reporters.html.data import CONTROL, pass_details
from agnobench.results import ScenarioResult


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
