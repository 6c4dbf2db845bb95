"""Every table of a run, in reading order, as :class:`Section` data.

The run's output is a list of sections: one table per suite, and after each
suite the tables its passes call for (each pass package's ``report.sections``,
:mod:`agnobench.reporters.hooks`: the concurrency matrix, the variant
comparisons, the scaling curve), the document's arithmetic for the real-world suite, then the
side-by-side with reference figures. The rich and markdown reporters only lay
them out, so both always show the same tables.
"""

from __future__ import annotations

from typing import Sequence

from agnobench.reporters.hooks import sections_hooks
from agnobench.reporters.realworld import document_sections
from agnobench.reporters.rows import build_reference_rows, reference_columns
from agnobench.reporters.section import Section
from agnobench.reporters.suites import suite_section, suites_in_order
from agnobench.results import ScenarioResult

__all__ = ["Section", "build_sections"]

def build_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """Every table of a run, in reading order."""
    builders = sections_hooks()
    sections: list[Section] = []
    for suite, members in suites_in_order(results):
        sections.append(suite_section(suite, members, results))
        for build in builders:
            sections += build(members)
        sections += document_sections(members)
    # realworld rows sit beside the document's arithmetic, frameworks rows in the frameworks table
    side = [r for r in results if r.suite not in ("realworld", "frameworks")]
    reference_rows = build_reference_rows(side)
    if reference_rows:
        columns = reference_columns(side)
        sections.append(Section(
            title="Side by side with the reference figures (× = agno here ÷ reference, time)",
            columns=columns, rows=reference_rows, right={i for i, c in enumerate(columns) if c == "×"},
            keep={1, 2, 3}))  # ours, the first reference and its ratio; later references drop first
    return sections
