"""HTML charts of the service pass: requests/s and latency against connections (named by its plugin's ``scenario_charts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from agnobench.reporters.html.charts import layout
from agnobench.passes.service.results import Level, ServiceResult
from agnobench.results import ScenarioResult


@dataclass
class SaturationSeries:
    label: str
    concurrency: list[float]
    requests_per_sec: list[float]
    p50_ns: list[float | None]
    p99_ns: list[float | None]


def _level_point(level: Level) -> tuple[float, float, float | None, float | None]:
    """(connections, good responses/s, p50 ns, p99 ns) of one closed-loop level of the service pass."""
    load = level.load
    rps = load.good / load.duration_s if load.duration_s > 0 else 0.0
    return float(load.connections), rps, load.latency.p50 or None, load.latency.p99 or None


def saturation_series(result: ScenarioResult) -> list[SaturationSeries]:
    """The service pass's closed-loop levels: one series per server configuration (uvicorn workers)."""
    info = result.result_of("service")
    if not result.ok or not isinstance(info, ServiceResult):
        return []
    out = []
    for run in info.runs:
        points = sorted(_level_point(level) for level in run.levels)
        if not points:
            continue
        label = result.name + (f" · {run.workers} worker{'s' if run.workers != 1 else ''}" if run.workers else "")
        out.append(SaturationSeries(label, [p[0] for p in points], [p[1] for p in points],
                                    [p[2] for p in points], [p[3] for p in points]))
    return out


def saturation_figure(scenario: str, series: Sequence[SaturationSeries]) -> Any:
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=["requests/s", "latency p50 / p99 (ms)"])
    for index, s in enumerate(series):
        colour = ["#4c78a8", "#e45756", "#54a24b", "#b279a2", "#f58518"][index % 5]
        fig.add_scatter(name=f"{s.label} req/s", x=s.concurrency, y=s.requests_per_sec, mode="lines+markers",
                        line=dict(color=colour), row=1, col=1)
        for values, label, dash in ((s.p50_ns, "p50", "solid"), (s.p99_ns, "p99", "dash")):
            if any(v is not None for v in values):
                fig.add_scatter(name=f"{s.label} {label}", x=s.concurrency,
                                y=[v / 1e6 if v is not None else None for v in values], mode="lines+markers",
                                line=dict(color=colour, dash=dash), row=1, col=2)
    fig.update_xaxes(type="log", title_text="connections (closed loop)")
    fig.update_layout(**layout(f"{scenario}: saturation", height=400))
    return fig


def scenario_charts(result: ScenarioResult) -> list[Any]:
    series = saturation_series(result)
    return [saturation_figure(result.name, series)] if series else []


def suite_charts(suite: str, members: Sequence[ScenarioResult]) -> list[Any]:
    """Several servers in one suite: one chart with every one of them, the control beside agno."""
    series = [s for r in members for s in saturation_series(r)]
    if len({s.label.split(" · ")[0] for s in series}) > 1:
        return [saturation_figure(f"{suite} (all servers)", series)]
    return []
