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

from agnobench.core.metrics import CORE, EXTRA, HIDDEN
from agnobench.core.registry import metric_info, metrics_with
from agnobench.reporters import noise
from agnobench.reporters.format import format_ratio, format_value
from agnobench.reporters.harness_notes import hook_notes, thread_notes
from agnobench.reporters.machine_speed import HEADLINE, rerun_pct, speed_notes
from agnobench.reporters.rows import FLOOR_SCENARIO, target_cell, time_ratio
from agnobench.reporters.section import Section
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
        if metric is None:
            return "—"
        unit = metric_info(name).unit
        return noise.SHORT if noise.value_noise(unit, metric.median) else format_value(unit, metric.median)

    return Column(header or metric_info(name).label, cell, lambda results: any(name in r.metrics for r in results),
                  metric=name)


def _headline(result: ScenarioResult) -> str:
    """time/op: the timing pass's headline (docs/timing.md) where it ran, else the wall time."""
    metric = result.metrics.get(HEADLINE) or result.metrics.get("time_per_op_ns")
    return format_value("ns", metric.median) if metric else "—"


def _spread_pct(result: ScenarioResult) -> tuple[float, str] | None:
    """± of a rerun where the timing pass ran (marked ''); else the MAD of the samples in % (marked ~)."""
    rerun = rerun_pct(result)
    if rerun is not None:
        return rerun, ""
    metric = result.metrics.get("time_per_op_ns")
    if metric is None or metric.mad is None or not metric.median:
        return None
    return 100 * metric.mad / metric.median, "~"


def _spread(result: ScenarioResult) -> str:
    spread = _spread_pct(result)
    if spread is None:
        return "—"
    return noise.SHORT if noise.spread_noise(spread[0]) else f"{spread[0]:.1f}%{spread[1]}"


def noise_notes(results: Sequence[ScenarioResult], columns: Sequence[Column]) -> list[str]:
    """One line per figure the table shows as n/m: which, and why."""
    notes = []
    for result in results:
        spread = _spread_pct(result)
        if spread is not None and (why := noise.spread_noise(spread[0])):
            notes.append(noise.note(f"{result.name}'s time/op ±", why))
        for column in columns:
            metric = result.metrics.get(column.metric)
            if metric is not None and (why := noise.value_noise(metric_info(column.metric).unit, metric.median)):
                notes.append(noise.note(f"{result.name}'s {column.header} ({format_value('B', metric.median)})",
                                        why))
    return notes


def _wall(result: ScenarioResult) -> str:
    metric = result.metrics.get("time_per_op_ns")
    return format_value("ns", metric.median) if metric and HEADLINE in result.metrics else "—"


def _core_columns() -> list[Column]:
    """The metrics declared ``column=CORE``, in the metric table's order; time/op brings its ± and wall/op."""
    columns = []
    for info in metrics_with(lambda m: m.column == CORE):
        if info.name != "time_per_op_ns":
            columns.append(_metric(info.name, info.column_header))
            continue
        timed = lambda rs: any("time_per_op_ns" in r.metrics for r in rs)  # noqa: E731
        columns += [Column("time/op", _headline, timed, metric="time_per_op_ns"),
                    Column("±", _spread, timed, metric="time_per_op_ns"),
                    Column("wall/op", _wall, lambda rs: any(HEADLINE in r.metrics for r in rs), metric=HEADLINE)]
    return columns


def _names(column: str) -> list[str]:
    return [m.name for m in metrics_with(lambda m: m.column == column)]


def _more_cell(result: ScenarioResult, own_columns: set[str]) -> str:
    """EXTRA metrics without a column of their own, in table order, then the rest (MORE, unknown) by name."""
    extra, hidden, core = _names(EXTRA), set(_names(HIDDEN)), set(_names(CORE))
    names = [n for n in extra if n in result.metrics and n not in own_columns]
    names += sorted(n for n in result.metrics if n not in hidden and n not in own_columns and n not in extra
                    and n not in core)
    return " · ".join(f"{metric_info(n).label} {format_value(metric_info(n).unit, result.metrics[n].median)}"
                      for n in names) or ""


def suites_in_order(results: Sequence[ScenarioResult]) -> list[tuple[str, list[ScenarioResult]]]:
    groups: dict[str, list[ScenarioResult]] = {}
    for result in results:
        groups.setdefault(result.suite, []).append(result)
    return list(groups.items())


def suite_section(suite: str, members: Sequence[ScenarioResult], everything: Sequence[ScenarioResult]) -> Section:
    measured = [r for r in members if r.ok]
    columns = [c for c in _core_columns() if c.shown(measured)]
    columns += [_metric(n) for n in _names(EXTRA) if measured and all(n in r.metrics for r in measured)]
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
        row = [result.name] + [c.cell(result) for c in columns] + [target_cell(result.targets)]
        if with_floor:
            ratio = time_ratio(result, floor) if floor is not None and result is not floor else None
            row.append(format_ratio(ratio) if ratio is not None else "—")
        rows.append(row)
    shown = {c.metric for c in columns} | {n for r in measured for n in r.metrics}
    notes = [m.note for m in metrics_with(lambda m: bool(m.note), shown)]
    if any(r.skipped for r in members):
        notes.append("skipped: what the scenario needs is not installed; the install line says how (not a failure).")
    if any(r.targets for r in measured):
        notes.append("targets: ✓ met / ✗ missed, with measured ÷ bound.")
    notes += noise_notes(measured, columns)
    notes += speed_notes(measured)
    notes += hook_notes(measured) + thread_notes(measured)
    if with_floor:
        notes.append("vs floor: time/op ÷ python-floor's, both first divided by the reference kernel timed beside "
                     "them, so the ratio holds even if the machine changed speed between scenarios.")
    right = {i for i, c in enumerate(columns, start=1) if c.metric != "more"}
    if with_floor:
        right.add(len(headers) - 1)
    wrap = next((i for i, c in enumerate(columns, start=1) if c.metric == "more"), targets_at)
    at = {c.header: i for i, c in enumerate(columns, start=1)}
    # One figure per op on a terminal: time/op; wall/op (the same op, unpaired) with --wide. Dropped first when
    # the table is too wide: what restates another column (ops/s), the machine's speed, the long cells, then the
    # latency percentiles (more times of the same op) before the memory figures.
    drop_order = [at[h] for h in ("ops/s", "speed", "more") if h in at] + ([len(headers) - 1] if with_floor else [])
    drop_order += [at[h] for h in ("p99", "p95", "p50") if h in at]
    return Section(title=f"{suite}", columns=headers, rows=rows, right=right, notes=notes, failed=failed,
                   marks=targets_at, wrap=wrap, keep={at["time/op"]} if "time/op" in at else set(),
                   drop_order=drop_order, optional={at["wall/op"]} if "wall/op" in at else set())
