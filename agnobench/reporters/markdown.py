"""GitHub-flavoured markdown (tabulate), for pull requests and step summaries."""

from __future__ import annotations

from typing import Sequence

from tabulate import tabulate

from agnobench.reporters.sections import build_sections
from agnobench.results import ScenarioResult


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def render_markdown(results: Sequence[ScenarioResult], title: str = "agnobench results") -> str:
    """One table per suite (with its concurrency, comparison and document tables), then references."""
    parts = [f"### {title}", ""]
    suites = {r.suite for r in results}
    for section in build_sections(results):
        heading = f"Suite: {section.title}" if section.title in suites else section.title
        rows = [[_escape(c) for c in row] for row in section.rows]
        colalign = ["right" if i in section.right else "left" for i in range(len(section.columns))]
        parts += [f"#### {heading}", "",
                  tabulate(rows, headers=section.columns, tablefmt="github", colalign=colalign, disable_numparse=True),
                  ""]
        parts += [f"- {_escape(note)}" for note in section.notes]
        parts.append("")
    return "\n".join(parts)
