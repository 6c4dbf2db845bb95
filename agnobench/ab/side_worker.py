"""One side's scenario worker for ``agnobench ab``, run with the side's own interpreter.

``python side_worker.py --cmd-fd R --reply-fd W --scenario PATH --cwd DIR``:
isolated and guarded like every agnobench worker (its own network namespace
where allowed, telemetry off, the audit hook only in the check run), it
builds the scenario's op with the side's code, checks it, and then obeys the
parent, one JSON line per command on ``R``, one JSON line per answer on
``W`` (the measured code keeps stdout and stderr):

- ``{"cmd": "size", "target_ns": T}``: calls per burst so a burst takes about T;
- ``{"cmd": "fork", "cpu": C}``: a child pinned to CPU C takes over the
  channel and answers ``{"cmd": "burst", "calls": N, "repeat": R}`` with the
  fastest of R bursts of N calls, ``{"ns": …}``,
  until ``{"cmd": "end"}`` (``{"ended": true, "network": […]}``); the worker
  waits for it, and speaks again only if it died without ending;
- ``{"cmd": "memory", "hold": H}``: the memory pass in a forked child;
- ``{"cmd": "quit"}``.

Both sides' children are alive at once and the parent alternates their
bursts (:mod:`agnobench.ab.interleave`), so a change of the machine's speed
falls on both sides alike. The file is run by path, and imports only the
parts of agnobench every version has (the scenario loader, the op builder,
the harness's isolation): a ``git:REF`` side of agnobench's own repository
measures with its own code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Callable

Reply = Callable[..., None]


def _replier(fd: int) -> Reply:
    out = os.fdopen(fd, "w", buffering=1)

    def reply(**fields: Any) -> None:
        out.write(json.dumps(fields) + "\n")
        out.flush()

    return reply


def burst_timer(op: Callable[[], Any]) -> Callable[[int], int]:
    """ns for ``calls`` back-to-back calls; an async op awaited in a loop inside one coroutine."""
    target = getattr(op, "fn", None)
    loop = getattr(op, "loop", None)
    if target is not None and loop is not None:  # agnobench's AsyncOperation: await inside one coroutine
        async def run(calls: int) -> int:
            start = time.perf_counter_ns()
            for _ in range(calls):
                await target()
            return time.perf_counter_ns() - start

        return lambda calls: loop.run_until_complete(run(calls))

    def timed(calls: int) -> int:
        start = time.perf_counter_ns()
        for _ in range(calls):
            op()
        return time.perf_counter_ns() - start

    return timed


def _violations() -> list[str]:
    from agnobench.measure import netguard

    return list(netguard.violations())


def _serve_bursts(commands: Any, reply: Reply, timer: Callable[[int], int], cpu: int | None) -> None:
    """In the forked child: bursts until ``end``; never returns."""
    status = 0
    try:
        if cpu is not None and hasattr(os, "sched_setaffinity"):
            try:
                os.sched_setaffinity(0, {cpu})
            except OSError:
                pass
        reply(pid=os.getpid())
        for line in commands:
            command = json.loads(line)
            if command["cmd"] == "burst":  # the fastest of ``repeat`` back-to-back bursts: one preempted is dropped
                calls = int(command["calls"])
                reply(ns=min(timer(calls) for _ in range(int(command.get("repeat", 1)))))
            elif command["cmd"] == "end":
                reply(ended=True, network=_violations())
                break
    except BaseException as exc:  # the op failed mid-burst: say so, the parent fails the scenario
        status = 1
        try:
            reply(error=f"{type(exc).__name__}: {exc}", network=_violations())
        except BaseException:
            pass
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _forked(fn: Callable[[], dict[str, Any]], reply: Reply) -> None:
    """``fn`` in a forked child that answers for itself; the worker waits for it."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        status = 0
        try:
            reply(**fn(), network=_violations())
        except BaseException as exc:
            status = 1
            reply(error=f"{type(exc).__name__}: {exc}", network=_violations())
        sys.stdout.flush()
        os._exit(status)
    _, wait_status = os.waitpid(pid, 0)
    if wait_status != 0 and os.WIFSIGNALED(wait_status):
        reply(error=f"measurement process died with signal {os.WTERMSIG(wait_status)}")


def _memory(op: Callable[[], Any], hold: int) -> dict[str, Any]:
    from agnobench.measure.pipeline import run_pass
    from agnobench.core.settings import MeasureSettings

    output = run_pass("memory", op, MeasureSettings(), hold=hold)
    return {"samples": {name: list(values) for name, values in output.samples.items()}}


def _size(timer: Callable[[int], int], target_ns: float) -> int:
    single = min(timer(1) for _ in range(3))
    calls = max(1, int(target_ns / max(single, 1)))
    per_call = min(timer(calls) for _ in range(3)) / calls
    return max(1, int(target_ns / max(per_call, 1)))


def _prepare(scenario_path: str, cwd: str) -> tuple[Callable[[], Any], dict[str, Any]]:
    from agnobench.importing import add_import_paths
    from agnobench.measure.operation import build_operation
    from agnobench.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    add_import_paths([cwd, Path(scenario.path).parent])
    op = build_operation(scenario)
    facts: dict[str, Any] = {}
    try:
        from agnobench.measure.check_run import run_check
    except ImportError:  # an agnobench from before the check run: the check in the worker, as it was then
        from agnobench.measure.operation import check_operation

        check_operation(scenario, op)
    else:
        facts = run_check(scenario, op).details()
    return op, facts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cmd-fd", type=int, required=True)
    parser.add_argument("--reply-fd", type=int, required=True)
    parser.add_argument("--scenario", required=True)
    parser.add_argument("--cwd", required=True)
    parser.add_argument("--no-netns", action="store_true")
    args = parser.parse_args(argv)
    reply = _replier(args.reply_fd)
    commands = os.fdopen(args.cmd_fd, "r")
    from agnobench.harness.child import guard_process
    from agnobench.harness.isolation import isolate

    layers = isolate(not args.no_netns, watchdog=True)
    guard_process(layers)
    os.chdir(args.cwd)
    try:
        op, facts = _prepare(args.scenario, args.cwd)
    except BaseException as exc:
        # A scenario file, operation or setup that this side does not have is "not comparable", not a failure.
        field = getattr(exc, "field", None)
        missing = field is not None or hasattr(exc, "one_line") or isinstance(exc, (ImportError, AttributeError))
        message = exc.one_line() if hasattr(exc, "one_line") else str(exc) if field is not None or \
            type(exc).__name__ == "ScenarioError" else f"{type(exc).__name__}: {exc}"
        reply(ready=False, error=message, missing=missing, network=_violations())
        os._exit(1)
    if _violations():
        reply(ready=False, error="network access attempted: " + "; ".join(_violations()[:3]), missing=False,
              network=_violations())
        os._exit(1)
    timer = burst_timer(op)
    import platform

    reply(ready=True, python=platform.python_version(), guard=layers.to_dict(), facts=facts)
    for line in commands:
        command = json.loads(line)
        kind = command["cmd"]
        if kind == "size":
            reply(calls=_size(timer, float(command["target_ns"])))
        elif kind == "fork":
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _serve_bursts(commands, reply, timer, command.get("cpu"))
            _, wait_status = os.waitpid(pid, 0)
            if wait_status != 0:
                reply(ended=False, error=f"burst process ended with status {wait_status}")
        elif kind == "memory":
            _forked(lambda: _memory(op, int(command.get("hold", 10))), reply)
        elif kind == "quit":
            break
    os._exit(0)


if __name__ == "__main__":
    sys.path.pop(0)  # run by path: this file's folder must not shadow the side's packages
    main()
