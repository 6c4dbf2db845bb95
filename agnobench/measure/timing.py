"""time_per_op_ns with pyperf's own worker code, in forked children.

pyperf's Manager would spawn each worker with a fresh interpreter, and each
would spend ~0.4 s importing agno. Here every worker is a fork of the
scenario's worker process, and inside it pyperf's ``WorkerProcessTask`` does
what a pyperf worker does: calibrate the loop count (first child only, its
values discarded, as pyperf does), run warmups, then time ``values`` values of
``loops`` calls each with ``time.perf_counter``. The GC stays enabled, as in
``pyperf timeit``, because real agents pay for it.
"""

from __future__ import annotations

import itertools
import statistics
import time
from typing import Any, Callable

import pyperf
from pyperf._worker import WorkerProcessTask  # pyperf's worker loop; pinned by pyperf<3

from agnobench.measure.forking import run_forked
from agnobench.measure.reference_kernel import calibrate_kernel_calls, time_kernel
from agnobench.measure.settings import MeasureSettings

Operation = Callable[[], Any]


def _loop_timer(op: Operation, kernel_calls: int, kernel_log: list[float]) -> Callable[[Any, int], float]:
    """pyperf's time function, with the reference kernel timed right before each value."""

    def time_loops(_task: Any, loops: int) -> float:
        if kernel_calls:
            kernel_log.append(time_kernel(kernel_calls))
        local_op = op
        timer = time.perf_counter
        t0 = timer()
        for _ in itertools.repeat(None, loops):  # no int objects, unlike range()
            local_op()
        return timer() - t0

    return time_loops


def _pyperf_run(name: str, op: Operation, argv: list[str], kernel_calls: int = 0,
                kernel_log: list[float] | None = None) -> pyperf.Run:
    runner = pyperf.Runner()  # one per process: each forked child makes its own
    runner.parse_args(["--worker", "--worker-task=0", "--quiet", *argv])
    timer = _loop_timer(op, kernel_calls, kernel_log if kernel_log is not None else [])
    task = WorkerProcessTask(runner, name, timer, {"unit": "second"})
    return task.create_run()


def calibrate(name: str, op: Operation, settings: MeasureSettings) -> tuple[int, int]:
    """(loops per value, kernel calls per value): a value lasts at least
    ``min_time`` (pyperf's rule); the kernel beside it a quarter of that."""

    def child() -> list[int]:
        run = _pyperf_run(name, op, ["--calibrate-loops", "--values", str(settings.values),
                                     "--min-time", str(settings.min_time)])
        return [int(run.get_metadata()["calibrate_loops"]), calibrate_kernel_calls(settings.min_time / 4)]

    loops, kernel_calls = run_forked(child)
    return loops, kernel_calls


def timed_values(name: str, op: Operation, loops: int, kernel_calls: int,
                 settings: MeasureSettings) -> dict[str, Any]:
    """One isolated child's values (seconds per op) and the kernel's time beside each."""

    def child() -> dict[str, Any]:
        kernel_log: list[float] = []
        run = _pyperf_run(name, op, ["--loops", str(loops), "--warmups", str(settings.warmups),
                                     "--values", str(settings.values), "--min-time", str(settings.min_time)],
                          kernel_calls, kernel_log)
        return {"values": list(run.values), "kernel": kernel_log[-len(run.values):], "loops": loops}

    return run_forked(child)


def measure_time(name: str, op: Operation, settings: MeasureSettings,
                 progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Calibrate once, then ``settings.processes`` children; values in ns per op."""
    progress("calibrating loops")
    loops, kernel_calls = calibrate(name, op, settings)
    values_ns: list[float] = []
    kernel_ns: list[float] = []
    per_process: list[float] = []
    for index in range(settings.processes):
        progress(f"timing process {index + 1}/{settings.processes}")
        child = timed_values(name, op, loops, kernel_calls, settings)
        ns = [v * 1e9 for v in child["values"]]
        values_ns.extend(ns)
        kernel_ns.extend(k * 1e9 for k in child["kernel"])
        per_process.append(statistics.median(ns))
    return {"values_ns": values_ns, "kernel_ns": kernel_ns, "loops": loops, "kernel_calls": kernel_calls,
            "process_medians_ns": per_process}
