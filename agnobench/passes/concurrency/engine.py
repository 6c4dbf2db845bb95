"""The concurrency pass: workers × mode, throughput, speedup, and cross-talk.

For each mode (threads, processes, asyncio tasks), each worker count and each
variant of the workload (e.g. one agent per task, one shared agent), the
workers start together on a barrier and each makes ``ops_per_worker`` calls.
The cell's wall time runs from the first worker's start to the last one's
end; aggregate throughput is all calls over that time, and speedup is that
throughput over the same variant and mode at one worker *in the same round*
(rounds interleave all cells, so a machine that slows for a few seconds
slows a cell and its baseline alike). Each figure is the median over rounds.

Processes are forked from the measuring child, which already has agno and
the scenario imported: no worker re-imports anything.

Three things keep the modes comparable. Every worker makes two checked,
untimed calls after building its context and before the start (a new
agent's first-call setup, and a forked process's copy-on-write page faults,
stay out of the timing). After a processes cell the measuring process runs
a full collection, which writes to every tracked object and so takes the
copy-on-write faults the fork left behind before the next cell would. And
the order of the modes rotates from round to round.

Correctness under concurrency is the point as much as speed: every call gets
a token unique to its mode, worker count, round, worker and call, and the
workload's ``verify`` checks that the result answers that token (the mock
model echoes it). One wrong answer fails the scenario, with examples: the
Python counterpart of running Go's benchmarks under ``-race``.

Verdict against the document's claim of linear scaling: a series (variant ×
mode) "scales linearly" when at every worker count N its speedup is at least
``linear_threshold`` (0.8) × the ideal, where the ideal is min(N, CPUs) for
CPU-bound work (nothing can beat the core count) and N for a workload that
declares itself I/O-bound (it mostly waits on a simulated LLM).

A shared machine may not give a benchmark all its cores. So every round
also runs a control: the pure-Python reference kernel in 1..N processes,
which shares nothing and so shows how much parallel capacity the machine
offered at that moment. When the control itself falls short of the ideal,
CPU-bound verdicts say so instead of blaming agno for a busy neighbour.
"""

from __future__ import annotations

import os
from typing import Any

from agnobench.passes.concurrency.cells import (CELLS, Cell, CrossTalkError, Workload,  # noqa: F401  (re-exported)
                                                 op_workload)
from agnobench.passes.concurrency.matrix import (CONTROL, Plan, estimate_seconds, control_workload,  # noqa: F401
                                                  run_matrix, summarize_matrix)
from agnobench.measure.forking import run_forked
from agnobench.errors import ScenarioError
from agnobench.measure.params import references
from agnobench.core.plugin import PassContext, PassOutput
from agnobench.passes.concurrency.contract import ConcurrencyParams, ConcurrencyResult



def headline_cell(params: Any, workers: list[int], modes: list[str], workloads: dict[str, Workload],
                  cpus: int) -> tuple[str, str, int]:
    """(variant, mode, workers) of the cell whose figures become the scenario's metrics.

    Fixed by the scenario, not picked from the data, so a regression gate compares the same cell run
    after run. Default: the first variant, processes (the one mode that can use several cores in
    CPython), at the largest worker count the machine can show (every count if the work is I/O-bound).
    """
    variant = params.headline_variant or next(iter(workloads))
    mode = params.headline_mode or ("processes" if "processes" in modes else modes[0])
    if variant not in workloads or mode not in modes:
        raise ScenarioError(f"measure.params.headline_variant/headline_mode: {variant} × {mode} is not measured "
                            f"(variants: {', '.join(workloads)}; modes: {', '.join(modes)})", field="measure.params")
    fitting = [w for w in workers if workloads[variant].io_bound or w <= cpus]
    count = params.headline_workers or (max(fitting) if fitting else min(workers))
    if count not in workers:
        raise ScenarioError(f"measure.params.headline_workers: {count} is not among workers {workers}",
                            field="measure.params.headline_workers")
    return variant, mode, count


def measure_concurrency(ctx: PassContext[ConcurrencyParams]) -> PassOutput[ConcurrencyResult]:
    """The pass (``agnobench.passes.concurrency``): ``params`` validated, --quick already applied."""
    params = ctx.params
    modes = list(params.modes)
    workers = sorted(set(params.workers))
    if 1 not in workers:
        workers.insert(0, 1)  # speedup needs the one-worker baseline
    rounds, work_s, fixed_ops = params.rounds, params.work_s, params.ops_per_worker
    threshold = params.linear_threshold
    cpus = os.cpu_count() or 1

    factories = references({"variants": params.variants}, "variants")
    workloads = {name: factory() for name, factory in factories.items()} or {"op": op_workload(ctx.op)}
    for name, workload in workloads.items():
        if not isinstance(workload, Workload):
            raise ScenarioError(f"measure.params.variants.{name}: its factory must return an "
                                f"agnobench.passes.concurrency.engine.Workload, got {type(workload).__name__}")
    ops_per_worker = {}
    for name, workload in workloads.items():
        seconds = estimate_seconds(workload)
        ops = fixed_ops or int(work_s / max(seconds, 1e-9))
        ops_per_worker[name] = max(3, min(ops, 100_000))
    control_ops = 0
    if params.control:
        control_ops = max(3, int(work_s / max(estimate_seconds(control_workload(), 50), 1e-9)))
    head_key = headline_cell(params, workers, modes, workloads, cpus)
    plan = Plan(modes=modes, workers=workers, rounds=rounds, ops_per_worker=ops_per_worker, control_ops=control_ops)
    load_before = os.getloadavg()
    cells = run_forked(lambda: run_matrix(workloads, plan, ctx.progress))

    io_bound = {name: w.io_bound for name, w in workloads.items()}
    io_bound[CONTROL] = False
    rows, verdicts = summarize_matrix(cells, io_bound, cpus, threshold)
    control = {r["workers"]: r["speedup"] for r in rows if r["variant"] == CONTROL}
    capacity_note = None
    if control:
        at = max((w for w in control if w <= cpus), default=min(control))
        if control[at] < threshold * min(at, cpus):
            capacity_note = (f"machine busy: the control reached only ×{control[at]:.2f} with {at} processes "
                             f"(ideal ×{min(at, cpus)}), so CPU-bound verdicts understate what an idle machine "
                             "would show")
        for verdict in verdicts:
            if verdict["variant"] != CONTROL and not io_bound[verdict["variant"]]:
                # what share of the parallelism the machine offered (the control) this series used
                own = verdict["speedups"].get(str(at))
                if own is not None and control[at]:
                    verdict["of_control"] = own / control[at]
                    verdict["control_at"] = at
    verdicts = [v for v in verdicts if v["variant"] != CONTROL]
    head = next(r for r in rows if (r["variant"], r["mode"], r["workers"]) == head_key)
    head_cells = [c for c in cells if (c["variant"], c["mode"], c["workers"]) == (head["variant"], head["mode"],
                                                                                     head["workers"])]
    samples = {
        "time_per_op_ns": [c["wall_s"] * 1e9 / c["ops"] for c in head_cells],
        "speedup": head["speedup_samples"],
        "efficiency": [s / head["workers"] for s in head["speedup_samples"]],
    }
    linear = sorted({f"{v['mode']} ({v['variant']})" for v in verdicts if v["verdict"] == "linear"})
    not_linear = sorted({f"{v['mode']} ({v['variant']}): {v['verdict']}" for v in verdicts
                         if v["verdict"] != "linear"})
    details = {
        "cpus": cpus,
        "modes": modes,
        "workers": workers,
        "rounds": rounds,
        "variants": {name: {"description": w.description, "io_bound": w.io_bound, "notes": w.notes,
                            "ops_per_worker": ops_per_worker[name]} for name, w in workloads.items()},
        "rows": rows,
        "verdicts": verdicts,
        "criterion": (f"linear = speedup ≥ {threshold:g} × ideal at every worker count, ideal = "
                      f"min(workers, {cpus} CPUs) for CPU-bound work, = workers for I/O-bound work; "
                      "speedup = aggregate ops/s ÷ the same variant and mode at 1 worker in the same round; "
                      "medians over rounds"),
        "document_claim": "linear scaling without contention (Agno-Go performance document)",
        "claim_holds_for": linear,
        "claim_fails_for": not_linear,
        "headline": {"variant": head["variant"], "mode": head["mode"], "workers": head["workers"]},
        "calls_checked": sum(c["checked"] for c in cells),
        "crosstalk": 0,
        "control": {"speedups": {str(w): s for w, s in sorted(control.items())}, "note": capacity_note,
                    "ops_per_worker": control_ops},
        "load_average_before": list(load_before),
    }
    return PassOutput(samples, ConcurrencyResult.from_dict(details))
