"""The parent's handle on the worker server (:mod:`agnobench.harness.zygote`).

``agnobench run`` starts one server per run, on the first scenario that needs
a worker; every scenario worker is then forked from it with agno already
imported, instead of being a fresh interpreter that imports it again (~0.7 s
a scenario). Each worker is still followed, bounded and killed by
:func:`agnobench.harness.spawn.run_child` like a fresh one: through
:class:`ForkedWorker`, which answers ``poll``/``wait``/``kill_group`` as the
harness asks a ``Popen`` to.

If the server cannot start, reports a thread after its imports (forking
then would be unsafe), or dies, the run goes on with fresh interpreters and
the results say so (``details.worker_start``); ``--fresh-workers`` asks for
them from the start.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

from agnobench.environment import worker_environment
from agnobench.harness.isolation import die_with_parent_preexec

READY_TIMEOUT_S = 120.0  # the server's imports, on a busy machine
_REAP_TIMEOUT_S = 30.0  # a killed worker is reaped within this, or the server is taken for broken
_MESSAGE_BYTES = 4096
FORKED = "forked from the worker server"
FRESH = "fresh interpreter"


class ServerGone(RuntimeError):
    """The worker server stopped answering."""


def _receive(sock: socket.socket, timeout_s: float | None) -> dict[str, Any] | None:
    """The next message, None if none came within ``timeout_s``; ServerGone if the server is gone."""
    ready, _, _ = select.select([sock], [], [], timeout_s)
    if not ready:
        return None
    data = sock.recv(_MESSAGE_BYTES)
    if not data:
        raise ServerGone("the worker server exited")
    message: dict[str, Any] = json.loads(data)  # the server writes one JSON object a message
    return message


class ForkedWorker:
    """A worker forked by the server, with the part of ``Popen``'s interface the harness uses."""

    def __init__(self, server: "ForkServer", pid: int) -> None:
        self.server = server
        self.pid = pid
        self.returncode: int | None = None

    def _settle(self, timeout_s: float | None) -> int | None:
        if self.returncode is not None:
            return self.returncode
        try:
            message = _receive(self.server.sock, timeout_s)
        except (ServerGone, OSError, ValueError) as exc:
            self.server.broken(f"{exc}")
            self.returncode = -signal.SIGKILL  # the worker dies with the server (PR_SET_PDEATHSIG)
            return self.returncode
        if message is not None and message.get("pid") == self.pid and "returncode" in message:
            self.returncode = int(message["returncode"])
        return self.returncode

    def poll(self) -> int | None:
        return self._settle(0)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else max(0.0, deadline - time.monotonic())
            code = self._settle(remaining)
            if code is not None:
                return code
            if deadline is not None and time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(f"worker {self.pid}", timeout or 0.0)

    def kill_group(self) -> None:
        """SIGKILL the worker's session, even once the worker has exited (what it started may live on in
        it), and the worker itself, should it not have reached ``setsid``; then wait for the reaping."""
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.poll() is not None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.wait(_REAP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.server.broken(f"worker {self.pid} was not reaped within {_REAP_TIMEOUT_S:g} s")
            self.returncode = -signal.SIGKILL


class ForkServer:
    """One worker server for a run; a context manager that stops it (its whole group) on every way out."""

    def __init__(self, isolate_network: bool = True, preload: tuple[str, ...] = ()) -> None:
        self.isolate_network = isolate_network
        self.preload = preload  # modules to import beyond zygote.PRELOAD
        self.proc: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)  # replaced in _start
        self.unusable: str | None = None  # why workers are fresh interpreters instead, once known
        self._log = tempfile.TemporaryFile()

    def __enter__(self) -> "ForkServer":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
        self._log.close()

    def broken(self, reason: str) -> None:
        self.unusable = self.unusable or reason
        self.close()

    def _log_tail(self) -> str:
        self._log.seek(0)
        lines = [line for line in self._log.read().decode("utf-8", "replace").splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""

    def _start(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.sock.close()
        self.sock = ours
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "agnobench.harness.zygote", str(theirs.fileno()),
                 "1" if self.isolate_network else "0", json.dumps(list(self.preload))],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, pass_fds=[theirs.fileno()],
                env=worker_environment(), start_new_session=True, preexec_fn=die_with_parent_preexec(os.getpid()))
        finally:
            theirs.close()
        try:
            ready = _receive(self.sock, READY_TIMEOUT_S)
        except (ServerGone, OSError, ValueError):
            ready = None
        if ready is None:
            tail = self._log_tail()
            self.broken("the worker server did not start" + (f": {tail}" if tail else ""))
        elif ready.get("threads") != 1:
            self.broken(f"the worker server runs {ready.get('threads')} threads after its imports; forking is unsafe")
        elif ready.get("network"):
            self.broken(f"the worker server's imports tried the network ({'; '.join(ready['network'][:2])})")

    def launch(self, work: str, spec_path: str, events_fd: int, log_fd: int) -> ForkedWorker | None:
        """Fork a worker running ``work`` (``module:function``) on the spec; None: use a fresh interpreter."""
        if self.unusable is None and self.proc is None:
            self._start()
        if self.unusable is not None:
            return None
        try:
            socket.send_fds(self.sock, [json.dumps({"work": work, "spec": spec_path}).encode()], [events_fd, log_fd])
            message = _receive(self.sock, READY_TIMEOUT_S)
        except (ServerGone, OSError, ValueError) as exc:
            self.broken(f"{exc}")
            return None
        if message is None or "pid" not in message:
            self.broken("the worker server did not fork")
            return None
        return ForkedWorker(self, int(message["pid"]))

    @property
    def worker_start(self) -> str:
        return FORKED if self.unusable is None else f"{FRESH} ({self.unusable})"

    def close(self) -> None:
        """Stop the server and its group; its workers die with it (PR_SET_PDEATHSIG). Idempotent."""
        self.sock.close()
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self.proc.wait()
            self.proc = None
        if self.unusable is None:
            self.unusable = "the worker server was stopped"
