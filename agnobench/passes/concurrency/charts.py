"""HTML charts of the concurrency pass: speedup against workers (named by its plugin's ``scenario_charts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from agnobench.reporters.format import format_bytes, format_ns
from agnobench.reporters.html.charts import layout, scale_for, value_axis
from agnobench.reporters.html.data import CONTROL, pass_details
from agnobench.results import ScenarioResult


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


MODE_COLOURS = {"threads": "#1f77b4", "processes": "#d62728", "asyncio": "#2ca02c"}


def concurrency_figure(chart: ConcurrencyChart) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    variants = sorted({s.variant for s in chart.series if not s.control})
    dashes = ["solid", "dot", "dashdot", "longdash"]
    for series in chart.series:
        if series.control:
            style = dict(color="#7f7f7f", dash="dash", width=2)
            name = f"control (pure Python) · {series.mode}"
        else:
            style = dict(color=MODE_COLOURS.get(series.mode), dash=dashes[variants.index(series.variant) % len(dashes)])
            name = f"{series.variant} · {series.mode}"
        fig.add_scatter(name=name, x=series.workers, y=series.speedups, mode="lines+markers", line=style)
    for label, (workers, ideal) in chart.ideals.items():
        fig.add_scatter(name=label, x=workers, y=ideal, mode="lines", line=dict(color="black", width=1, dash="dot"))
    fig.update_layout(**layout(f"{chart.scenario}: speedup against workers ({chart.cpus} CPUs)", height=420,
                                xaxis=dict(title="workers", type="log", tickvals=sorted({w for s in chart.series
                                                                                        for w in s.workers})),
                                yaxis=dict(title="speedup vs 1 worker", rangemode="tozero")))
    return fig


def scenario_charts(result: ScenarioResult) -> list[Any]:
    chart = concurrency_chart(result)
    return [] if chart is None else [concurrency_figure(chart)]
