"""``agnobench report`` in the terminal: files side by side, then Go vs Python."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from agnobench.reporters.fit import WRAP_MIN, dropped_note, fit_columns, print_table
from agnobench.reporters.go_vs_python import GoPythonTable
from agnobench.reporters.side_by_side import SideBySide


def render_report_table(side: SideBySide, go_python: list[GoPythonTable], console: Console,
                        wide: bool = False) -> None:
    """Files side by side, fitted to the terminal (reporters/fit.py): the later files' columns go first, a
    figure and its ratio are never cut; ``wide`` keeps them all."""
    rows = []
    previous = None
    for row in side.rows:
        cells = row.cells()
        if cells[0] == previous:
            cells[0] = ""
        else:
            previous = cells[0]
        rows.append(cells)
    columns = side.columns
    fit = fit_columns(columns, rows, console.width, keep=(1, 2), folds=(0,), wide=wide)
    table = Table(title="agnobench report: " + " · ".join(f.label for f in side.files) +
                  ("  (× = ratio to the first file)" if len(side.files) > 1 else ""),
                  title_justify="left", header_style="bold")
    for index in fit.shown:
        name = index == 0
        table.add_column(columns[index], justify="right" if index >= 2 else "left", no_wrap=not name,
                         overflow="fold" if name else "ellipsis",
                         min_width=min(fit.widths[index], WRAP_MIN) if name else fit.widths[index])
    for cells in rows:
        table.add_row(*[cells[i] for i in fit.shown])
    print_table(console, table, wide)
    dropped = dropped_note(columns, fit)
    if dropped:
        console.print(dropped, style="dim")
    for block in go_python:
        render_go_python_table(block, console)


def render_go_python_table(block: GoPythonTable, console: Console) -> None:
    table = Table(title=f"Go vs Python: {block.go_label} (Go) · {block.python_label} (Python)",
                  title_justify="left", header_style="bold")
    for index, name in enumerate(block.columns):
        table.add_column(name, justify="right" if index in (2, 3, 4) else "left")
    for cells in block.cells():
        table.add_row(*cells)
    console.print(table)
    for note in block.notes:
        console.print(note, style="dim")
