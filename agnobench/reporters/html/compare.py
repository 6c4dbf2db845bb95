"""``agnobench compare --html``: the gate's table as a page, for CI artifacts.

The table is the one the terminal and the markdown show (same cells, same
notes); the chart puts each gated metric's change beside its threshold, so a
reader sees at a glance which rows crossed it and which way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agnobench.compare import Comparison, Verdict
from agnobench.core.registry import metric_info
from agnobench.reporters.compare_rows import COLUMNS, NOTES, RIGHT_ALIGNED, cells, side_lists, summary_line
from agnobench.reporters.html.escaping import text
from agnobench.reporters.html.page import Page
from agnobench.reporters.html.tables import section_html
from agnobench.reporters.sections import Section

if TYPE_CHECKING:  # plotly is imported where a chart is drawn
    from plotly.graph_objects import Figure

VERDICT_COLOURS = {Verdict.regression: "#cf222e", Verdict.improvement: "#1a7f37",
                   Verdict.unchanged: "#8c959f", Verdict.not_significant: "#d4a72c",
                   Verdict.inconclusive: "#8250df"}


def comparison_section(comparison: Comparison) -> Section:
    return Section(title="Comparison", columns=list(COLUMNS), rows=[cells(r) for r in comparison.rows],
                   right=set(RIGHT_ALIGNED), notes=side_lists(comparison) + list(NOTES),
                   failed={i for i, r in enumerate(comparison.rows) if r.fails})


def change_figure(comparison: Comparison) -> Figure | None:
    import plotly.graph_objects as go

    rows = [r for r in comparison.rows if r.gated and r.change_pct is not None]
    if not rows:
        return None
    labels = [f"{r.scenario} · {metric_info(r.metric).label}" for r in rows]
    fig = go.Figure()
    fig.add_bar(x=[r.change_pct for r in rows], y=labels, orientation="h", name="change %",
                marker_color=[VERDICT_COLOURS[r.verdict] for r in rows],
                hovertext=[f"{r.verdict.value}, threshold ±{r.rule.threshold_pct:g}%" for r in rows])
    fig.add_scatter(x=[r.rule.threshold_pct for r in rows] + [None] + [-r.rule.threshold_pct for r in rows],
                    y=labels + [None] + labels, mode="markers", name="threshold",
                    marker=dict(symbol="line-ns-open", size=16, line=dict(width=2, color="#333")))
    fig.update_layout(title=dict(text="Gated metrics: change against baseline (red regression, green improvement, "
                                      "yellow not significant)", font=dict(size=14)),
                      height=max(320, 26 * len(rows) + 140), xaxis=dict(title="change %"),
                      yaxis=dict(autorange="reversed"), margin=dict(l=260, r=20, t=60, b=50))
    return fig


def render_compare_html(comparison: Comparison) -> str:
    page = Page("agnobench compare", f"{comparison.baseline_path} → {comparison.current_path}")
    verdict = "regression" if comparison.exit_code else "improvement"
    page.add(f'<h2 class="{verdict}">{"❌" if comparison.exit_code else "✅"} {text(summary_line(comparison))}</h2>')
    figure = change_figure(comparison)
    if figure is not None:
        page.add('<div class="grid">' + page.chart(figure) + "</div>")
    page.add(section_html(comparison_section(comparison)))
    return page.render(footer="Made by agnobench compare --html; nothing on this page is fetched.")
