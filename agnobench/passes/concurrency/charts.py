"""HTML charts of the concurrency pass: speedup against workers (named by its plugin's ``scenario_charts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agnobench.reporters.html.charts import layout
from agnobench.passes.concurrency.contract import ConcurrencyResult
from agnobench.results import ScenarioResult

CONTROL = "control"  # the pure-Python control series of the matrix


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
    matrix = result.result_of("concurrency")
    if not result.ok or not isinstance(matrix, ConcurrencyResult) or not matrix.rows:
        return None
    by_series: dict[tuple[str, str], dict[int, float]] = {}
    ideal_by_variant: dict[str, dict[int, float]] = {}
    for row in matrix.rows:
        by_series.setdefault((row.variant, row.mode), {})[row.workers] = row.speedup
        if row.variant != CONTROL and row.ideal_speedup > 0:
            ideal_by_variant.setdefault(row.variant, {})[row.workers] = float(row.ideal_speedup)
    series = [SpeedupSeries(v, m, sorted(points), [points[w] for w in sorted(points)])
              for (v, m), points in sorted(by_series.items(), key=lambda item: (item[0][0] == CONTROL, item[0]))]
    ideals: dict[str, tuple[list[int], list[float]]] = {}
    for variant, points in ideal_by_variant.items():
        curve = (sorted(points), [points[w] for w in sorted(points)])
        if curve not in ideals.values():
            workload = matrix.variants.get(variant)
            io = workload is not None and workload.io_bound
            ideals["ideal (I/O-bound: = workers)" if io else f"ideal (= min(workers, {matrix.cpus} CPUs))"] = curve
    return ConcurrencyChart(result.name, matrix.cpus, series, ideals, matrix.criterion)


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
