"""One main table per suite, with the columns that suite's scenarios measured.

A creation table needs time, memory and the floor; an execution table needs
latency percentiles; a real-world table needs totals. Rather than one wide
table of mostly empty cells, each suite's table shows a column only when at
least one of its scenarios has that metric, in a fixed order so the same
figure is always in the same place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from agnobench.metrics import metric_info
from agnobench.reporters.format import format_ratio, format_value
from agnobench.reporters.rows import FLOOR_SCENARIO, _target_cell, time_ratio
from agnobench.reporters.sections import Section
from agnobench.results import ScenarioResult


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[ScenarioResult], str]
    shown: Callable[[Sequence[ScenarioResult]], bool]
    metric: str = ""


def _metric(name: str, header: str | None = None) -> Column:
    def cell(result: ScenarioResult) -> str:
        metric = result.metrics.get(name)
        return format_value(metric_info(name).unit, metric.median) if metric else "—"

    return Column(header or metric_info(name).label, cell, lambda results: any(name in r.metrics for r in results),
                  metric=name)


def _spread(result: ScenarioResult) -> str:
    metric = result.metrics.get("time_per_op_ns")
    if metric is None or metric.mad is None or not metric.median:
        return "—"
    return f"{100 * metric.mad / metric.median:.1f}%"


# Shown whenever one scenario of the suite has them.
CORE: list[Column] = [
    _metric("time_per_op_ns"),
    Column("± MAD", _spread, lambda rs: any("time_per_op_ns" in r.metrics for r in rs), metric="time_per_op_ns"),
    _metric("ops_per_sec"),
    _metric("latency_p50_ns"),
    _metric("latency_p95_ns"),
    _metric("latency_p99_ns"),
    _metric("retained_bytes_per_op"),
    _metric("allocated_bytes_per_op", "alloc/op"),
    _metric("allocs_per_op"),
]
# Given a column of their own only when every measured scenario of the suite has them (a concurrency
# suite's speedup); otherwise they go, labelled, into the "more" cell of the scenarios that have them.
EXTRA = ["speedup", "efficiency", "total_time_ns", "total_retained_bytes", "run_time_ns", "baseline_time_ns",
         "overhead_ratio", "overhead_ns", "peak_bytes", "model_time_ns", "framework_time_ns", "framework_share_pct",
         "time_growth", "retained_growth"]
HIDDEN = {"ref_kernel_ns", "time_per_op_rel"}  # in the results file; the floor column uses them


def _more_cell(result: ScenarioResult, own_columns: set[str]) -> str:
    names = [n for n in EXTRA if n in result.metrics and n not in own_columns]
    names += sorted(n for n in result.metrics if n not in HIDDEN and n not in own_columns and n not in EXTRA
                    and n not in {c.metric for c in CORE})
    return " · ".join(f"{metric_info(n).label} {format_value(metric_info(n).unit, result.metrics[n].median)}"
                      for n in names) or ""


NOTES = {
    "time_per_op_ns": "time/op: wall time of one call, median of all values; ± MAD in % of it.",
    "speedup": "concurrency: time/op = aggregate wall time ÷ all calls of the scenario's headline cell (as Go's "
               "RunParallel ns/op), with that cell's speedup and efficiency; the whole matrix follows.",
    "total_time_ns": "batch: time/op and retained/op per item of the largest batch; total time and total retained "
                     "for the whole batch, measured, not multiplied.",
    "latency_p50_ns": "p50/p95/p99: individually timed calls, GC on; median over measuring processes.",
    "allocated_bytes_per_op": "alloc/op, allocs/op: everything Python's allocators handed out during one op, "
                              "temporaries included — the closest analogue of Go's B/op and allocs/op, "
                              "not the same quantity.",
    "overhead_ratio": "comparisons: time/op is the subject variant's time per call; × baseline = subject ÷ "
                      "baseline, paired round by round (every variant in the comparisons table).",
    "framework_share_pct": "framework share: end-to-end time minus the time measured inside the simulated LLM "
                           "wait, as a share of end-to-end.",
}


def suites_in_order(results: Sequence[ScenarioResult]) -> list[tuple[str, list[ScenarioResult]]]:
    groups: dict[str, list[ScenarioResult]] = {}
    for result in results:
        groups.setdefault(result.suite, []).append(result)
    return list(groups.items())


def suite_section(suite: str, members: Sequence[ScenarioResult], everything: Sequence[ScenarioResult]) -> Section:
    measured = [r for r in members if r.ok]
    columns = [c for c in CORE if c.shown(measured)]
    columns += [_metric(n) for n in EXTRA if measured and all(n in r.metrics for r in measured)]
    own = {c.metric for c in columns}
    more = [_more_cell(r, own) for r in measured]
    if any(more):
        columns.append(Column("more", lambda r: _more_cell(r, own), lambda rs: True, metric="more"))
    floor = next((r for r in everything if r.name == FLOOR_SCENARIO and r.ok), None)
    with_floor = floor is not None and floor.suite == suite
    headers = ["scenario"] + [c.header for c in columns] + ["targets"] + (["vs floor"] if with_floor else [])
    targets_at = 1 + len(columns)
    rows: list[list[str]] = []
    failed: set[int] = set()
    for result in members:
        if not result.ok:
            row = [result.name, "skipped" if result.skipped else "FAILED"] + [""] * (len(headers) - 2)
            row[targets_at] = result.skip_message if result.skipped else (result.error or "failed")
            if result.failed:
                failed.add(len(rows))
            rows.append(row)
            continue
        row = [result.name] + [c.cell(result) for c in columns] + [_target_cell(result.targets)]
        if with_floor:
            ratio = time_ratio(result, floor) if result is not floor else None
            row.append(format_ratio(ratio) if ratio is not None else "—")
        rows.append(row)
    shown = {c.metric for c in columns} | {n for r in measured for n in r.metrics}
    notes = [note for metric, note in NOTES.items() if metric in shown]
    if any(r.skipped for r in members):
        notes.append("skipped: what the scenario needs is not installed; the install line says how (not a failure).")
    if any(r.targets for r in measured):
        notes.append("targets: ✓ met / ✗ missed, with measured ÷ bound.")
    if with_floor:
        notes.append("vs floor: time/op ÷ python-floor's, both first divided by the reference kernel timed beside "
                     "them, so the ratio holds even if the machine changed speed between scenarios.")
    right = {i for i, c in enumerate(columns, start=1) if c.metric != "more"}
    if with_floor:
        right.add(len(headers) - 1)
    wrap = next((i for i, c in enumerate(columns, start=1) if c.metric == "more"), targets_at)
    return Section(title=f"{suite}", columns=headers, rows=rows, right=right, notes=notes, failed=failed,
                   marks=targets_at, wrap=wrap)
