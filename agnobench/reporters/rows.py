"""Cells shared by the suite tables (targets, the ratio to the Python floor), and the table of the
scenarios side by side with the reference figures they carry (Agno-Go's document, Agno-Go on a VM like
ours, Python Agno as the document quotes it).
"""

from __future__ import annotations

from typing import Sequence

from agnobench.core.registry import metric_info
from agnobench.interop.go_python import FLOOR_SCENARIO as FLOOR_SCENARIO  # the suite tables' "vs floor"
from agnobench.reporters.machine_speed import HEADLINE
from agnobench.reporters.format import format_bytes, format_count, format_ns, format_ratio
from agnobench.results import ScenarioResult, TargetResult



def target_cell(targets: Sequence[TargetResult]) -> str:
    parts = []
    for t in targets:
        ratio = f" {format_ratio(t.ratio)}" if t.ratio is not None else ""
        parts.append(f"{metric_info(t.metric).label} {'✓' if t.met else '✗'}{ratio}")
    return ", ".join(parts) or "—"


def time_ratio(result: ScenarioResult, other: ScenarioResult) -> float | None:
    """result's time over other's from the machine-independent figure (time ÷ kernel over fast-phase pairs),
    or None: wall times taken in different phases of the machine's speed are never set against each other
    (two runs of one scenario read 20 ms and 4.2 ms on the same VM)."""
    a, b = result.metrics.get("time_per_op_rel"), other.metrics.get("time_per_op_rel")
    if a is not None and b is not None and b.median:
        return a.median / b.median
    return None


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
    columns = ["scenario", "agno here (time/op)"]
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
        if HEADLINE in ours:  # the suite table's time/op, so one op shows one time across tables
            ours["time_per_op_ns"] = ours[HEADLINE]
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
