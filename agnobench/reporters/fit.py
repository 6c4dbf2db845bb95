"""Make a terminal table fit the terminal: drop whole columns by priority, never cut a number or a verdict.

Left to itself, rich shrinks every column of a table wider than the terminal
and cuts cells with an ellipsis: on a 100-column terminal ``11.8 µs`` became
``11.8…`` and the targets and verdict columns vanished; one long error message
in a wrapping column took the numeric columns down to zero width. A cut
number is worse than a missing one (it reads as a different number), so:

- every column except the text columns allowed to wrap keeps its full
  width (``min_width``, ``no_wrap``): a number is shown whole or not at all;
- when the whole does not fit, columns are dropped, least important first
  (the section's ``drop_order``, else right to left), never the first column
  (the row's name), never the columns in ``keep`` (the headline figure, the
  verdict or targets);
- the wrapping text columns (targets, errors, verdicts) get what is left, at
  least ``WRAP_MIN`` characters, and fold their text instead of cutting it;
- ``--wide`` keeps every column (the table is printed as wide as it needs);
  the dropped columns are named under the table with that hint.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

WRAP_MIN = 16  # narrowest the wrapping column may get: a few words a line still read as text
_PAD = 2  # rich's default cell padding, one character each side
_RULE = 1  # one vertical rule per column, plus one closing the table


@dataclass(frozen=True)
class Fit:
    """Which columns a table shows at a width, and which it left out."""

    shown: list[int]
    dropped: list[int] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)  # every column's natural width (header or widest cell)

    def total(self, columns: Sequence[int], folds: Sequence[int]) -> int:
        return table_width([min(self.widths[i], WRAP_MIN) if i in folds else self.widths[i] for i in columns])


def table_width(widths: Sequence[int]) -> int:
    """The printed width of a rich table (default box, padding and edges) with these column widths."""
    return sum(w + _PAD + _RULE for w in widths) + _RULE


def natural_widths(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> dict[int, int]:
    widths = {i: cell_len(h) for i, h in enumerate(headers)}
    for row in rows:
        for i, cell in enumerate(row):
            longest = max((cell_len(line) for line in str(cell).splitlines()), default=0)
            widths[i] = max(widths.get(i, 0), longest)
    return widths


def fit_columns(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int, *, keep: Sequence[int] = (),
                folds: Sequence[int] = (), drop_order: Sequence[int] = (), optional: Sequence[int] = (),
                wide: bool = False) -> Fit:
    """The columns to show at ``width``: ``optional`` ones only when ``wide``; then drop by priority until it fits.

    ``folds``: the text columns that wrap (targets, errors, verdicts); kept, and counted at ``WRAP_MIN``.
    """
    widths = natural_widths(headers, rows)
    columns = list(range(len(headers)))
    if wide:
        return Fit(columns, [], widths)
    dropped = [i for i in columns if i in set(optional)]
    shown = [i for i in columns if i not in dropped]
    protected = {0, *keep, *folds}
    order = [i for i in drop_order if i in shown and i not in protected]
    order += [i for i in reversed(shown) if i not in protected and i not in order]
    fit = Fit(shown, dropped, widths)
    for index in order:
        if fit.total(shown, folds) <= width:
            break
        shown.remove(index)
        dropped.append(index)
    return Fit(shown, sorted(dropped), widths)


def dropped_note(headers: Sequence[str], fit: Fit) -> str | None:
    """The line under a table that left columns out."""
    names = [headers[i] for i in fit.dropped if headers[i].strip()]
    if not names:
        return None
    return f"not shown at this width: {', '.join(names)} (--wide shows every column; --format json has every figure)"


def table_width_of(table: Table) -> int:
    """How wide ``table`` is with no limit (for --wide: print it whole; the terminal scrolls or wraps)."""
    return Console(width=100_000).measure(table).maximum


def print_table(console: Console, table: Table, wide: bool) -> None:
    """Print a fitted table; with ``wide``, at its full width whatever the terminal's (rich caps a print's
    width at the console's, so the console is widened for this one print)."""
    if not wide:
        console.print(table)
        return
    width = console.width
    console.width = max(width, table_width_of(table))
    try:
        console.print(table, crop=False)
    finally:
        console.width = width
