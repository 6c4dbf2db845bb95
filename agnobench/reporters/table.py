"""The rich terminal tables."""

from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.table import Table

from agnobench.reporters.rows import (MAIN_COLUMNS, NOTES, RIGHT_ALIGNED, build_reference_rows, build_rows,
                                      reference_columns)
from agnobench.results import ScenarioResult


def _colour_marks(cell: str) -> str:
    return cell.replace("✓", "[green]✓[/green]").replace("✗", "[red]✗[/red]")


def render_table(results: Sequence[ScenarioResult], console: Console, title: str = "agnobench results") -> None:
    table = Table(title=title, title_justify="left", header_style="bold")
    for index, name in enumerate(MAIN_COLUMNS):
        table.add_column(name, justify="right" if index in RIGHT_ALIGNED else "left", no_wrap=index != 7)
    for row in build_rows(results):
        if row.failed:
            table.add_row(row.cells[0], f"[red]{row.cells[1]}[/red]", *row.cells[2:7], f"[red]{row.cells[7]}[/red]",
                          row.cells[8])
        else:
            table.add_row(*row.cells[:7], _colour_marks(row.cells[7]), row.cells[8])
    console.print(table)
    reference_rows = build_reference_rows(results)
    if reference_rows:
        side = Table(title="Side by side with the reference figures (× = agno here ÷ reference, time)",
                     title_justify="left", header_style="bold")
        for index, name in enumerate(reference_columns(results)):
            side.add_column(name, justify="right" if name == "×" else "left")
        for row in reference_rows:
            side.add_row(*row)
        console.print(side)
    for note in NOTES:
        console.print(f"[dim]{note}[/dim]")
