"""The comparison as a rich terminal table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from agnobench.compare import Comparison, Verdict
from agnobench.errors import EXIT_INCONCLUSIVE, EXIT_OK
from agnobench.reporters.compare_rows import COLUMNS, NOTES, RIGHT_ALIGNED, cells, side_lists, summary_line

_STYLE = {Verdict.regression: "red", Verdict.improvement: "green", Verdict.not_significant: "yellow",
          Verdict.inconclusive: "magenta"}


def render_compare_table(comparison: Comparison, console: Console) -> None:
    table = Table(title=f"agnobench compare: {comparison.baseline_path} → {comparison.current_path}",
                  title_justify="left", header_style="bold")
    for index, name in enumerate(COLUMNS):
        table.add_column(name, justify="right" if index in RIGHT_ALIGNED else "left", no_wrap=True)
    for row in comparison.rows:
        row_cells = cells(row)
        style = _STYLE.get(row.verdict) if row.gated else "dim"
        table.add_row(*row_cells[:-1], f"[{style}]{row_cells[-1]}[/{style}]" if style else row_cells[-1],
                      style="dim" if not row.gated else None)
    console.print(table)
    for line in side_lists(comparison):
        console.print(f"[yellow]{line}[/yellow]")
    colour = {EXIT_OK: "green", EXIT_INCONCLUSIVE: "magenta"}.get(comparison.exit_code, "red")
    console.print(f"[bold {colour}]{summary_line(comparison)}[/bold {colour}]")
    for note in NOTES:
        console.print(f"[dim]{note}[/dim]")
