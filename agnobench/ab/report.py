"""The A/B comparison as a terminal table, markdown fit for a pull-request comment, or JSON."""

from __future__ import annotations

import json
import math

from rich.console import Console
from rich.table import Table
from tabulate import tabulate

from agnobench.ab.measure import ScenarioAB
from agnobench.ab.session import ABResult, metric_label
from agnobench.core.registry import metric_info
from agnobench.reporters.format import format_value

_MARK = {"regression": "✗ regression", "improvement": "✓ improvement", "unchanged": "= unchanged",
         "not significant": "~ not significant", "inconclusive": "? inconclusive"}


def _ratio(value: float, low: float | None, high: float | None) -> tuple[str, str]:
    if math.isinf(value):
        return "new", "—"
    interval = f"{low:.3f}–{high:.3f}" if low is not None and high is not None else "exact"
    return f"{value:.3f}", interval


def _rows(result: ABResult) -> list[list[str]]:
    rows: list[list[str]] = []
    for scenario in result.scenarios:
        if not scenario.metrics:
            rows.append([scenario.name, "—", "—", "—", "—", "—", f"{scenario.status}: {scenario.reason or ''}"])
            continue
        for index, metric in enumerate(scenario.metrics):
            unit = metric_info(metric.metric).unit
            label = "time/op (wall)" if metric.metric == "time_per_op_ns" else metric_label(metric.metric)
            ratio, interval = _ratio(metric.ratio, metric.low, metric.high)
            rows.append([scenario.name if index == 0 else "", label, format_value(unit, metric.a),
                         format_value(unit, metric.b), ratio, interval, _MARK[metric.verdict.value]])
    return rows


HEADERS = ["scenario", "metric", "A", "B", "B ÷ A", "95 % interval", "verdict"]


def _notes(result: ABResult) -> list[str]:
    notes = [f"A: {result.a.side.label} (agno {result.a.agno or '?'}) · B: {result.b.side.label} "
             f"(agno {result.b.agno or '?'})"]
    if result.diff:
        shown = ", ".join(f"{n} {x or '—'} → {y or '—'}" for n, x, y in result.diff[:12])
        more = f" and {len(result.diff) - 12} more" if len(result.diff) > 12 else ""
        notes.append(f"packages that differ: {shown}{more}")
    else:
        notes.append("packages that differ: none (the same environment on both sides)")
    methods = {s.method for s in result.scenarios}
    notes.append(f"time: B ÷ A from bursts of both sides interleaved on one CPU, each B burst against the A bursts "
                 f"on both sides of it, under {result.settings.layouts} memory layouts (hash seeds); 95 % interval "
                 f"by bootstrap over layouts and their process pairs; threshold "
                 f"{result.settings.threshold_pct:g} % (a regression needs the change beyond it and the interval "
                 f"clear of 1). A and B columns: median wall time per call.")
    if any(m.method.startswith("memory") for s in result.scenarios for m in s.metrics):
        notes.append(f"memory: each side's memory pass, compared exactly (threshold "
                     f"{result.settings.memory_threshold_pct:g} %).")
    if "ABBA whole runs" in methods:
        notes.append("ABBA whole runs: a scenario that cannot be cut into bursts runs whole, A B B A, and the pooled "
                     "runs are compared by the gate's rule (agnobench compare).")
    if not result.complete:
        notes.append("⚠ interrupted: the scenarios above are all that were compared.")
    return notes


def verdict_line(result: ABResult) -> str:
    regressions = result.regressions
    failed = result.failed
    if regressions:
        return f"✗ {len(regressions)} regression(s): {', '.join(regressions[:5])}"
    if failed:
        return f"✗ {len(failed)} scenario(s) failed: {', '.join(s.name for s in failed[:5])}"
    return "✓ no regression"


def render_table(result: ABResult, console: Console) -> None:
    table = Table(title="agnobench ab · B against A", title_justify="left")
    for index, header in enumerate(HEADERS):
        table.add_column(header, justify="right" if 2 <= index <= 4 else "left", overflow="fold")
    for row in _rows(result):
        style = "red" if row[-1].startswith("✗") or row[-1].startswith("failed") else None
        table.add_row(*row, style=style)
    console.print(table)
    for note in _notes(result):
        console.print(note, style="dim", soft_wrap=True)
    console.print(verdict_line(result))


def render_markdown(result: ABResult) -> str:
    lines = [f"### agnobench ab: {verdict_line(result)}", "",
             tabulate(_rows(result), headers=HEADERS, tablefmt="github"), ""]
    lines += [f"- {note}" for note in _notes(result)]
    return "\n".join(lines) + "\n"


def render_json(result: ABResult) -> str:
    return json.dumps(result.to_dict(), indent=1, allow_nan=False, default=_finite)


def _finite(value: object) -> object:
    return str(value)


def scenario_line(scenario: ScenarioAB) -> str:
    """One line of progress for a scenario just compared."""
    if scenario.status != "ok":
        return f"{scenario.name}: {scenario.status}: {scenario.reason}"
    time = next((m for m in scenario.metrics if m.metric == "time_per_op_ns"), None)
    if time is None:
        return f"{scenario.name}: compared ({len(scenario.metrics)} metric(s))"
    interval = f" [{time.low:.3f}–{time.high:.3f}]" if time.low is not None and time.high is not None else ""
    return f"{scenario.name}: B ÷ A {time.ratio:.3f}{interval} {time.verdict.value}"
