"""Variant comparisons as a table: one row per variant, grouped by scenario.

Team against single agent, workflow against direct calls, pool against
fresh agents, cache hit against miss, a semaphore against none: each row is
a variant's time per call (per request when a call serves several), its
spread and p95, its ratio to the scenario's baseline, the GC collections it
triggered, and memory figures when the scenario asked for them.
"""

from __future__ import annotations

from typing import Sequence

from agnobench.passes.variants.contract import VariantRow, VariantsResult
from agnobench.reporters.format import format_bytes, format_count, format_ns
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult


def _ratio(row: VariantRow, baseline: str | None) -> str:
    if row.name == baseline:
        return "baseline"
    return f"×{row.vs_baseline:.3g}" if row.vs_baseline is not None else "—"


def _gc(row: VariantRow) -> str:
    return " / ".join(format_count(c) for c in row.gc_per_1k_calls) if row.gc_per_1k_calls else "—"


def _cells(row: VariantRow, info: VariantsResult, with_peak: bool, with_alloc: bool) -> list[str]:
    name = row.name + (" ◀" if row.name == info.subject else "")
    cells = [name, format_ns(row.time_per_op_ns), f"{row.mad_pct:.1f}%", format_ns(row.p95_ns),
             _ratio(row, info.baseline), _gc(row)]
    if with_peak:
        cells.append(format_bytes(row.peak_bytes) if row.peak_bytes is not None else "—")
    if with_alloc:
        cells += [format_bytes(row.allocated_bytes_per_op) if row.allocated_bytes_per_op is not None else "—",
                  format_count(row.allocs_per_op) if row.allocs_per_op is not None else "—"]
    return cells


def variant_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    tables = [(r, v) for r in results if r.ok
              and isinstance(v := r.result_of("variants"), VariantsResult) and v.rows]
    if not tables:
        return []
    with_peak = any(row.peak_bytes is not None for _, v in tables for row in v.rows)
    with_alloc = any(row.allocs_per_op is not None for _, v in tables for row in v.rows)
    columns = ["scenario", "variant", "time/call", "± MAD", "p95", "vs baseline", "GC gen0/1/2 per 1k"]
    columns += ["peak memory"] if with_peak else []
    columns += ["alloc/call", "allocs/call"] if with_alloc else []
    rows = []
    notes = ["time/call: median of individually timed calls, interleaved across variants, per round; median "
             "of rounds (per request where one call serves several). vs baseline: paired per round."]
    for result, info in tables:
        if info.items_per_call > 1:
            notes.append(f"{result.name}: one call serves {info.items_per_call} requests; figures are per request, "
                         "peak memory is the whole call's.")
        for index, row in enumerate(info.rows):
            rows.append([result.name if index == 0 else ""] + _cells(row, info, with_peak, with_alloc))
    notes.append("◀ the subject: its figures are the scenario's headline metrics in the main table.")
    return [Section(title="Comparisons (variants measured side by side)", columns=columns, rows=rows,
                    right=set(range(2, len(columns))), notes=notes)]


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """This package's tables for one suite (found by :mod:`agnobench.reporters.hooks`)."""
    return variant_sections(results)
