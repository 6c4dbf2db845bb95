"""The profiled process: ``python -m agnobench.profile._child SPEC.json``.

It prepares the operation as ``agnobench run``'s worker does (telemetry off,
network guard in, the current and the scenario's directories importable,
setup called once, the op checked), then either captures N ops under memray
(``mode = "mem"``) or loops over the op for a while so py-spy, its parent,
can sample it (``mode = "cpu"``). The outcome goes to the JSON file named in
the spec, never to stdout, which belongs to the measured code.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

from agnobench.measure import netguard

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
    os.environ["AGNO_TELEMETRY"] = "false"  # agno reads it at every run; it overrides telemetry=True
    netguard.install()
    # Imports wait until the guard is in: module import may already phone home.
    from agnobench.importing import add_import_paths
    from agnobench.measure.operation import build_operation, check_operation
    from agnobench.scenario import load_scenario

    scenario = load_scenario(spec["scenario_path"])
    add_import_paths([spec.get("cwd", os.getcwd()), Path(scenario.path).parent])
    op = build_operation(scenario)
    check_operation(scenario, op)
    return scenario, op


def _run(spec: dict[str, Any]) -> dict[str, Any]:
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
        from agnobench.measure.memory import estimate_op_seconds

        op_seconds = estimate_op_seconds(op)
        batch = max(1, int(BATCH_S / max(op_seconds, 1e-9)))
        loop_started = time.perf_counter()
        ops = profiled_loop(op, float(spec["duration"]), batch)
        loop_s = time.perf_counter() - loop_started
        result = {"ops": ops, "loop_s": loop_s, "s_per_op": loop_s / ops, "batch": batch}
    result["ready_s"] = ready_s
    return result


def _write(path: str, payload: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(payload))


def main(argv: list[str]) -> int:
    spec = json.loads(Path(argv[1]).read_text())
    from agnobench.errors import InputError
    from agnobench.measure.forking import run_exit_handlers
    from agnobench.measure.operation import ScenarioError

    try:
        result = _run(spec)
        run_exit_handlers()  # agno flushes queued telemetry at exit: let the guard see it
    except InputError as exc:
        _write(spec["result_path"], {"ok": False, "error": exc.one_line(), "bad_input": True})
        return 1
    except ScenarioError as exc:
        _write(spec["result_path"], {"ok": False, "error": str(exc), "bad_input": exc.field is not None})
        return 1
    except MemoryError:
        _write(spec["result_path"], {"ok": False, "error": "out of memory (MemoryError)", "bad_input": False})
        return 1
    except Exception as exc:  # the profile fails; the parent prints one line
        _write(spec["result_path"], {"ok": False, "error": f"{type(exc).__name__}: {exc}", "bad_input": False})
        return 1
    violations = netguard.violations()
    if violations:
        _write(spec["result_path"], {"ok": False, "bad_input": False,
                                     "error": "network access attempted: " + "; ".join(violations[:3])})
        return 1
    _write(spec["result_path"], {"ok": True, "result": result})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
