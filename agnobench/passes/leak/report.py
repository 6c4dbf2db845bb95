"""The leak pass's table: bytes retained per call over many calls, with the slope's interval and the verdict."""

from __future__ import annotations

from typing import Sequence

from agnobench.reporters.section import Section
from agnobench.reporters.typed import typed_results
from agnobench.results import ScenarioResult


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    rows = []
    notes: list[str] = []
    for result, leak in typed_results(results, "leak"):
        interval = ("—" if leak.per_call_bytes is None else
                    f"{leak.per_call_bytes:,.1f} B [{leak.per_call_low:,.1f}, {leak.per_call_high:,.1f}]")
        rss = ("—" if leak.rss_per_call_bytes is None else
               f"{leak.rss_per_call_bytes:,.1f} B [{leak.rss_per_call_low:,.1f}, {leak.rss_per_call_high:,.1f}]")
        calls = f"{leak.calls:,}" + (f" of {leak.calls_asked:,} (time budget {leak.budget_s:g} s)"
                                     if leak.stopped_early else "")
        rows.append([result.name, calls, interval, leak.verdict, rss, leak.rss_verdict])
        if leak.note:
            notes.append(f"{result.name}: {leak.note}.")
    if not rows:
        return []
    return [Section(title="Leaks: memory retained per call over many calls",
                    columns=["scenario", "calls", "traced/call [95 %]", "verdict", "resident/call [95 %]",
                             "resident verdict"],
                    rows=rows, right={1, 2, 4},
                    notes=["After untraced warm-up calls, tracemalloc on; a full collection before each of the evenly "
                           "spaced readings; slope of the reading over calls. 'no growth' when the interval reaches "
                           "0, the slope is under the pass's leak_min_bytes, or the second half of the readings "
                           "stops growing (a cache filling to a bound); fitted from the second quarter of the "
                           "readings on. The resident set includes native memory but the allocator keeps freed "
                           "pages: a second opinion.", *notes])]
