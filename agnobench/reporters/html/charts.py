"""Plotly figures from the typed chart data: bars with targets and references, curves, the matrix.

Figures are built with plotly's own graph objects (validated property by
property) and rendered in the page by plotly.js, inlined; nothing here draws.
Values are scaled to one readable unit per chart (µs rather than 10,400 ns);
hover text carries the exact figure as the tables format it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from agnobench.reporters.format import format_ns, format_value
from agnobench.reporters.html.data import LatencyChart, MetricChart

if TYPE_CHECKING:  # plotly is imported where a chart is drawn
    from plotly.graph_objects import Figure

REFERENCE_STYLES = [("diamond", "#54a24b"), ("star", "#b279a2"), ("triangle-up", "#f58518"), ("square", "#72b7b2"),
                    ("cross", "#ff9da6"), ("x", "#9d755d")]
_reference_style: dict[str, tuple[str, str]] = {}  # one look per reference across every chart of a page
LOG_SPREAD = 30.0  # values further apart than this share a log axis


def scale_for(unit: str, values: Sequence[float]) -> tuple[float, str]:
    """A divisor and unit label that make the largest typical value readable."""
    top = max((abs(v) for v in values if v), default=0.0)
    if unit == "ns":
        for scale, label in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
            if top >= scale:
                return scale, label
        return 1.0, "ns"
    if unit == "B":
        for scale, label in ((1024.0 ** 2, "MiB"), (1024.0, "KiB")):
            if top >= 10 * scale:
                return scale, label
        return 1.0, "B"
    return 1.0, {"count": "", "1/s": "/s", "ratio": "×", "%": "%"}.get(unit, unit)


def _log_axis(values: Sequence[float]) -> bool:
    positive = [v for v in values if v and v > 0]
    return len(positive) > 1 and max(positive) / min(positive) > LOG_SPREAD


def value_axis(title: str, values: Sequence[float]) -> dict[str, Any]:
    """A y axis in the chart's unit: log when the values span more than ×30, plain decimals either way."""
    log = _log_axis(values)
    return dict(title=title, type="log" if log else "linear", tickformat="~g" if log else None,
                rangemode=None if log else "tozero")


def layout(title: str, **extra: Any) -> dict[str, Any]:
    # legend under the plot, clear of x labels that plotly tilts when scenario names crowd
    layout: dict[str, Any] = dict(title=dict(text=title, font=dict(size=14)), height=400,
                                  margin=dict(l=60, r=20, t=60, b=40),
                                  xaxis=dict(automargin=True, tickangle=-20),
                                  legend=dict(orientation="h", yanchor="top", y=-0.32))
    layout.update(extra)
    return layout


def metric_figure(chart: MetricChart) -> Figure:
    import plotly.graph_objects as go

    everything = [b.value for b in chart.bars] + [m.value for m in chart.targets] + \
                 [m.value for ms in chart.references.values() for m in ms]
    scale, unit = scale_for(chart.unit, everything)
    fig = go.Figure()
    fig.add_bar(name="agno here (median)", x=[b.scenario for b in chart.bars], y=[b.value / scale for b in chart.bars],
                error_y=dict(type="data", array=[(b.spread or 0) / scale for b in chart.bars], visible=True),
                hovertext=[format_value(chart.unit, b.value) for b in chart.bars], marker_color="#4c78a8")
    if chart.targets:
        fig.add_scatter(name=f"target ({chart.targets[0].label.split()[-1]} bound)", mode="markers", x=[m.scenario for m in chart.targets],
                        y=[m.value / scale for m in chart.targets],
                        marker=dict(symbol="line-ew-open", size=34, line=dict(width=3, color="#e45756")),
                        hovertext=[f"{m.label} {format_value(chart.unit, m.value)}" for m in chart.targets])
    for label, markers in chart.references.items():
        symbol, colour = _reference_style.setdefault(label, REFERENCE_STYLES[len(_reference_style) % len(REFERENCE_STYLES)])
        fig.add_scatter(name=label, mode="markers", x=[m.scenario for m in markers], y=[m.value / scale for m in markers],
                        marker=dict(symbol=symbol, size=11, color=colour, line=dict(width=1, color="#333")),
                        hovertext=[format_value(chart.unit, m.value) for m in markers])
    title = f"{chart.suite}: {chart.label}"
    if chart.not_measured:
        title += f"<br><sub>not measured: {', '.join(chart.not_measured)}</sub>"
    fig.update_layout(**layout(title, yaxis=value_axis(unit, everything)))
    return fig


def latency_figure(chart: LatencyChart) -> Figure:
    import plotly.graph_objects as go

    values = [v for vs in chart.percentiles.values() for v in vs if v]
    scale, unit = scale_for("ns", values)
    fig = go.Figure()
    for label, per_scenario in chart.percentiles.items():
        fig.add_bar(name=label, x=chart.scenarios, y=[v / scale if v else None for v in per_scenario],
                    hovertext=[format_ns(v) if v else "—" for v in per_scenario])
    fig.update_layout(**layout(f"{chart.suite}: latency percentiles", barmode="group",
                                yaxis=value_axis(unit, values)))
    return fig
