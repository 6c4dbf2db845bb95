"""The concurrency matrix: every mode × workers × variant cell over interleaved rounds, and its summary.

Rounds interleave all cells, so a machine that slows for a few seconds slows
a cell and its one-worker baseline alike; each round also runs the control
(the reference kernel in processes: the machine's parallel capacity).
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass
from typing import Any, Callable

from agnobench.passes.concurrency.cells import CELLS, WARMUP_CALLS, CrossTalkError, Workload, processes_cell
from agnobench.measure.reference_kernel import reference_kernel


@dataclass
class Plan:
    modes: list[str]
    workers: list[int]
    rounds: int
    ops_per_worker: dict[str, int]  # per variant
    control_ops: int = 0  # calls of the control kernel per worker (0: no control)


def estimate_seconds(workload: Workload, calls: int = 5) -> float:
    context = workload.context()
    start = time.perf_counter()
    for k in range(calls):
        workload.call(context, f"estimate-{k}")
    return (time.perf_counter() - start) / calls


CONTROL = "control"


def control_workload() -> Workload:
    """Pure Python with nothing shared: the machine's parallel capacity, in processes."""
    return Workload(call=lambda _context, _token: reference_kernel(),
                    description="the reference kernel (pure Python, nothing shared) in processes: "
                                "how much parallelism the machine offered")


def run_matrix(workloads: dict[str, Workload], plan: Plan, progress: Callable[[str], None]) -> list[dict[str, Any]]:
    """Every cell of every round; raises CrossTalkError at the first cell with a wrong answer."""
    cells: list[dict[str, Any]] = []
    control = control_workload()
    for round_index in range(plan.rounds):
        if plan.control_ops:
            for workers in plan.workers:
                cell = processes_cell(control, workers, plan.control_ops, f"control-n{workers}-r{round_index}")
                gc.collect()
                cells.append({"round": round_index, "mode": "processes", "variant": CONTROL, "workers": workers,
                              "ops": cell.ops, "wall_s": cell.wall_s, "checked": 0})
        shift = round_index % len(plan.modes)  # no mode always runs right after another
        for mode in plan.modes[shift:] + plan.modes[:shift]:
            progress(f"concurrency: round {round_index + 1}/{plan.rounds}, {mode}")
            for variant, workload in workloads.items():
                for workers in plan.workers:
                    ops = plan.ops_per_worker[variant]
                    tag = f"{variant}-{mode}-n{workers}-r{round_index}"
                    cell = CELLS[mode](workload, workers, ops, tag)
                    if mode == "processes":
                        # Forking left this process's pages copy-on-write: the first write to each would
                        # fault inside the next cell. A full collection writes to every tracked object now.
                        gc.collect()
                    if cell.problems:
                        shown = [p for p in cell.problems if p][:3]
                        raise CrossTalkError(
                            f"{len(cell.problems)} of {cell.ops + workers * WARMUP_CALLS} calls (warm-ups "
                            f"included) answered wrongly under {mode} with "
                            f"{workers} worker{'s' if workers != 1 else ''} ({variant}): " + " | ".join(shown))
                    cells.append({"round": round_index, "mode": mode, "variant": variant, "workers": workers,
                                  "ops": cell.ops, "wall_s": cell.wall_s, "checked": cell.checked})
    return cells


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def summarize_matrix(cells: list[dict[str, Any]], io_bound: dict[str, bool], cpus: int,
                     threshold: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(rows per variant × mode × workers, verdicts per variant × mode)."""
    baseline = {(c["round"], c["mode"], c["variant"]): c["ops"] / c["wall_s"]
                for c in cells if c["workers"] == 1}
    grouped: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for c in cells:
        grouped.setdefault((c["variant"], c["mode"], c["workers"]), []).append(c)
    rows = []
    for (variant, mode, workers), group in grouped.items():
        throughput = [c["ops"] / c["wall_s"] for c in group]
        speedups = [c["ops"] / c["wall_s"] / baseline[(c["round"], mode, variant)] for c in group
                    if (c["round"], mode, variant) in baseline]
        ideal = workers if io_bound[variant] else min(workers, cpus)
        ops_per_worker = group[0]["ops"] // workers
        rows.append({
            "variant": variant, "mode": mode, "workers": workers,
            "ops_per_sec": _median(throughput),
            "ops_per_sec_samples": throughput,
            "time_per_op_ns": _median([c["wall_s"] * 1e9 / c["ops"] for c in group]),  # aggregate, as Go's RunParallel
            "worker_time_per_op_ns": _median([c["wall_s"] * 1e9 / ops_per_worker for c in group]),
            "speedup": _median(speedups),
            "speedup_samples": speedups,
            "efficiency": _median(speedups) / workers,
            "ideal_speedup": ideal,
            "rounds": len(group),
            "ops_per_worker": ops_per_worker,
            "checked": sum(c["checked"] for c in group),
        })
    verdicts = []
    for variant in dict.fromkeys(r["variant"] for r in rows):
        for mode in dict.fromkeys(r["mode"] for r in rows):
            series = sorted((r for r in rows if r["variant"] == variant and r["mode"] == mode),
                            key=lambda r: r["workers"])
            if not series:
                continue
            meets = [r["speedup"] >= threshold * r["ideal_speedup"] for r in series]
            best = max(r["speedup"] for r in series)
            last = series[-1]
            if all(meets):
                verdict = "linear"
            elif best >= 1.2:
                verdict = "sub-linear"
            else:
                verdict = "no scaling"
            if last["workers"] > 1 and last["speedup"] < 0.8:
                verdict += ", slows down"
            verdicts.append({"variant": variant, "mode": mode, "verdict": verdict,
                             "best_speedup": best, "best_at": max(series, key=lambda r: r["speedup"])["workers"],
                             "speedups": {str(r["workers"]): r["speedup"] for r in series}})
    return rows, verdicts
