"""The parent's half of the harness: start one child, follow it, bound it, and read its end.

Every agnobench child (``run``'s scenario worker, ``profile``'s profiled
process, the program valgrind runs for instruction counts) goes through
:func:`run_child`, so the rules hold everywhere:

- the child gets its spec as a JSON file and reports on an event pipe, one
  JSON object a line (``progress``, then ``result`` or ``error``); its
  stdout and stderr are the measured code's, kept to show on failure;
- it runs in its own session, so one ``killpg`` takes its whole tree down,
  and it gets ``PR_SET_PDEATHSIG`` before exec, so it dies with us even if
  we are SIGKILLed;
- its *whole* life is bounded by the timeout, interpreter exit included;
- on every way out of :func:`run_child` (done, timed out, exception,
  Ctrl-C) the group is killed and reaped: nothing is left behind;
- a child that ends without a word gets a death message naming the signal
  (SIGKILL: out of memory?) or the exit status and its last line of output.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Protocol

from agnobench import tempdirs
from agnobench.environment import worker_environment
from agnobench.harness import containment
from agnobench.harness.forkserver import FORKED, FRESH, ForkedWorker, ForkServer
from agnobench.harness.isolation import die_with_parent_preexec

OUTPUT_TAIL = 2000
_POLL_S = 0.2


@dataclass
class ChildJob:
    """What to run: ``[*wrapper, python -m module SPEC]`` with the spec, limits and environment."""

    module: str
    spec: dict[str, Any]
    timeout_s: float
    what: str = "worker"  # how messages name the child: "worker", "the profiled process", ...
    timeout_hint: str = "measure.timeout_s"
    wrapper: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None  # default: worker_environment()
    memory_limit_mb: int | None = None
    isolate_network: bool = True
    python_flags: list[str] = field(default_factory=list)  # e.g. ["-P"]: no cwd on sys.path
    watchdog: bool = True  # off where a fork of the child would disturb it (callgrind's numbered dumps)
    work: str | None = None  # "module:function" of the work: a worker server may fork the child instead

    def forkable(self) -> bool:
        """Whether a worker server's fork can stand in for ``python -m module`` (nothing around it)."""
        return bool(self.work) and not self.wrapper and self.env is None and not self.python_flags

    def command(self, spec_path: Path) -> list[str]:
        return [*self.wrapper, sys.executable, *self.python_flags, "-m", self.module, str(spec_path)]


@dataclass
class ChildFailure:
    """Why a child gave no result, in one line; ``bad_input`` means exit 2 (the scenario file is at fault)."""

    message: str
    bad_input: bool = False
    details: dict[str, Any] = field(default_factory=dict)
    from_child: bool = False  # the child reported it (its work failed), rather than died or timed out


@dataclass
class ChildOutcome:
    returncode: int
    output: str  # the tail of the child's stdout and stderr (and its wrapper's)
    result: dict[str, Any] | None = None  # the work's result, None if there is none
    harness: dict[str, Any] = field(default_factory=dict)  # what the child's harness adds: guard layers, threads
    failure: ChildFailure | None = None
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.failure is None and self.result is not None

    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


def death_message(what: str, returncode: int, last_line: str) -> str:
    """Why a child ended without a result or an error of its own."""
    if returncode < 0:
        name = signal.Signals(-returncode).name
        message = f"{what} died with {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
    else:
        message = f"{what} exited with status {returncode} without a result"
    return message + (f"; last output: {last_line}" if last_line else "")


class ChildProcess(Protocol):
    """A started child: a ``Popen`` (:class:`_Fresh`) or a worker server's fork (``ForkedWorker``)."""

    pid: int

    @property
    def returncode(self) -> int | None: ...

    def poll(self) -> int | None: ...

    def wait(self, timeout: float | None = None) -> int: ...

    def kill_group(self) -> None: ...


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the child's whole session (it is the group leader), and reap the child."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


class _Fresh:
    """A child started as a fresh process."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.pid = proc.pid

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    def poll(self) -> int | None:
        return self.proc.poll()

    def wait(self, timeout: float | None = None) -> int:
        return self.proc.wait(timeout)

    def kill_group(self) -> None:
        kill_group(self.proc)


class _Channel:
    """The event pipe's reading end: JSON lines, parsed as they come."""

    def __init__(self, read_fd: int, on_event: Callable[[dict[str, Any]], None]) -> None:
        self.file = os.fdopen(read_fd, "rb", buffering=0)
        self.on_event = on_event
        self.buffer = b""
        self.open = True
        self.result: dict[str, Any] | None = None
        self.error: dict[str, Any] | None = None

    def read(self, wait_s: float) -> bool:
        """Read what is there within ``wait_s``; False when nothing came."""
        ready, _, _ = select.select([self.file], [], [], wait_s)
        if not ready:
            return False
        chunk = self.file.read(65536)
        if not chunk:
            self.open = False
            return True
        self.buffer += chunk
        *lines, self.buffer = self.buffer.split(b"\n")
        for line in lines:
            self._dispatch(line)
        return True

    def _dispatch(self, line: bytes) -> None:
        try:
            event = json.loads(line)
            kind = event["event"]
        except (ValueError, TypeError, KeyError):
            return  # not the harness's line (the measured code found the descriptor): ignore it
        if kind == "result":
            self.result = event
        elif kind == "error":
            self.error = event
        else:
            self.on_event(event)  # "progress" with a "message", or the work's own kinds


def _follow(proc: ChildProcess, channel: _Channel, deadline: float) -> bool:
    """Follow the child until it has exited and said all it will; False if the deadline came first."""
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        if channel.open:
            if not channel.read(min(remaining, _POLL_S)) and proc.poll() is not None:
                return True  # exited; whatever still holds the pipe is a leftover of its tree
        elif proc.poll() is not None:
            return True
        else:
            try:
                proc.wait(timeout=min(remaining, _POLL_S))
            except subprocess.TimeoutExpired:
                pass


def _failure(job: ChildJob, channel: _Channel, returncode: int, timed_out: bool, last_line: str) -> ChildFailure | None:
    if channel.error is not None:
        return ChildFailure(str(channel.error.get("error")), bool(channel.error.get("bad_input")),
                            dict(channel.error.get("details") or {}), from_child=True)
    if channel.result is not None:
        return None  # a result, even if the child then failed to exit in time: it is kept
    if timed_out:
        return ChildFailure(f"timed out after {job.timeout_s:g} s ({job.timeout_hint})")
    return ChildFailure(death_message(job.what, returncode, last_line))


def _start(job: ChildJob, spec_path: Path, write_fd: int, log: Any, server: ForkServer | None,
           cgroup: containment.Cgroup) -> ChildProcess:
    if server is not None and job.forkable() and job.isolate_network == server.isolate_network:
        assert job.work is not None
        forked = server.launch(job.work, str(spec_path), write_fd, log.fileno())
        if forked is not None:
            return forked
    proc = subprocess.Popen(job.command(spec_path), stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT, pass_fds=[write_fd],
                            env=job.env if job.env is not None else worker_environment(),
                            start_new_session=True, preexec_fn=die_with_parent_preexec(os.getpid(), cgroup.join))
    return _Fresh(proc)


def run_child(job: ChildJob, on_event: Callable[[dict[str, Any]], None] = lambda _e: None,
              server: ForkServer | None = None) -> ChildOutcome:
    """Run the job to its end or its timeout; never leaves a process behind.

    With a worker ``server``, a job that names its ``work`` is forked from the server (agno already
    imported) rather than started as a fresh interpreter; it is followed and bounded the same way.
    """
    tempdirs.sweep_stale()  # what killed processes left: this run's earlier workers, a SIGKILLed agnobench
    cgroup = containment.make()  # every process of the child's tree, new sessions included
    with tempfile.TemporaryDirectory(prefix=tempdirs.prefix("child")) as scratch, tempfile.TemporaryFile() as log:
        read_fd, write_fd = os.pipe()
        spec_path = Path(scratch) / "spec.json"
        spec = {**job.spec, "events_fd": write_fd, "cwd": os.getcwd(), "isolate_network": job.isolate_network,
                "watchdog": job.watchdog,
                "memory_limit_mb": job.memory_limit_mb, "cgroup": str(cgroup.path) if cgroup.path else None}
        spec_path.write_text(json.dumps(spec))
        try:
            proc = _start(job, spec_path, write_fd, log, server, cgroup)
        except BaseException:
            os.close(read_fd)
            cgroup.remove()
            raise
        finally:
            os.close(write_fd)
        channel = _Channel(read_fd, on_event)
        try:
            finished = _follow(proc, channel, time.monotonic() + job.timeout_s)
        finally:  # done, timed out, or interrupted: the whole tree goes, and then what it left in $TMPDIR
            cgroup.kill()  # all of it at once, processes in sessions of their own included
            proc.kill_group()  # and the session, where there is no cgroup; the child reaped
            cgroup.remove()
            channel.file.close()
            tempdirs.sweep_stale()
        log.seek(0)
        output = log.read().decode("utf-8", errors="replace")[-OUTPUT_TAIL:].strip()
    returncode = proc.returncode if proc.returncode is not None else -signal.SIGKILL
    outcome = ChildOutcome(returncode, output, timed_out=not finished)
    if channel.result is not None:
        outcome.result = channel.result.get("result")
        outcome.harness = dict(channel.result.get("harness") or {})
        if not finished:
            outcome.harness["killed_after_result"] = f"did not exit within {job.timeout_s:g} s ({job.timeout_hint})"
    outcome.harness["containment"] = cgroup.describe()
    if job.forkable():
        outcome.harness["worker_start"] = (FORKED if isinstance(proc, ForkedWorker)
                                           else server.worker_start if server is not None and server.unusable
                                           else FRESH)
    outcome.failure = _failure(job, channel, returncode, not finished, outcome.last_line())
    return outcome
