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

import asyncio
import gc
import json
import os
import statistics
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from agnobench.measure import netguard
from agnobench.measure.forking import ChildError, run_exit_handlers, run_forked
from agnobench.measure.operation import ScenarioError
from agnobench.measure.params import references
from agnobench.measure.passes import PassContext, PassOutput
from agnobench.measure.reference_kernel import reference_kernel
from agnobench.passes.concurrency import MODES

if TYPE_CHECKING:
    from agnobench.passes.concurrency import ConcurrencyParams

MAX_PROBLEMS = 5
WARMUP_CALLS = 2  # per worker, before the start signal


class CrossTalkError(RuntimeError):
    """A concurrent call came back with a result that was not its own."""


@dataclass
class Workload:
    """What each concurrent worker does; a scenario names factories of these.

    ``call(context, token)`` makes one call; ``acall`` is its coroutine form
    for asyncio tasks (without it, tasks call ``call`` and yield between
    calls, which is all a blocking call allows). ``context()`` runs once per
    worker before the clock starts (build the worker's own agent there, or
    hand back a shared one). ``verify(token, result)`` raises when the result
    is not the answer to ``token``.
    """

    call: Callable[[Any, str], Any]
    acall: Callable[[Any, str], Awaitable[Any]] | None = None
    context: Callable[[], Any] = lambda: None
    verify: Callable[[str, Any], None] | None = None
    io_bound: bool = False
    description: str = ""
    notes: list[str] = field(default_factory=list)


def op_workload(op: Callable[[], Any]) -> Workload:
    """The scenario's own op, untokened: for operations that have no input to echo."""
    return Workload(call=lambda _context, _token: op(), description="the scenario's operation")


@dataclass
class Cell:
    wall_s: float
    ops: int
    problems: list[str]
    checked: int


# ---- one cell per mode ----------------------------------------------------

def _worker_loop(workload: Workload, context: Any, tag: str, ops: int,
                 problems: list[str]) -> tuple[float, float, list[str], int]:
    """(start, end, problems, checked) of one worker's calls; ``problems`` holds the warm-up's."""
    call, verify = workload.call, workload.verify
    checked = 0
    start = time.perf_counter()
    for k in range(ops):
        token = f"{tag}-{k}"
        try:
            result = call(context, token)
            if verify is not None:
                verify(token, result)
                checked += 1
        except Exception as exc:  # a wrong answer or a failed call: both disqualify the cell
            _note(problems, token, exc)
    return start, time.perf_counter(), problems, checked


def _note(problems: list[str], token: str, exc: Exception) -> None:
    """Count every problem; keep the text of the first few."""
    problems.append(f"{token}: {type(exc).__name__}: {exc}" if len(problems) < MAX_PROBLEMS else "")


def _warm_up(workload: Workload, context: Any, tag: str) -> list[str]:
    """Untimed calls before the start: a new agent's first-call setup, and in a forked process the
    copy-on-write faults of the pages a call touches, stay out of every mode's timing alike.
    Their answers are checked like any other: the problems found start the worker's list."""
    problems: list[str] = []
    for k in range(WARMUP_CALLS):
        token = f"{tag}-warmup{k}"
        try:
            result = workload.call(context, token)
            if workload.verify is not None:
                workload.verify(token, result)
        except Exception as exc:
            _note(problems, token, exc)
    return problems


def _merge(spans: list[tuple[float, float]], ops: int, problems: list[str], checked: int) -> Cell:
    wall = max(end for _, end in spans) - min(start for start, _ in spans)
    return Cell(wall_s=wall, ops=ops, problems=problems, checked=checked)


def threads_cell(workload: Workload, workers: int, ops: int, tag: str) -> Cell:
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def body(index: int) -> None:
        try:
            context = workload.context()
            problems = _warm_up(workload, context, f"{tag}-w{index}")
            barrier.wait()
            results[index] = _worker_loop(workload, context, f"{tag}-w{index}", ops, problems)
        except BaseException as exc:
            barrier.abort()
            results[index] = exc

    threads = [threading.Thread(target=body, args=(i,), name=f"agnobench-{i}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _collect(results, workers * ops)


def _collect(results: list[Any], total_ops: int) -> Cell:
    failures = [r for r in results if isinstance(r, BaseException) or r is None]
    if failures:
        first = next((f for f in failures if isinstance(f, BaseException) and
                      not isinstance(f, threading.BrokenBarrierError)), failures[0])
        raise ChildError(f"a worker failed before its calls: {type(first).__name__}: {first}")
    problems = [p for r in results for p in r[2]]
    return _merge([(r[0], r[1]) for r in results], total_ops, problems, sum(r[3] for r in results))


def asyncio_cell(workload: Workload, workers: int, ops: int, tag: str) -> Cell:
    ready: list[int] = []
    all_ready = asyncio.Event()

    async def warm_up(context: Any, index: int) -> list[str]:
        if workload.acall is None:
            return _warm_up(workload, context, f"{tag}-w{index}")
        problems: list[str] = []
        for k in range(WARMUP_CALLS):
            token = f"{tag}-w{index}-warmup{k}"
            try:
                result = await workload.acall(context, token)
                if workload.verify is not None:
                    workload.verify(token, result)
            except Exception as exc:
                _note(problems, token, exc)
        return problems

    async def body(index: int, go: asyncio.Event) -> tuple[float, float, list[str], int]:
        try:
            context = workload.context()
            problems = await warm_up(context, index)
        finally:  # a task that failed must not leave the others waiting
            ready.append(index)
            if len(ready) == workers:
                all_ready.set()
        await go.wait()
        acall, verify = workload.acall, workload.verify
        checked = 0
        start = time.perf_counter()
        for k in range(ops):
            token = f"{tag}-w{index}-{k}"
            try:
                if acall is not None:
                    result = await acall(context, token)
                else:  # a blocking call: tasks can only take turns
                    result = workload.call(context, token)
                    await asyncio.sleep(0)
                if verify is not None:
                    verify(token, result)
                    checked += 1
            except Exception as exc:
                _note(problems, token, exc)
        return start, time.perf_counter(), problems, checked

    async def main() -> list[Any]:
        go = asyncio.Event()
        tasks = [asyncio.ensure_future(body(i, go)) for i in range(workers)]
        await all_ready.wait()  # every task has its context and is warm
        go.set()
        return list(await asyncio.gather(*tasks, return_exceptions=True))

    loop = asyncio.new_event_loop()
    try:
        return _collect(loop.run_until_complete(main()), workers * ops)
    finally:
        loop.close()


def _process_worker(workload: Workload, go_fd: int, out_fd: int, tag: str, ops: int) -> None:
    """A forked worker: build its context, wait for the start byte, run, report, exit."""
    status = 0
    try:
        context = workload.context()
        problems = _warm_up(workload, context, tag)
        os.read(go_fd, 1)
        start, end, problems, checked = _worker_loop(workload, context, tag, ops, problems)
        payload: dict[str, Any] = {"start": start, "end": end, "problems": problems, "checked": checked}
    except BaseException as exc:
        payload = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=5)}
        status = 1
    run_exit_handlers()
    payload["network"] = netguard.violations()
    with os.fdopen(out_fd, "wb") as out:
        out.write(json.dumps(payload).encode())
    os._exit(status)


def processes_cell(workload: Workload, workers: int, ops: int, tag: str) -> Cell:
    go_read, go_write = os.pipe()
    children: list[tuple[int, int]] = []
    for index in range(workers):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(go_write)
            os.close(read_fd)
            _process_worker(workload, go_read, write_fd, f"{tag}-w{index}", ops)
        os.close(write_fd)
        children.append((pid, read_fd))
    os.close(go_read)
    os.write(go_write, b"g" * workers)  # one byte each: all start at once
    os.close(go_write)
    payloads = []
    for pid, read_fd in children:
        with os.fdopen(read_fd, "rb") as inp:
            data = inp.read()
        os.waitpid(pid, 0)
        try:
            payloads.append(json.loads(data))
        except json.JSONDecodeError:
            raise ChildError("a worker process died without a result") from None
    network = [v for p in payloads for v in p.get("network", [])]
    if network:
        raise ChildError("network access attempted: " + "; ".join(network[:3]))
    errors = [p["error"] for p in payloads if "error" in p]
    if errors:
        raise ChildError(f"a worker process failed: {errors[0]}")
    problems = [x for p in payloads for x in p["problems"]]
    return _merge([(p["start"], p["end"]) for p in payloads], workers * ops, problems,
                  sum(p["checked"] for p in payloads))


CELLS: dict[str, Callable[[Workload, int, int, str], Cell]] = {
    "threads": threads_cell, "processes": processes_cell, "asyncio": asyncio_cell,
}


# ---- the matrix -----------------------------------------------------------

@dataclass
class Plan:
    modes: list[str]
    workers: list[int]
    rounds: int
    ops_per_worker: dict[str, int]  # per variant
    control_ops: int = 0  # calls of the control kernel per worker (0: no control)


def _estimate_seconds(workload: Workload, calls: int = 5) -> float:
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


def measure_concurrency(ctx: PassContext, params: "ConcurrencyParams") -> PassOutput:
    """The pass (``agnobench.passes.concurrency``): ``params`` validated, --quick already applied."""
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
                                f"agnobench.measure.concurrency.Workload, got {type(workload).__name__}")
    ops_per_worker = {}
    for name, workload in workloads.items():
        seconds = _estimate_seconds(workload)
        ops = fixed_ops or int(work_s / max(seconds, 1e-9))
        ops_per_worker[name] = max(3, min(ops, 100_000))
    control_ops = 0
    if params.control:
        control_ops = max(3, int(work_s / max(_estimate_seconds(control_workload(), 50), 1e-9)))
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
    return PassOutput(samples=samples, details=details)
