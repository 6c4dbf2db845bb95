"""``agnobench report`` in the terminal: files side by side, then Go vs Python."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from agnobench.reporters.go_vs_python import GoPythonTable
from agnobench.reporters.side_by_side import SideBySide


def render_report_table(side: SideBySide, go_python: list[GoPythonTable], console: Console) -> None:
    table = Table(title="agnobench report: " + " · ".join(f.label for f in side.files) +
                  ("  (× = ratio to the first file)" if len(side.files) > 1 else ""),
                  title_justify="left", header_style="bold")
    for index, name in enumerate(side.columns):
        table.add_column(name, justify="right" if index >= 2 else "left", no_wrap=True)
    previous = None
    for row in side.rows:
        cells = row.cells()
        if cells[0] == previous:
            cells[0] = ""
        else:
            previous = cells[0]
        table.add_row(*cells)
    console.print(table)
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
