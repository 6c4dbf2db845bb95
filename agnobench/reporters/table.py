"""The rich terminal tables."""

from __future__ import annotations

from typing import Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from agnobench.reporters.section import Section
from agnobench.reporters.sections import build_sections
from agnobench.results import ScenarioResult


def _colour_marks(cell: str) -> Text:
    text = Text(cell)
    text.highlight_words(["✓"], "green")
    text.highlight_words(["✗"], "red")
    return text


def _rich_table(section: Section, title: str) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold")
    for index, name in enumerate(section.columns):
        table.add_column(name, justify="right" if index in section.right else "left",
                         no_wrap=index != section.wrap)
    for index, row in enumerate(section.rows):
        if index in section.failed:
            cells: list[str | Text] = [Text(c, "red") if c and i > 0 else c for i, c in enumerate(row)]
        else:
            cells = [_colour_marks(c) if i == section.marks else c for i, c in enumerate(row)]
        table.add_row(*cells)
    return table


def render_table(results: Sequence[ScenarioResult], console: Console, title: str = "agnobench results") -> None:
    """One table per suite (with its concurrency, comparison and document tables), then references."""
    sections = build_sections(results)
    suites = {r.suite for r in results}
    for section in sections:
        heading = f"{title} · {section.title}" if section.title in suites else section.title
        console.print(_rich_table(section, heading))
        for note in section.notes:
            console.print(note, style="dim")
        console.print()
