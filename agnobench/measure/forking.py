"""Run a function in a forked child and bring back its JSON-able result.

A fork of the worker starts with agno imported and the scenario set up, at no
cost, and dies with whatever the measurement left behind. Errors in the
child come back as :class:`ChildError` with the child's own message; a child
killed by a signal (the kernel's OOM killer, a segfault in an extension) is
reported with the signal's name.
"""

from __future__ import annotations

import atexit
import json
import os
import signal
import sys
import traceback
from typing import Any, Callable

from agnobench.measure import netguard


class ChildError(RuntimeError):
    """A measurement failed in its child process; ``network``: the attempts it made, if that was why."""

    def __init__(self, message: str, network: list[str] | None = None) -> None:
        super().__init__(message)
        self.network = network or []


def run_exit_handlers() -> None:
    """Do what a normal interpreter exit does: agno flushes queued telemetry
    from an ``atexit`` handler, so skipping it would hide a network attempt."""
    try:
        atexit._run_exitfuncs()
    except BaseException:  # an exit handler's failure is not the measurement's
        pass


def _child_main(fn: Callable[[], Any], write_fd: int) -> None:
    status = 0
    try:
        payload: dict[str, Any] = {"ok": True, "value": fn()}
    except MemoryError:
        payload = {"ok": False, "error": "out of memory (MemoryError)"}
        status = 1
    except BaseException as exc:  # report everything; the child must not escape into the parent's code
        payload = {"ok": False, "error": f"{type(exc).__name__}: {exc}",
                   "traceback": traceback.format_exc(limit=8)}
        status = 1
    run_exit_handlers()
    payload["network"] = netguard.violations()
    try:
        data = json.dumps(payload).encode()
    except (TypeError, ValueError) as exc:
        data = json.dumps({"ok": False, "error": f"result not JSON-serializable: {exc}",
                           "network": netguard.violations()}).encode()
    with os.fdopen(write_fd, "wb") as out:
        out.write(data)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def run_forked(fn: Callable[[], Any]) -> Any:
    """Call ``fn()`` in a forked child; return its value or raise ChildError."""
    sys.stdout.flush()
    sys.stderr.flush()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_fd)
        _child_main(fn, write_fd)
    os.close(write_fd)
    with os.fdopen(read_fd, "rb") as inp:
        data = inp.read()
    _, wait_status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(wait_status):
        sig = signal.Signals(os.WTERMSIG(wait_status)).name
        hint = " (killed: out of memory?)" if sig == "SIGKILL" else ""
        raise ChildError(f"measurement process died with {sig}{hint}")
    try:
        payload = json.loads(data)
    except json.JSONDecodeError:
        raise ChildError(f"measurement process exited with status {os.WEXITSTATUS(wait_status)} and no result") from None
    if payload.get("network"):
        raise ChildError("network access attempted: " + "; ".join(payload["network"][:3]), payload["network"])
    if not payload["ok"]:
        raise ChildError(payload["error"])
    return payload["value"]
