"""The rich terminal tables."""

from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agnobench.reporters.fit import WRAP_MIN, dropped_note, fit_columns, print_table
from agnobench.reporters.section import Section
from agnobench.reporters.sections import build_sections
from agnobench.results import ScenarioResult


def _colour_marks(cell: str) -> Text:
    text = Text(cell)
    text.highlight_words(["✓"], "green")
    text.highlight_words(["✗"], "red")
    return text


def _rich_table(section: Section, title: str, width: int, wide: bool = False) -> tuple[Table, str | None]:
    """The section as a table that fits ``width`` (reporters/fit.py), and the note naming what it left out."""
    folds = sorted({i for i in (0, section.wrap, section.marks) if i is not None})  # names, targets, errors
    fit = fit_columns(section.columns, section.rows, width, keep=sorted(section.keep), folds=folds,
                      drop_order=section.drop_order, optional=sorted(section.optional), wide=wide)
    table = Table(title=title, title_justify="left", header_style="bold")
    for index in fit.shown:
        wraps = index in folds
        table.add_column(section.columns[index], justify="right" if index in section.right else "left",
                         no_wrap=not wraps, overflow="fold" if wraps else "ellipsis",
                         min_width=min(fit.widths[index], WRAP_MIN) if wraps else fit.widths[index])
    for index, row in enumerate(section.rows):
        if index in section.failed:
            cells: list[str | Text] = [Text(c, "red") if c and i > 0 else c for i, c in enumerate(row)]
        else:
            cells = [_colour_marks(c) if i == section.marks else c for i, c in enumerate(row)]
        table.add_row(*[cells[i] if i < len(cells) else "" for i in fit.shown])
    return table, dropped_note(section.columns, fit)


def render_table(results: Sequence[ScenarioResult], console: Console, title: str = "agnobench results",
                 wide: bool = False) -> None:
    """One table per suite (with its concurrency, comparison and document tables), then references.

    Each fits the console's width, dropping its least important columns; ``wide`` keeps them all.
    """
    sections = build_sections(results)
    suites = {r.suite for r in results}
    for section in sections:
        heading = f"{title} · {section.title}" if section.title in suites else section.title
        table, dropped = _rich_table(section, heading, console.width, wide)
        print_table(console, table, wide)
        for note in section.notes + ([dropped] if dropped else []):
            console.print(note, style="dim")
        console.print()

