"""GitHub-flavoured markdown (tabulate), for pull requests and step summaries."""

from __future__ import annotations

from typing import Sequence

from tabulate import tabulate

from agnobench.reporters.rows import MAIN_COLUMNS, NOTES, build_reference_rows, build_rows, reference_columns
from agnobench.results import ScenarioResult


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def render_markdown(results: Sequence[ScenarioResult], title: str = "agnobench results") -> str:
    rows = [[_escape(c) for c in row.cells] for row in build_rows(results)]
    parts = [f"### {title}", "", tabulate(rows, headers=MAIN_COLUMNS, tablefmt="github"), ""]
    reference_rows = build_reference_rows(results)
    if reference_rows:
        parts += ["#### Side by side with the reference figures (× = agno here ÷ reference, time)", "",
                  tabulate([[_escape(c) for c in r] for r in reference_rows],
                           headers=reference_columns(results), tablefmt="github"), ""]
    parts += [f"- {note}" for note in NOTES]
    return "\n".join(parts) + "\n"
