"""The child's half of the harness: what every agnobench child process does around its work.

A child (the scenario worker, the profiled process, the program callgrind
runs) is started by :func:`agnobench.harness.spawn.run_child` as
``python -m MODULE SPEC.json`` and calls :func:`child_main` with its work
function. ``child_main``:

1. dies with its parent (``PR_SET_PDEATHSIG``) and, if asked, moves into its
   own network namespace, then turns agno's telemetry off and sets the
   network guard up (the audit hook only where there is no namespace), all
   before the work imports anything;
2. applies the memory limit;
3. runs the work, reporting progress as JSON lines on the event channel
   (a pipe; stdout and stderr belong to the measured code);
4. maps whatever went wrong to one error payload (bad input or not, with
   the network events), so every parent reads failures the same way;
5. ends with ``os._exit`` after running exit handlers itself: a thread the
   measured code left running must not hold the process at interpreter exit.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
from pathlib import Path
from typing import Any, Callable, NoReturn

from agnobench.harness.isolation import NetworkLayers, isolate, stand_down_watchdog
from agnobench.measure import netguard

Emit = Callable[..., None]
Work = Callable[[dict[str, Any], Emit], dict[str, Any]]


class NetworkAttempted(RuntimeError):
    """The measured code reached for the network (the guard refused it)."""


def limit_memory(megabytes: int | None) -> None:
    if not megabytes:
        return
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError, OverflowError):
        pass  # a lower hard limit already applies (absurd values are refused when the scenario loads)


def check_network() -> None:
    """Raise NetworkAttempted if the guard saw any attempt so far."""
    events = netguard.violations()
    if events:
        raise NetworkAttempted("network access attempted: " + "; ".join(events[:3]))


def error_payload(exc: BaseException) -> dict[str, Any]:
    """One line for the user and whether it is bad input (exit 2), for any failure of the work."""
    from agnobench.errors import InputError
    from agnobench.measure.forking import ChildError
    from agnobench.errors import ScenarioError

    if isinstance(exc, MemoryError):
        return {"error": "out of memory (MemoryError)", "bad_input": False}
    if isinstance(exc, InputError):
        return {"error": exc.one_line(), "bad_input": True}
    if isinstance(exc, ScenarioError):
        return {"error": str(exc), "bad_input": exc.field is not None}
    if isinstance(exc, (ChildError, NetworkAttempted)):
        return {"error": str(exc), "bad_input": False}
    return {"error": f"{type(exc).__name__}: {exc}", "bad_input": False}


def _threads_left() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t is not threading.main_thread() and t.is_alive())


def _open_events(spec: dict[str, Any]) -> Emit:
    events = os.fdopen(int(spec["events_fd"]), "w", buffering=1)

    def emit(**fields: Any) -> None:
        events.write(json.dumps(fields) + "\n")

    return emit


def guard_process(layers: NetworkLayers) -> None:
    """Telemetry off and the network guard in: before anything the measured code needs is imported.

    In a network namespace of its own the process carries no audit hook: the hook would be timed with
    every op (it is called for every audited event, ``id()`` included), so the namespace guards the
    measurement and the hook goes into the check run's child alone (:mod:`agnobench.measure.check_run`).
    Without a namespace the hook is the only guard, and stays."""
    os.environ["AGNO_TELEMETRY"] = "false"  # agno reads it at every run; it overrides telemetry=True
    netguard.install(namespace=layers.namespace, hook=not layers.namespace)
    layers.audit_hook = netguard.hooked()
    layers.check_run_hook = True


def child_main(work: Work, argv: list[str] | None = None) -> NoReturn:
    """Run ``work(spec, emit)`` as an agnobench child; never returns."""
    spec = json.loads(Path((argv or sys.argv)[1]).read_text())
    layers: NetworkLayers = isolate(bool(spec.get("isolate_network", True)), bool(spec.get("watchdog", True)))
    guard_process(layers)
    serve(work, spec, layers)


def serve(work: Work, spec: dict[str, Any], layers: NetworkLayers) -> NoReturn:
    """Steps 2-5 for a process already isolated and guarded (by :func:`child_main`, or forked from the
    worker server, :mod:`agnobench.harness.zygote`); never returns."""
    emit = _open_events(spec)
    limit_memory(spec.get("memory_limit_mb"))
    status = 0
    try:
        result = work(spec, emit)
        from agnobench.measure.forking import run_exit_handlers

        run_exit_handlers()  # agno flushes queued telemetry at exit: let the guard see it
        check_network()
    except BaseException as exc:  # every failure becomes one payload; nothing escapes as a traceback
        status = 1
        details = {"network_events": netguard.violations(), "network_guard": layers.to_dict()}
        emit(event="error", **error_payload(exc), details=details)
    else:
        harness = {"network_events": [], "network_guard": layers.to_dict(), "threads_left_running": _threads_left()}
        emit(event="result", result=result, harness=harness)
    sys.stdout.flush()
    sys.stderr.flush()
    stand_down_watchdog()
    os._exit(status)  # not sys.exit: a non-daemon thread of the op would block interpreter exit
