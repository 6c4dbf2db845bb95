"""The storage suite's charts: per-turn cost against the turn number, one line per store.

Read from each ``turn_growth`` pass's typed turns: time per turn and bytes
written per turn (SQL stores), so a cost that grows with the conversation
shows as a rising line, and the verdict of each store rides in the legend.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from agnobench.reporters.format import format_bytes, format_ns
from agnobench.reporters.html.charts import layout, scale_for, value_axis
from agnobench.reporters.typed import typed_results
from agnobench.results import ScenarioResult

if TYPE_CHECKING:  # plotly is imported where a chart is drawn
    from plotly.graph_objects import Figure

STORE_COLOURS = {"memory": "#2ca02c", "sqlite": "#1f77b4", "postgres": "#d62728"}


def _growths(members: Sequence[ScenarioResult]) -> list[Any]:
    return [growth for _, growth in typed_results(members, "turn_growth") if growth.turns]


def _figure(growths: list[Any], metric: str, unit: str, title: str, axis: str) -> Figure | None:
    import plotly.graph_objects as go

    series = [(g, [(p.turn, getattr(p, metric)) for p in g.turns if getattr(p, metric) is not None]) for g in growths]
    series = [(g, points) for g, points in series if points]
    if not series:
        return None
    scale, label = scale_for(unit, [v for _, points in series for _, v in points])
    fmt = format_ns if unit == "ns" else format_bytes
    fig = go.Figure()
    for growth, points in series:
        verdict = growth.verdict(metric)
        name = f"{growth.store}" + (f" · {verdict.describe()}" if verdict else "")
        fig.add_scatter(name=name, x=[t for t, _ in points], y=[v / scale for _, v in points], mode="lines+markers",
                        line=dict(color=STORE_COLOURS.get(growth.store)), hovertext=[fmt(v) for _, v in points])
    values = [v / scale for _, points in series for _, v in points]
    fig.update_layout(**layout(title, xaxis=dict(title="turn of the conversation"),  # log when stores differ ×30
                                yaxis=value_axis(f"{axis} ({label})" if label else axis, values)))
    return fig


def turn_cost_figures(members: Sequence[ScenarioResult]) -> list[Figure]:
    """Time per turn and bytes written per turn against the turn number, every store on one chart each."""
    growths = _growths(members)
    if not growths:
        return []
    figures = [_figure(growths, "time_ns", "ns", "storage: time per turn as the conversation grows", "time/turn"),
               _figure(growths, "bytes_written", "B", "storage: bytes written per turn as the conversation grows",
                       "written/turn"),
               _figure(growths, "rows_read", "count", "storage: rows read per turn as the conversation grows",
                       "rows read/turn")]
    return [f for f in figures if f is not None]


def suite_charts(suite: str, members: Sequence[ScenarioResult]) -> list[Any]:
    return turn_cost_figures(members)
