"""``agnobench report --html``: several results files on one page.

With one file, that run's report. With several, first the side-by-side table
(and Go against Python) that ``agnobench report`` prints, then each agnobench
file's own report, one after the other.
"""

from __future__ import annotations

from typing import Sequence

from agnobench.reporters.go_vs_python import GoPythonTable
from agnobench.reporters.html.page import Page
from agnobench.reporters.html.report import add_run, summary_line
from agnobench.reporters.html.tables import section_html
from agnobench.reporters.sections import Section
from agnobench.reporters.side_by_side import LabelledResults, SideBySide


def side_by_side_section(side: SideBySide) -> Section:
    cells = [row.cells() for row in side.rows]
    rows = [[""] + c[1:] if i and c[0] == cells[i - 1][0] else c for i, c in enumerate(cells)]  # name once per group
    return Section(title="Files side by side" + (" (× = ratio to the first file)" if len(side.files) > 1 else ""),
                   columns=side.columns, rows=rows, right=set(range(2, len(side.columns))))


def go_python_section(block: GoPythonTable) -> Section:
    return Section(title=f"Go vs Python: {block.go_label} (Go) · {block.python_label} (Python)",
                   columns=list(block.columns), rows=[list(c) for c in block.cells()], right={2, 3, 4},
                   notes=list(block.notes))


def render_files_html(files: Sequence[LabelledResults], side: SideBySide, go_python: Sequence[GoPythonTable]) -> str:
    runs = [f for f in files if not f.is_go]
    subtitle = (f"{summary_line(runs[0].results)} · {runs[0].path}" if len(files) == 1 and runs
                else " · ".join(f"{f.label} ({f.path})" for f in files))
    page = Page("agnobench report", subtitle)
    if len(files) > 1 or not runs:
        page.add("<h2>Side by side</h2>" + section_html(side_by_side_section(side)))
        for block in go_python:
            page.add(section_html(go_python_section(block)))
    for item in runs:
        add_run(page, item.results, item.label if len(files) > 1 else "")
    return page.render(footer="Made by agnobench report --html; nothing on this page is fetched.")
