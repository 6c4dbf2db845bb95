"""A table as data: title, columns, rows, notes — rendered by every reporter.

Its own module, imported by every table builder, so that :mod:`sections`
(which imports the builders to lay out a run) and the builders never import
each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # Fitting the terminal (reporters/fit.py): columns never dropped besides the first, the marks and the wrap
    # column (the headline figure); columns dropped first when the table is too wide; columns only --wide shows
    # (a second figure of the same op: one figure per op by default).
    keep: set[int] = field(default_factory=set)
    drop_order: list[int] = field(default_factory=list)
    optional: set[int] = field(default_factory=set)
