"""The comparison as GitHub-flavoured markdown: a pull request comment or the job's step summary."""

from __future__ import annotations

from tabulate import tabulate

from agnobench.compare import Comparison
from agnobench.errors import EXIT_INCONCLUSIVE, EXIT_OK
from agnobench.reporters.compare_rows import COLUMNS, NOTES, cells, side_lists, summary_line


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def render_compare_markdown(comparison: Comparison, title: str = "agnobench compare") -> str:
    verdict = {EXIT_OK: "✅", EXIT_INCONCLUSIVE: "⚠️"}.get(comparison.exit_code, "❌")
    parts = [f"### {title}", "", f"{verdict} **{summary_line(comparison)}**", "",
             f"`{comparison.baseline_path}` → `{comparison.current_path}`", ""]
    rows = [[_escape(c) for c in cells(row)] for row in comparison.rows]
    if rows:
        parts += [tabulate(rows, headers=COLUMNS, tablefmt="github", disable_numparse=True), ""]
    parts += [f"- {_escape(line)}" for line in side_lists(comparison)]
    parts += ["", "<details><summary>How to read this</summary>", ""] + [f"- {note}" for note in NOTES]
    parts += ["", "</details>"]
    return "\n".join(parts) + "\n"
