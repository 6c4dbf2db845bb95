"""A table as data: title, columns, rows, notes — rendered by every reporter.

The run's output is a list of sections: one table per suite, and after each
suite the tables its scenarios' details call for (the concurrency matrix,
the variant comparisons, the document's arithmetic, the scaling curve), then
the side-by-side with reference figures. The rich and markdown reporters
only lay them out, so both always show the same tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from agnobench.results import ScenarioResult


@dataclass
class Section:
    title: str
    columns: list[str]
    rows: list[list[str]]
    right: set[int] = field(default_factory=set)  # right-aligned column indexes
    notes: list[str] = field(default_factory=list)
    failed: set[int] = field(default_factory=set)  # rows of failed scenarios
    marks: int | None = None  # the column holding ✓/✗ marks
    wrap: int | None = None  # the one column allowed to wrap (long text)


def build_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """Every table of a run, in reading order."""
    from agnobench.reporters.comparisons import variant_sections
    from agnobench.reporters.concurrency import concurrency_sections
    from agnobench.reporters.realworld import document_sections, scaling_sections
    from agnobench.reporters.rows import build_reference_rows, reference_columns
    from agnobench.reporters.suites import suite_section, suites_in_order

    sections: list[Section] = []
    for suite, members in suites_in_order(results):
        sections.append(suite_section(suite, members, results))
        sections += concurrency_sections(members)
        sections += variant_sections(members)
        sections += document_sections(members)
        sections += scaling_sections(members)
    side = [r for r in results if r.suite != "realworld"]  # realworld rows sit beside the document's arithmetic
    reference_rows = build_reference_rows(side)
    if reference_rows:
        columns = reference_columns(side)
        sections.append(Section(
            title="Side by side with the reference figures (× = agno here ÷ reference, time)",
            columns=columns, rows=reference_rows, right={i for i, c in enumerate(columns) if c == "×"}))
    return sections
