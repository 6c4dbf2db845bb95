"""Variant comparisons as a table: one row per variant, grouped by scenario.

Team against single agent, workflow against direct calls, pool against
fresh agents, cache hit against miss, a semaphore against none: each row is
a variant's time per call (per request when a call serves several), its
spread and p95, its ratio to the scenario's baseline, the GC collections it
triggered, and memory figures when the scenario asked for them.
"""

from __future__ import annotations

from typing import Any, Sequence

from agnobench.reporters.format import format_bytes, format_count, format_ns
from agnobench.reporters.sections import Section
from agnobench.results import ScenarioResult


def _ratio(row: dict[str, Any], baseline: str | None) -> str:
    if row["name"] == baseline:
        return "baseline"
    value = row.get("vs_baseline")
    return f"×{value:.3g}" if value is not None else "—"


def _gc(row: dict[str, Any]) -> str:
    counts = row.get("gc_per_1k_calls") or []
    return " / ".join(format_count(c) for c in counts) if counts else "—"


def variant_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    tables = [(r, r.result_of("variants")) for r in results
              if r.ok and isinstance(r.result_of("variants"), dict) and r.result_of("variants").get("rows")]
    if not tables:
        return []
    with_peak = any("peak_bytes" in row for _, v in tables for row in v["rows"])
    with_alloc = any("allocs_per_op" in row for _, v in tables for row in v["rows"])
    columns = ["scenario", "variant", "time/call", "± MAD", "p95", "vs baseline", "GC gen0/1/2 per 1k"]
    columns += ["peak memory"] if with_peak else []
    columns += ["alloc/call", "allocs/call"] if with_alloc else []
    rows = []
    notes = ["time/call: median of individually timed calls, interleaved across variants, per round; median "
             "of rounds (per request where one call serves several). vs baseline: paired per round."]
    for result, info in tables:
        items = info.get("items_per_call", 1)
        if items > 1:
            notes.append(f"{result.name}: one call serves {items} requests; figures are per request, "
                         "peak memory is the whole call's.")
        for index, row in enumerate(info["rows"]):
            name = row["name"] + (" ◀" if row["name"] == info.get("subject") else "")
            cells = [result.name if index == 0 else "", name, format_ns(row["time_per_op_ns"]),
                     f"{row.get('mad_pct', 0):.1f}%", format_ns(row["p95_ns"]), _ratio(row, info.get("baseline")),
                     _gc(row)]
            if with_peak:
                cells.append(format_bytes(row["peak_bytes"]) if "peak_bytes" in row else "—")
            if with_alloc:
                cells += [format_bytes(row["allocated_bytes_per_op"]) if "allocated_bytes_per_op" in row else "—",
                          format_count(row["allocs_per_op"]) if "allocs_per_op" in row else "—"]
            rows.append(cells)
    notes.append("◀ the subject: its figures are the scenario's headline metrics in the main table.")
    return [Section(title="Comparisons (variants measured side by side)", columns=columns, rows=rows,
                    right=set(range(2, len(columns))), notes=notes)]
