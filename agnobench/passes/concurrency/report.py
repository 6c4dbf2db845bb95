"""The concurrency matrix as a table: workers across, variant × mode down.

Each cell reads "aggregate ops/s ×speedup"; the last column is the verdict
against the document's claim of linear scaling, and the notes state the
criterion, the control (how much parallelism the machine itself offered),
and how many answers were checked for cross-talk.
"""

from __future__ import annotations

from typing import Sequence

from agnobench.passes.concurrency.contract import ConcurrencyResult, MatrixRow
from agnobench.reporters.format import format_count, format_ns
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult

CONTROL = "control"


def _cell(row: MatrixRow) -> str:
    return f"{format_count(row.ops_per_sec)}/s ×{row.speedup:.2f}"


def _notes(matrix: ConcurrencyResult) -> list[str]:
    head = matrix.headline
    notes = [
        f"cells: aggregate ops/s over all workers ×speedup against 1 worker of the same variant and mode "
        f"(medians of {matrix.rounds} interleaved rounds); {matrix.cpus} CPUs.",
        f"verdict criterion: {matrix.criterion}.",
        "time/op at max: aggregate wall time ÷ all calls at the largest worker count (per worker: wall ÷ its own calls).",
        f"correctness: {matrix.calls_checked:,} answers checked against their own token, "
        f"{matrix.crosstalk} cross-talk.",
        f"document's claim: {matrix.document_claim} — holds for: {', '.join(matrix.claim_holds_for) or 'none'}.",
    ]
    if matrix.control.note:
        notes.append(matrix.control.note + ".")
    if any(v.of_control is not None for v in matrix.verdicts):
        notes.append("× of control: the series' speedup ÷ the control's at the same worker count — the share of the "
                     "parallelism the machine actually offered that agno used (1.0 = all of it).")
    if head.variant:
        notes.append(f"headline metrics (main table): {head.variant} · {head.mode} · {head.workers} workers.")
    for name, info in matrix.variants.items():
        extra = "; ".join(info.notes)
        notes.append(f"{name}: {info.description}" + (f" ({extra})" if extra else ""))
    return notes


def concurrency_section(result: ScenarioResult) -> Section | None:
    matrix = result.result_of("concurrency")
    if not result.ok or not isinstance(matrix, ConcurrencyResult) or not matrix.rows:
        return None
    workers = matrix.workers
    by_series: dict[tuple[str, str], dict[int, MatrixRow]] = {}
    for row in matrix.rows:
        by_series.setdefault((row.variant, row.mode), {})[row.workers] = row
    verdicts = {(v.variant, v.mode): v.verdict + (
        f" (×{v.of_control:.2f} of control at {v.control_at})" if v.of_control is not None else "")
        for v in matrix.verdicts}
    columns = ["variant", "mode"] + [f"{w} worker{'s' if w > 1 else ''}" for w in workers] + \
              ["time/op at max", "verdict"]
    rows = []
    ordered = sorted(by_series, key=lambda key: (key[0] == CONTROL, key[0], matrix.modes.index(key[1])
                                                 if key[1] in matrix.modes else 99))
    for variant, mode in ordered:
        series = by_series[(variant, mode)]
        cells = [_cell(series[w]) if w in series else "—" for w in workers]
        last = series.get(max(workers))
        per_op = f"{format_ns(last.time_per_op_ns)} ({format_ns(last.worker_time_per_op_ns)}/worker)" \
            if last else "—"
        verdict = "machine's capacity" if variant == CONTROL else verdicts.get((variant, mode), "—")
        label = "control (pure Python)" if variant == CONTROL else variant
        rows.append([label, mode, *cells, per_op, verdict])
    return Section(title=f"{result.name}: workers × mode", columns=columns, rows=rows,
                   right=set(range(2, 2 + len(workers) + 1)), notes=_notes(matrix), wrap=len(columns) - 1)


def concurrency_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    return [s for s in (concurrency_section(r) for r in results) if s is not None]


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """This package's tables for one suite (found by :mod:`agnobench.reporters.hooks`)."""
    return concurrency_sections(results)
