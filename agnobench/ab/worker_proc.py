"""The parent's handle on one side's worker (:mod:`agnobench.ab.side_worker`): start, talk, stop.

The worker runs with the side's interpreter in a session and a cgroup of
its own (:mod:`agnobench.harness.containment`), dies with agnobench
(``PR_SET_PDEATHSIG``), and its whole tree — the burst children it forks,
anything the measured code started, in a session of its own or not — is
killed at once on every way out: the end of a scenario, a failure, a timeout,
Ctrl-C. Every answer is awaited with a deadline, so a hung op cannot hang
the comparison.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from agnobench.ab.envs import SideEnv, side_environ
from agnobench.harness import containment
from agnobench.harness.isolation import die_with_parent_preexec
from agnobench.harness.spawn import kill_group

SIDE_WORKER = Path(__file__).with_name("side_worker.py")
OUTPUT_TAIL = 6


class SideWorkerError(RuntimeError):
    """A side's worker failed, died or did not answer in time; the message says which side and why."""

    def __init__(self, message: str, missing: bool = False, network: list[str] | None = None) -> None:
        super().__init__(message)
        self.missing = missing  # the scenario (its file, op or setup) does not exist on this side
        self.network = network or []


class SideWorker:
    """One side's worker process for one scenario; a context manager that kills its group on exit."""

    def __init__(self, env: SideEnv, scenario_path: Path, timeout_s: float, isolate_network: bool = True,
                 hash_seed: int | None = None) -> None:
        self.env = env
        self.hash_seed = hash_seed  # the worker's layout: PYTHONHASHSEED (None: the run's)
        self.scenario_path = scenario_path
        self.timeout_s = timeout_s
        self.isolate_network = isolate_network
        self.proc: subprocess.Popen[bytes] | None = None
        self._log = tempfile.TemporaryFile()
        self._to: Any = None
        self._from: Any = None
        self._buffer = b""
        self.ready: dict[str, Any] = {}
        self.cgroup: containment.Cgroup | None = None

    def __enter__(self) -> "SideWorker":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def label(self) -> str:
        return self.env.side.label

    def launch(self) -> None:
        """Start the process (both sides' workers import and set up at once; :meth:`wait_ready` then)."""
        cmd_read, cmd_write = os.pipe()
        reply_read, reply_write = os.pipe()
        argv = [str(self.env.python), str(SIDE_WORKER), "--cmd-fd", str(cmd_read), "--reply-fd", str(reply_write),
                "--scenario", str(self.scenario_path), "--cwd", str(self.env.root)]
        if not self.isolate_network:
            argv.append("--no-netns")
        env = side_environ()
        if self.hash_seed is not None:
            env["PYTHONHASHSEED"] = str(self.hash_seed)
        self.cgroup = containment.make()  # the worker's whole tree, processes in sessions of their own included
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                         pass_fds=[cmd_read, reply_write], cwd=str(self.env.root), env=env,
                                         start_new_session=True,
                                         preexec_fn=die_with_parent_preexec(os.getpid(), self.cgroup.join))
        finally:
            os.close(cmd_read)
            os.close(reply_write)
        self._to = os.fdopen(cmd_write, "w", buffering=1)
        self._from = reply_read

    def wait_ready(self) -> dict[str, Any]:
        """The worker's ready message (the check's facts), or :class:`SideWorkerError`."""
        ready = self._receive()
        if not ready.get("ready"):
            raise SideWorkerError(f"{self.label}: {ready.get('error', 'the worker did not start')}",
                                  missing=bool(ready.get("missing")), network=list(ready.get("network") or []))
        self.ready = ready
        return ready

    def ask(self, **command: Any) -> dict[str, Any]:
        """Send one command and wait for its answer."""
        try:
            self._to.write(json.dumps(command) + "\n")
            self._to.flush()
        except (BrokenPipeError, OSError, ValueError):
            raise SideWorkerError(f"{self.label}: the worker is gone{self._tail()}") from None
        answer = self._receive()
        if answer.get("network"):
            raise SideWorkerError(f"{self.label}: network access attempted: {'; '.join(answer['network'][:3])}",
                                  network=list(answer["network"]))
        if "error" in answer:
            raise SideWorkerError(f"{self.label}: {answer['error']}")
        return answer

    def _receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout_s
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise SideWorkerError(f"{self.label}: no answer within {self.timeout_s:g} s (measure.timeout_s)")
            ready, _, _ = select.select([self._from], [], [], left)
            if not ready:
                continue
            chunk = os.read(self._from, 65536)
            if not chunk:
                status = self.proc.wait() if self.proc is not None else None
                raise SideWorkerError(f"{self.label}: the worker ended (status {status}) without an answer"
                                      f"{self._tail()}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return dict(json.loads(line))

    def _tail(self) -> str:
        self._log.seek(0)
        lines = [x for x in self._log.read().decode("utf-8", "replace").splitlines() if x.strip()]
        return (": " + " | ".join(lines[-OUTPUT_TAIL:])) if lines else ""

    def close(self) -> None:
        """Kill the worker's whole group and reap it; idempotent."""
        if self._to is not None:
            try:
                self._to.close()
            except OSError:
                pass
            self._to = None
        if self._from is not None:
            os.close(self._from)
            self._from = None
        if self.cgroup is not None:
            self.cgroup.kill()  # all of it at once, where a cgroup could be made
        if self.proc is not None:
            kill_group(self.proc)  # and the session, where it could not; the worker reaped
            self.proc = None
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        self._log.close()
