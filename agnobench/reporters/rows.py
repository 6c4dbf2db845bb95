"""The cells of the result tables, shared by every reporter.

Two tables: the measurements (time/op as median ± MAD, ops/s, retained,
allocated and allocations per op, targets met or missed with measured ÷
bound, and the ratio to the Python floor), and the same scenarios side by
side with the reference figures they carry (Agno-Go's document, Agno-Go on
a VM like ours, Python Agno as the document quotes it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from agnobench.metrics import metric_info
from agnobench.reporters.format import format_bytes, format_count, format_ns, format_ratio, format_value
from agnobench.results import ScenarioResult, TargetResult

FLOOR_SCENARIO = "python-floor"

MAIN_COLUMNS = ["scenario", "time/op", "± MAD", "ops/s", "retained/op", "alloc/op", "allocs/op", "targets", "vs floor"]
RIGHT_ALIGNED = {1, 2, 3, 4, 5, 6, 8}

NOTES = [
    "time/op: wall time of one call, median of all values (timing processes × values); ± MAD in % of it.",
    "targets: ✓ met / ✗ missed, with measured ÷ bound.",
    "alloc/op, allocs/op: everything Python's allocators handed out during one op, temporaries included — "
    "the closest analogue of Go's B/op and allocs/op, not the same quantity.",
    "vs floor: time/op ÷ python-floor's, both first divided by the reference kernel timed beside them, "
    "so the ratio holds even if the machine changed speed between scenarios.",
]


@dataclass
class Row:
    cells: list[str]
    failed: bool = False
    missed: list[str] = field(default_factory=list)


def _target_cell(targets: Sequence[TargetResult]) -> str:
    parts = []
    for t in targets:
        ratio = f" {format_ratio(t.ratio)}" if t.ratio is not None else ""
        parts.append(f"{metric_info(t.metric).label} {'✓' if t.met else '✗'}{ratio}")
    return ", ".join(parts) or "—"


def _metric_cell(result: ScenarioResult, name: str) -> str:
    metric = result.metrics.get(name)
    return format_value(metric_info(name).unit, metric.median) if metric else "—"


def _spread_cell(result: ScenarioResult) -> str:
    metric = result.metrics.get("time_per_op_ns")
    if metric is None or metric.mad is None or not metric.median:
        return "—"
    return f"{100 * metric.mad / metric.median:.1f}%"


def time_ratio(result: ScenarioResult, other: ScenarioResult) -> float | None:
    """result's time over other's, kernel-normalised when both have it."""
    for name in ("time_per_op_rel", "time_per_op_ns"):
        a, b = result.metrics.get(name), other.metrics.get(name)
        if a is not None and b is not None and b.median:
            return a.median / b.median
    return None


def build_rows(results: Sequence[ScenarioResult]) -> list[Row]:
    floor = next((r for r in results if r.name == FLOOR_SCENARIO and r.ok), None)
    rows = []
    for result in results:
        if not result.ok:
            cells = [result.name, "skipped" if result.skipped else "FAILED"] + [""] * (len(MAIN_COLUMNS) - 2)
            cells[MAIN_COLUMNS.index("targets")] = result.skip_message if result.skipped else (result.error or "failed")
            rows.append(Row(cells, failed=result.failed))
            continue
        ratio = time_ratio(result, floor) if floor is not None and result is not floor else None
        rows.append(Row(
            [result.name, _metric_cell(result, "time_per_op_ns"), _spread_cell(result),
             _metric_cell(result, "ops_per_sec"), _metric_cell(result, "retained_bytes_per_op"),
             _metric_cell(result, "allocated_bytes_per_op"), _metric_cell(result, "allocs_per_op"),
             _target_cell(result.targets), format_ratio(ratio) if ratio is not None else "—"],
            missed=[t.metric for t in result.targets if not t.met],
        ))
    return rows


# ---- side by side with the reference figures ------------------------------

def _reference_labels(results: Sequence[ScenarioResult]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for result in results:
        for ref in result.references:
            labels.setdefault(ref["key"], ref.get("label", ref["key"]))
    return labels


def _figures(values: dict[str, float]) -> str:
    parts = []
    if "time_per_op_ns" in values:
        parts.append(format_ns(values["time_per_op_ns"]))
    if "retained_bytes_per_op" in values:
        parts.append(f"{format_bytes(values['retained_bytes_per_op'])} held")
    if "allocated_bytes_per_op" in values:
        parts.append(f"{format_bytes(values['allocated_bytes_per_op'])}/op")
    if "allocs_per_op" in values:
        parts.append(f"{format_count(values['allocs_per_op'])} allocs")
    return " · ".join(parts) or "—"


def reference_columns(results: Sequence[ScenarioResult]) -> list[str]:
    columns = ["scenario", "agno here"]
    for label in _reference_labels(results).values():
        columns += [label, "×"]
    return columns


def build_reference_rows(results: Sequence[ScenarioResult]) -> list[list[str]]:
    """Per scenario: our figures, then each reference and how many times its time we take."""
    keys = list(_reference_labels(results))
    rows = []
    for result in results:
        if not result.ok or not result.references:
            continue
        ours = {name: m.median for name, m in result.metrics.items()}
        row = [result.name, _figures(ours)]
        by_key = {ref["key"]: ref.get("values", {}) for ref in result.references}
        for key in keys:
            values = by_key.get(key)
            if not values:
                row += ["—", ""]
                continue
            ratio = ours.get("time_per_op_ns", 0) / values["time_per_op_ns"] if values.get("time_per_op_ns") else None
            row += [_figures(values), format_ratio(ratio) if ratio else ""]
        rows.append(row)
    return rows
