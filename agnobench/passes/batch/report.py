"""The batch pass's table: the cost per item with N results alive, one row per N."""

from __future__ import annotations

from typing import Sequence

from agnobench.passes.batch.contract import BatchResult, CurvePoint
from agnobench.reporters.format import format_bytes, format_ns
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult


def _curve(result: ScenarioResult) -> list[CurvePoint]:
    batch = result.result_of("batch")
    return batch.curve if isinstance(batch, BatchResult) else []


def scaling_section(result: ScenarioResult) -> Section | None:
    curve = _curve(result)
    if not result.ok or len(curve) < 2:
        return None
    rows = [[f"{row.count:,}", format_ns(row.total_time_ns), format_ns(row.time_per_item_ns),
             f"{row.time_mad_pct:.1f}%", format_bytes(row.total_retained_bytes),
             format_bytes(row.retained_per_item_bytes), format_ns(row.multiplied_total_ns)]
            for row in curve]
    batch = result.result_of("batch")
    verdict = batch.verdict if isinstance(batch, BatchResult) else None
    notes = []
    if verdict is not None:
        notes.append(f"verdict: time per agent {verdict.time}, retained per agent {verdict.retained} "
                     f"— {verdict.criterion}.")
    notes.append("time: untraced, GC on; retained: tracemalloc with all N alive after a full collection; "
                 "'N × one op' = N × the op timed alone.")
    return Section(title=f"{result.name}: cost per agent with N alive",
                   columns=["agents alive", "total time", "time/agent", "± MAD", "total retained",
                            "retained/agent", "N × one op"],
                   rows=rows, right=set(range(7)), notes=notes)


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """A table per scenario that measured two counts or more."""
    return [s for s in (scaling_section(r) for r in results) if s is not None]
