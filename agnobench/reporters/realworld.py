"""Real-world rows beside the document's arithmetic, and the scaling curve.

The document multiplies ("1,000 × 180 ns = 0.18 ms"); agnobench measures.
Each row is one figure of one scenario: what agno took here, what the
document's arithmetic (or claim) says, the ratio, and — where the batch pass
timed the op alone — what "N × one op" would have predicted from our own
single-op time, so measured-versus-multiplied is visible too.
"""

from __future__ import annotations

from typing import Sequence

from agnobench.core.registry import metric_info
from agnobench.passes.batch.contract import BatchResult, CurvePoint
from agnobench.reporters.format import format_ns, format_value
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult

ARITHMETIC_SUITE = "realworld"
# figures a document row can compare, in this order
# (variants.time_per_op_ns: the variants pass's subject beside the timing pass's op, as in multi-agent-100;
# run_time_ns: the same figure in results files before agnobench/2)
FIGURES = ["total_time_ns", "total_retained_bytes", "time_per_op_ns", "retained_bytes_per_op", "run_time_ns",
           "variants.time_per_op_ns", "overhead_ratio", "framework_time_ns", "framework_share_pct"]
# shown even without a reference figure; the document lists coordination overheads as unbenchmarked
ALWAYS = {"total_time_ns": "—", "total_retained_bytes": "—", "framework_share_pct": "—",
          "run_time_ns": "unbenchmarked", "variants.time_per_op_ns": "unbenchmarked", "overhead_ratio": "unbenchmarked"}


def _decimal_bytes(value: float) -> str:
    """Bytes in the document's own decimal units (its '1.2 MB' is 1,200,000 B)."""
    for unit, scale in (("MB", 1e6), ("KB", 1e3)):
        if abs(value) >= scale:
            return f"{value / scale:,.3g} {unit}" if abs(value) / scale < 1000 else f"{value / scale:,.0f} {unit}"
    return f"{value:,.0f} B"


def _figure(unit: str, value: float) -> str:
    return _decimal_bytes(value) if unit == "B" else format_value(unit, value)


def _curve(result: ScenarioResult) -> list[CurvePoint]:
    batch = result.result_of("batch")
    return batch.curve if isinstance(batch, BatchResult) else []


def _multiplied(result: ScenarioResult, metric: str) -> str:
    curve = _curve(result)
    if metric != "total_time_ns" or not curve:
        return ""
    last = curve[-1]
    return f"{format_ns(last.multiplied_total_ns)} ({last.count:,} × {format_ns(last.single_op_ns)})"


def _rows(result: ScenarioResult) -> list[list[str]]:
    refs = [r for r in result.references if r.get("values")]
    rows = []
    for metric in (m for m in FIGURES if m in result.metrics):
        ours = result.metrics[metric].median
        unit = metric_info(metric).unit
        label = metric_info(metric).label
        matched = [r for r in refs if metric in r["values"]]
        for ref in matched:
            value = ref["values"][metric]
            rows.append([result.name, label, _figure(unit, ours), _figure(unit, value),
                         f"×{ours / value:,.3g}" if value else "", ref.get("label", ref.get("key", "")),
                         _multiplied(result, metric)])
        if not matched and metric in ALWAYS:
            rows.append([result.name, label, _figure(unit, ours), ALWAYS[metric], "", "",
                         _multiplied(result, metric)])
    return rows


def document_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    rows: list[list[str]] = []
    notes = ["here ÷ document: measured here ÷ the document's figure. 'N × one op' multiplies our own single-op "
             "time as the document does: the gap to the measured total is what multiplying misses (GC and "
             "allocator work that grows with the batch). Bytes here in decimal units, as the document writes them "
             "(1 KB = 1,000 B)."]
    for result in results:
        if not result.ok or result.suite != ARITHMETIC_SUITE:
            continue
        own = _rows(result)
        for index, row in enumerate(own):
            rows.append(row if index == 0 else [""] + row[1:])
        sources = dict.fromkeys(r["source"] for r in result.references if r.get("source"))
        notes += [f"{result.name}: {source}" for source in sources if own]
    if not rows:
        return []
    return [Section(title="Real-world scenarios beside the document's arithmetic",
                    columns=["scenario", "figure", "agno here", "document", "here ÷ document", "document source",
                             "N × one op (ours)"],
                    rows=rows, right={2, 3, 4, 6}, notes=notes, wrap=5)]
