"""``agnobench history --html``: the trends as charts, regressions and improvements marked.

One chart per suite and metric, one line per scenario across the points in
commit order; a marked step (the gate's rule found a regression or an
improvement) carries a red or green marker named by its commit. Beside them,
the terminal's one-line-per-scenario table and the list of marks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from agnobench.compare.verdict import Verdict
from agnobench.history.render import COLUMNS, NOTES, lines, mark_text
from agnobench.history.trends import History, Trend
from agnobench.core.registry import metric_info
from agnobench.reporters.format import format_value
from agnobench.reporters.html.charts import scale_for
from agnobench.reporters.html.escaping import text
from agnobench.reporters.html.page import Page
from agnobench.reporters.html.tables import section_html
from agnobench.reporters.sections import Section

if TYPE_CHECKING:  # plotly is imported where a chart is drawn
    from plotly.graph_objects import Figure

# charted when a scenario has them; any other metric with a mark is charted too
CHARTED = ["time_per_op_ns", "time_per_op_rel", "latency_p50_ns", "latency_p99_ns", "retained_bytes_per_op",
           "allocated_bytes_per_op", "allocs_per_op", "instructions_per_op"]


def axis_labels(history: History) -> list[str]:
    return [f"{i + 1} · {p.label}" for i, p in enumerate(history.points)]


def trend_figure(suite: str, metric: str, trends: Sequence[Trend], history: History) -> Figure:
    import plotly.graph_objects as go

    labels = axis_labels(history)
    unit = metric_info(metric).unit
    scale, shown = scale_for(unit, [s.value for t in trends for s in t.measured if s.value is not None])
    fig = go.Figure()
    for trend in trends:
        steps = trend.measured
        fig.add_scatter(name=trend.scenario, mode="lines+markers", x=[labels[s.point] for s in steps],
                        y=[s.value / scale for s in steps if s.value is not None],
                        hovertext=[f"{trend.scenario}: {format_value(unit, s.value)} · "
                                   f"{history.points[s.point].subject or history.points[s.point].path}"
                                   for s in steps if s.value is not None])
        for verdict, colour, symbol in ((Verdict.regression, "#cf222e", "triangle-up"),
                                        (Verdict.improvement, "#1a7f37", "triangle-down")):
            marked = [s for s in steps if s.marked and s.comparison is not None and s.comparison.verdict is verdict]
            if marked:
                fig.add_scatter(name=f"{trend.scenario} {verdict.value}", mode="markers", showlegend=False,
                                x=[labels[s.point] for s in marked],
                                y=[s.value / scale for s in marked if s.value is not None],
                                marker=dict(symbol=symbol, size=15, color=colour, line=dict(width=1, color="#000")),
                                hovertext=[f"{verdict.value} {s.comparison.change_pct:+.1f}% at "
                                           f"{history.points[s.point].label}" for s in marked if s.comparison])
    fig.update_layout(title=dict(text=f"{suite}: {metric_info(metric).label} (▲ regression, ▼ improvement)",
                                 font=dict(size=14)),
                      height=380, margin=dict(l=60, r=20, t=60, b=110),
                      xaxis=dict(type="category", categoryorder="array", categoryarray=labels, title="results file"),
                      yaxis=dict(title=shown), legend=dict(orientation="h", y=-0.4))
    return fig


def summary_section(history: History) -> Section:
    return Section(title="Latest point per scenario", columns=list(COLUMNS), rows=[ln.cells for ln in lines(history)],
                   right={2, 3, 5}, notes=list(NOTES), failed={i for i, ln in enumerate(lines(history)) if ln.regression},
                   marks=6)


def marks_section(history: History) -> Section:
    return Section(title="Marked steps (regressions and improvements the gate's rule finds)",
                   columns=["scenario", "step", "file"],
                   rows=[[m.scenario, mark_text(m, history), history.points[m.point].path] for m in history.marks],
                   marks=1)


def points_section(history: History) -> Section:
    return Section(title="Results files, in order", columns=["#", "commit", "branch", "created", "mode", "file"],
                   rows=[[str(i + 1), p.label, p.branch or "—", p.results.created,
                          str(p.results.settings.get("mode") or "—"), p.path] for i, p in enumerate(history.points)],
                   notes=[f"skipped {s}" for s in history.skipped])


def render_history_html(history: History) -> str:
    page = Page("agnobench history", f"{len(history.points)} results file(s), {len(history.marks)} marked step(s)")
    marked_metrics = {m.metric for m in history.marks}
    groups: dict[tuple[str, str], list[Trend]] = {}
    for trend in history.trends:
        if (trend.metric in CHARTED or trend.metric in marked_metrics) and trend.measured:
            groups.setdefault((trend.suite, trend.metric), []).append(trend)
    page.add("<h2>Summary</h2>" + section_html(summary_section(history)))
    if history.marks:
        page.add(section_html(marks_section(history)))
    suites = list(dict.fromkeys(suite for suite, _ in groups))
    for suite in suites:
        figures = [trend_figure(suite, metric, trends, history) for (s, metric), trends in
                   sorted(groups.items(), key=lambda item: CHARTED.index(item[0][1]) if item[0][1] in CHARTED else 99)
                   if s == suite]
        page.add(f"<h2>{text(suite or 'no suite')}</h2><div class=\"grid\">" + "".join(page.chart(f) for f in figures)
                 + "</div>")
    page.add("<h2>Files</h2>" + section_html(points_section(history)))
    return page.render(footer="Made by agnobench history --html; nothing on this page is fetched.")
