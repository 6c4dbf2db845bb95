"""The history in the terminal, as markdown and as JSON.

One line per scenario: its headline figure at the latest point, the change
against the previous point, and the gate's verdict on that last step (the
worst over its gated metrics, named); then every marked step, commit named.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text
from tabulate import tabulate

from agnobench.compare.core import MetricComparison
from agnobench.compare.verdict import Verdict
from agnobench.history.trends import JUDGED_BY, History, Mark, headline
from agnobench.core.registry import metric_info
from agnobench.packages import package_changes
from agnobench.reporters.compare_rows import format_figure

COLUMNS = ["scenario", "metric", "points", "latest", "at", "change", "verdict", "marks"]
NOTES = [
    "change and verdict: the latest point against the one before it where the scenario was measured, by the gate's "
    "rule (agnobench compare: a significant difference beyond the metric's threshold); the verdict is the worst "
    "over the scenario's gated metrics; the change is that of the figure the gate judges (time/kernel for a time, "
    "named in brackets when it is not the metric shown).",
    "marks: regressions (✗) and improvements (✓) of gated metrics between consecutive points, over the whole history.",
    "at: the commit of the latest point (* = uncommitted changes), or its time when the run recorded no commit.",
]
ORDER = {Verdict.regression: 0, Verdict.inconclusive: 1, Verdict.improvement: 2, Verdict.not_significant: 3,
         Verdict.unchanged: 4}


@dataclass
class Line:
    cells: list[str]
    regression: bool


def _gated_steps(history: History, scenario: str, point: int) -> list[tuple[str, MetricComparison]]:
    return [(t.metric, s.comparison) for t in history.trends_of(scenario) for s in t.steps
            if s.point == point and s.comparison is not None and s.comparison.gated]


def _verdict(history: History, scenario: str, point: int) -> tuple[str, bool]:
    steps = _gated_steps(history, scenario, point)
    if not steps:
        status = next((s.status for t in history.trends_of(scenario) for s in t.steps
                       if s.point == point and s.value is None), None)
        if status is not None:
            return ("✗ failed", True) if status == "failed" else (f"— {status}", False)
        compared = any(s.point == point and s.comparison is not None
                       for t in history.trends_of(scenario) for s in t.steps)
        # compared, but nothing the gate judges (wall time with no kernel on single runs): not a first point
        return ("— not gated (information only)", False) if compared else ("— first point", False)
    metric, worst = min(steps, key=lambda item: ORDER[item[1].verdict])
    if worst.verdict in (Verdict.regression, Verdict.improvement, Verdict.inconclusive):
        mark = {Verdict.regression: "✗", Verdict.improvement: "✓", Verdict.inconclusive: "~"}[worst.verdict]
        change = f" {worst.change_pct:+.1f}%" if worst.change_pct is not None else ""
        return f"{mark} {worst.verdict.value} ({metric_info(metric).label}{change})", worst.verdict is Verdict.regression
    return ("=" if worst.verdict is Verdict.unchanged else "?") + f" {worst.verdict.value}", False


def _judged(history: History, scenario: str, point: int, lead_metric: str) -> MetricComparison | None:
    """The comparison the change column shows: the lead metric's own when the gate judges it, else the gated
    figure that stands for it (time/kernel for time/op and wall/op), so change and verdict read the same figure."""
    gated = dict(_gated_steps(history, scenario, point))
    return gated.get(lead_metric) or gated.get(JUDGED_BY.get(lead_metric, ""))


def environment_changes(history: History, scenario: str, point: int, previous: int) -> list[str]:
    """Packages whose versions differ between two points, for this scenario's imports when both recorded them."""
    before, after = history.points[previous].results, history.points[point].results
    a, b = before.scenario(scenario), after.scenario(scenario)
    changes = package_changes(a.details, b.details) if a is not None and b is not None else []
    return changes or package_changes(before.environment, after.environment)


def mark_text(mark: Mark, history: History) -> str:
    c = mark.comparison
    change = f"{c.change_pct:+.1f}%" if c.change_pct is not None else "new"
    changes = environment_changes(history, mark.scenario, mark.point, mark.previous)
    beside = f" — packages changed: {', '.join(changes)}" if changes else ""
    return (f"{'✗' if c.verdict is Verdict.regression else '✓'} {metric_info(mark.metric).label} {change} at "
            f"{history.points[mark.point].label} (from {history.points[mark.previous].label}){beside}")


def lines(history: History) -> list[Line]:
    out = []
    last_point = len(history.points) - 1
    for scenario in history.scenarios:
        trends = history.trends_of(scenario)
        lead = headline(trends)
        if lead is None:
            continue
        latest = lead.steps[-1]
        at = history.points[latest.point].label
        if latest.point != last_point:
            at += " (not in the latest run)"
        value = format_figure(lead.metric, latest.value) if latest.value is not None else latest.status
        c = _judged(history, scenario, latest.point, lead.metric) or latest.comparison
        change = (f"{c.change_pct:+.1f}%" if c.change_pct is not None else "—") if c else "—"
        if c is not None and c.metric != lead.metric:
            change += f" ({metric_info(c.metric).label})"
        verdict, bad = _verdict(history, scenario, latest.point)
        if c is not None and verdict[:1] in "✗✓~":
            previous = max((s.point for s in lead.steps if s.point < latest.point and s.value is not None), default=None)
            changes = environment_changes(history, scenario, latest.point, previous) if previous is not None else []
            verdict += f" — packages changed: {', '.join(changes)}" if changes else ""
        marks = [m for m in history.marks if m.scenario == scenario]
        marks_cell = f"{sum(m.comparison.verdict is Verdict.regression for m in marks)}✗ " \
                     f"{sum(m.comparison.verdict is Verdict.improvement for m in marks)}✓" if marks else "—"
        out.append(Line([scenario, metric_info(lead.metric).label, str(len(lead.measured)), value, at, change,
                         verdict, marks_cell], bad))
    return out


def render_history_table(history: History, console: Console) -> None:
    table = Table(title=f"agnobench history · {len(history.points)} results file(s)", title_justify="left",
                  header_style="bold")
    for index, name in enumerate(COLUMNS):
        table.add_column(name, justify="right" if index in (2, 3, 5) else "left", no_wrap=index != 6)
    for line in lines(history):
        cells: list[str | Text] = list(line.cells)
        verdict = Text(line.cells[6], "red" if line.regression else "")
        if not line.regression:
            verdict.highlight_words(["✓"], "green")
        cells[6] = verdict
        table.add_row(*cells)
    console.print(table)
    for mark in history.marks:
        console.print(f"  {mark.scenario}: {mark_text(mark, history)}")
    for note in NOTES:
        console.print(note, style="dim")
    for skipped in history.skipped:
        console.print(f"skipped {skipped}", style="dim")


def render_history_markdown(history: History) -> str:
    rows = [[c.replace("|", "\\|") for c in line.cells] for line in lines(history)]
    parts = [f"### agnobench history · {len(history.points)} results file(s)", "",
             tabulate(rows, headers=COLUMNS, tablefmt="github", disable_numparse=True), ""]
    if history.marks:
        parts += ["Marked steps:", ""] + [f"- {m.scenario}: {mark_text(m, history)}" for m in history.marks] + [""]
    parts += [f"- {note}" for note in NOTES] + [f"- skipped {s}" for s in history.skipped]
    return "\n".join(parts) + "\n"


def history_to_dict(history: History) -> dict[str, Any]:
    return {"points": [p.to_dict() for p in history.points], "trends": [t.to_dict() for t in history.trends],
            "marks": [m.to_dict(history.points) for m in history.marks],
            "summary": [dict(zip(COLUMNS, line.cells)) for line in lines(history)], "skipped": history.skipped}


def render_history_json(history: History) -> str:
    return json.dumps(history_to_dict(history), indent=1) + "\n"
