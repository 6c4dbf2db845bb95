"""The comparison as a rich terminal table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agnobench.compare import Comparison, MetricComparison, Verdict
from agnobench.core.registry import metric_info
from agnobench.errors import EXIT_INCONCLUSIVE, EXIT_OK
from agnobench.reporters.fit import WRAP_MIN, dropped_note, fit_columns, print_table
from agnobench.reporters.compare_rows import COLUMNS, NOTES, RIGHT_ALIGNED, cells, side_lists, summary_line

_STYLE = {Verdict.regression: "red", Verdict.improvement: "green", Verdict.not_significant: "yellow",
          Verdict.inconclusive: "magenta"}


# Fitting the terminal (reporters/fit.py): scenario, metric, change and verdict stay; test, threshold, then the
# baseline figure go first. The verdict keeps its full width.
_KEEP = (0, 1, 3, 4, 7)
_DROP_ORDER = (5, 6, 2)


def _restated(row: MetricComparison) -> bool:
    """A row that only restates another (ops/s is time/op; the kernel is the machine's speed), never gating."""
    return not row.gated and metric_info(row.metric).restated


def render_compare_table(comparison: Comparison, console: Console, wide: bool = False) -> None:
    rows = [row for row in comparison.rows if wide or not _restated(row)]
    hidden = len(comparison.rows) - len(rows)
    all_cells = [cells(row) for row in rows]
    fit = fit_columns(COLUMNS, all_cells, console.width, keep=_KEEP, folds=(0,), drop_order=_DROP_ORDER, wide=wide)
    table = Table(title=f"agnobench compare: {comparison.baseline_path} → {comparison.current_path}",
                  title_justify="left", header_style="bold")
    for index in fit.shown:  # a long scenario name folds; figures and the verdict keep their full width
        name = index == 0
        table.add_column(COLUMNS[index], justify="right" if index in RIGHT_ALIGNED else "left", no_wrap=not name,
                         overflow="fold" if name else "ellipsis",
                         min_width=min(fit.widths[index], WRAP_MIN) if name else fit.widths[index])
    for row, row_cells in zip(rows, all_cells):
        style = _STYLE.get(row.verdict) if row.gated else "dim"
        table.add_row(*[Text(row_cells[i], style or "") if i == len(row_cells) - 1 else row_cells[i]
                        for i in fit.shown], style="dim" if not row.gated else None)
    print_table(console, table, wide)
    dropped = dropped_note(COLUMNS, fit)
    if dropped:
        console.print(dropped, style="dim")
    if hidden:
        console.print(f"{hidden} row(s) restating other figures (ops/s, kernel) not shown: --wide shows them, "
                      "--format json and md have every row.", style="dim")
    for line in side_lists(comparison):
        console.print(line, style="yellow")
    colour = {EXIT_OK: "green", EXIT_INCONCLUSIVE: "magenta"}.get(comparison.exit_code, "red")
    console.print(summary_line(comparison), style=f"bold {colour}")
    for note in NOTES:
        console.print(note, style="dim")
