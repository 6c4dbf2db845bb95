"""HTML charts of the batch pass: the cost per item with N alive (named by its plugin's ``scenario_charts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agnobench.reporters.format import format_bytes, format_ns
from agnobench.reporters.html.charts import layout, scale_for
from agnobench.passes.batch.contract import BatchResult
from agnobench.results import ScenarioResult


@dataclass
class ScalingCurve:
    scenario: str
    counts: list[int]
    time_per_item_ns: list[float]
    retained_per_item_bytes: list[float]
    single_op_ns: list[float]  # the op timed alone: what "N × one op" assumes per item
    verdict: str


def scaling_curve(result: ScenarioResult) -> ScalingCurve | None:
    batch = result.result_of("batch")
    if not result.ok or not isinstance(batch, BatchResult) or len(batch.curve) < 2:
        return None
    verdict = batch.verdict
    summary = f"time per agent {verdict.time}, retained per agent {verdict.retained}" if verdict else ""
    return ScalingCurve(result.name, [p.count for p in batch.curve], [p.time_per_item_ns for p in batch.curve],
                        [p.retained_per_item_bytes for p in batch.curve], [p.single_op_ns for p in batch.curve],
                        summary)


def scaling_figure(curve: ScalingCurve) -> Any:
    import plotly.graph_objects as go

    t_scale, t_unit = scale_for("ns", curve.time_per_item_ns)
    b_scale, b_unit = scale_for("B", curve.retained_per_item_bytes)
    fig = go.Figure()
    fig.add_scatter(name="time per agent", x=curve.counts, y=[v / t_scale for v in curve.time_per_item_ns],
                    mode="lines+markers", hovertext=[format_ns(v) for v in curve.time_per_item_ns])
    if any(curve.single_op_ns):
        fig.add_scatter(name="one op timed alone ('N × one op')", x=curve.counts,
                        y=[v / t_scale for v in curve.single_op_ns], mode="lines", line=dict(dash="dash"))
    fig.add_scatter(name="retained per agent", x=curve.counts, y=[v / b_scale for v in curve.retained_per_item_bytes],
                    mode="lines+markers", yaxis="y2", hovertext=[format_bytes(v) for v in curve.retained_per_item_bytes])
    title = f"{curve.scenario}: cost per agent with N alive" + (f"<br><sub>{curve.verdict}</sub>" if curve.verdict else "")
    fig.update_layout(**layout(title, xaxis=dict(title="agents alive", type="log"),
                                yaxis=dict(title=f"time/agent ({t_unit})", rangemode="tozero"),
                                yaxis2=dict(title=f"retained/agent ({b_unit})", overlaying="y", side="right",
                                            rangemode="tozero")))
    return fig


def scenario_charts(result: ScenarioResult) -> list[Any]:
    curve = scaling_curve(result)
    return [] if curve is None else [scaling_figure(curve)]
