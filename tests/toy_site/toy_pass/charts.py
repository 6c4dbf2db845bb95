"""The toy pass's chart: each call's time, for the HTML page."""

from __future__ import annotations

from typing import Any

from agnobench.reporters.html.charts import layout
from agnobench.results import ScenarioResult

from .contract import ToyResult


def scenario_charts(result: ScenarioResult) -> list[Any]:
    toy = result.result_of("toy")
    if not isinstance(toy, ToyResult) or not toy.per_call_ns:
        return []
    import plotly.graph_objects as go

    figure = go.Figure(go.Scatter(y=toy.per_call_ns, mode="markers", name="toy call"))
    figure.update_layout(**layout(f"{result.name}: toy calls ({toy.label})"))
    return [figure]
