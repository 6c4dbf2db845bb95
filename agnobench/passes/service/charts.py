"""HTML charts of the service pass: requests/s and latency against connections (named by its plugin's ``scenario_charts``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

from agnobench.reporters.format import format_bytes, format_ns
from agnobench.reporters.html.charts import layout, scale_for, value_axis
from agnobench.reporters.html.data import CONTROL, pass_details
from agnobench.results import ScenarioResult


@dataclass
class SaturationSeries:
    label: str
    concurrency: list[float]
    requests_per_sec: list[float]
    p50_ns: list[float | None]
    p99_ns: list[float | None]


def _first(row: dict[str, Any], *keys: str) -> Any:
    return next((row[k] for k in keys if row.get(k) is not None), None)


def _level_point(level: dict[str, Any]) -> tuple[float, float, float | None, float | None] | None:
    """(connections, good responses/s, p50 ns, p99 ns) of one closed-loop level of the service pass."""
    load = level.get("load") if isinstance(level.get("load"), dict) else level
    latency = load.get("latency") if isinstance(load.get("latency"), dict) else {}
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
    runs = info.get("runs") if isinstance(info.get("runs"), list) else [{"levels": info.get("levels") or []}]
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


def saturation_figure(scenario: str, series: Sequence[SaturationSeries]) -> Any:
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=("requests/s", "latency p50 / p99 (ms)"))
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
