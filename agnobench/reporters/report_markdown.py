"""``agnobench report`` as markdown: for a pull request, a wiki page or the README."""

from __future__ import annotations

from tabulate import tabulate

from agnobench.reporters.go_vs_python import GoPythonTable
from agnobench.reporters.side_by_side import SideBySide


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def render_go_python_markdown(block: GoPythonTable) -> str:
    parts = [f"#### Go vs Python: {block.go_label} (Go) · {block.python_label} (Python)", "",
             tabulate([[_escape(c) for c in row] for row in block.cells()], headers=block.columns,
                      tablefmt="github", disable_numparse=True), ""]
    parts += [f"- {note}" for note in block.notes]
    return "\n".join(parts) + "\n"


def render_report_markdown(side: SideBySide, go_python: list[GoPythonTable]) -> str:
    title = "### agnobench report: " + " · ".join(f"`{f.label}`" for f in side.files)
    parts = [title, ""]
    if len(side.files) > 1:
        parts += ["× = ratio to the first file.", ""]
    parts += [tabulate([[_escape(c) for c in row.cells()] for row in side.rows], headers=side.columns,
                       tablefmt="github", disable_numparse=True), ""]
    for block in go_python:
        parts.append(render_go_python_markdown(block))
    return "\n".join(parts).rstrip("\n") + "\n"
