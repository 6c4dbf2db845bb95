"""The profiled process: ``python -m agnobench.profile._child SPEC.json``.

It prepares the operation as ``agnobench run``'s worker does (telemetry off,
network guard in, the current and the scenario's directories importable,
setup called once, the op checked), then either captures N ops under memray
(``mode = "mem"``) or loops over the op for a while so py-spy, its parent,
can sample it (``mode = "cpu"``). The outcome goes to
the harness's event channel, never to stdout, which belongs to the measured
code; the harness (:func:`agnobench.harness.child.child_main`) also maps its
failures to one payload.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path
from typing import Any, Callable

from agnobench.harness.child import Emit, child_main

LOOP_FUNCTION = "profiled_loop"  # the CPU summary keeps only samples under this frame
BATCH_S = 0.01  # ops per clock read: about a hundred reads a second


def profiled_loop(op: Callable[[], Any], seconds: float, batch: int) -> int:
    """Call the op until ``seconds`` have passed; the frame py-spy's samples are cut at."""
    deadline = time.perf_counter() + seconds
    done = 0
    while True:
        for _ in itertools.repeat(None, batch):
            op()
        done += batch
        if time.perf_counter() >= deadline:
            return done


def _prepare(spec: dict[str, Any]) -> tuple[Any, Callable[[], Any]]:
    # Imports wait until the guard is in (child_main): module import may already phone home.
    from agnobench.importing import add_import_paths
    from agnobench.measure.check_run import run_check
    from agnobench.measure.operation import build_operation
    from agnobench.scenario import load_scenario

    scenario = load_scenario(spec["scenario_path"])
    add_import_paths([spec.get("cwd", os.getcwd()), Path(scenario.path).parent])
    op = build_operation(scenario)
    run_check(scenario, op)  # the audit hook in a forked child only: no hook in what is profiled
    return scenario, op


def _run(spec: dict[str, Any], emit: Emit) -> dict[str, Any]:
    started = time.perf_counter()
    scenario, op = _prepare(spec)
    ready_s = time.perf_counter() - started
    if spec["mode"] == "mem":
        from agnobench.profile.capture import capture_memory
        from agnobench.profile.origins import Origins

        origins = Origins.here((spec.get("cwd", os.getcwd()), Path(scenario.path).parent))
        result = capture_memory(op, Path(spec["capture_path"]), Path(spec["retained_path"]), spec.get("ops"),
                                bool(spec.get("quick")), bool(spec.get("native")), origins)
    else:
        from agnobench.passes.memory.engine import estimate_op_seconds

        op_seconds = estimate_op_seconds(op)
        batch = max(1, int(BATCH_S / max(op_seconds, 1e-9)))
        loop_started = time.perf_counter()
        ops = profiled_loop(op, float(spec["duration"]), batch)
        loop_s = time.perf_counter() - loop_started
        result = {"ops": ops, "loop_s": loop_s, "s_per_op": loop_s / ops, "batch": batch}
    result["ready_s"] = ready_s
    return result


if __name__ == "__main__":
    child_main(_run)
