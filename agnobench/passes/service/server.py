"""The server's lifecycle: started in its own process group, probed until ready, always stopped.

:class:`Server` is a context manager. ``start`` launches
:mod:`agnobench.passes.service.serve` (own session and process group, telemetry
off, output to a log file), waits for the port it bound on 127.0.0.1, then
sends HTTP requests to ``ready_path`` until one is answered (any status: the
smoke requests check the answers). ``stop`` signals the whole group (SIGTERM,
then SIGKILL after a grace period) and reaps it, and runs on every way out of
the ``with`` block: success, failure, timeout, Ctrl-C. If the worker itself is
killed, the kernel kills the server (``PR_SET_PDEATHSIG``, set in the server
and in each uvicorn worker against its own parent). The server runs in a
cgroup of its own inside the worker's (:mod:`agnobench.harness.containment`),
so a process the app starts in a session of its own is killed with it, and
with the worker's if the worker is killed first. A server that does not
come up fails with the tail of its output.
"""

from __future__ import annotations

import http.client
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import IO, Mapping

from agnobench import tempdirs
from agnobench.harness import containment
from agnobench.passes.service import procstat
from agnobench.measure import netguard
from agnobench.passes.service.asgi import APP_ENV, NAMESPACE_ENV, NETWORK_REPORT_ENV, PATHS_ENV
from agnobench.passes.service.lifeline import die_with_parent_preexec
from agnobench.passes.service.serve import HOST

LOG_TAIL = 2000


class ServerFailed(RuntimeError):
    """The server did not start, or died: one line (what, and the last line it printed); ``output`` keeps
    the tail of its output for the details, where a 30-line traceback belongs rather than in the error."""

    def __init__(self, message: str, output: str = "") -> None:
        super().__init__(message)
        self.output = output


@dataclass(frozen=True)
class ServerSpec:
    app: str  # "module:attr": a factory returning the ASGI app, or the app
    workers: int = 1
    paths: tuple[str, ...] = ()  # import path for the app (the scenario's directory, the cwd)
    env: Mapping[str, str] = field(default_factory=dict)
    ready_path: str = "/"
    start_timeout_s: float = 60.0
    stop_grace_s: float = 5.0
    also_bind: tuple[str, ...] = ()  # addresses of the run's own private network, besides loopback


class Server:
    def __init__(self, spec: ServerSpec) -> None:
        self.spec = spec
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self._log: IO[bytes] | None = None
        self._network_report: str | None = None  # the server names refused network calls here (netguard)
        self._cgroup: containment.Cgroup | None = None

    @property
    def host(self) -> str:
        return HOST

    def __enter__(self) -> "Server":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def _environment(self) -> dict[str, str]:
        env = {**os.environ, **self.spec.env, "AGNO_TELEMETRY": "false", "PYTHONUNBUFFERED": "1",
               APP_ENV: self.spec.app, PATHS_ENV: os.pathsep.join(self.spec.paths)}
        env["PYTHONPATH"] = os.pathsep.join([*self.spec.paths, *filter(None, [os.environ.get("PYTHONPATH")])])
        env[NAMESPACE_ENV] = "1" if netguard.in_namespace() else "0"
        if self._network_report is not None:
            env[NETWORK_REPORT_ENV] = self._network_report
        return env

    def start(self) -> None:
        read_fd, write_fd = os.pipe()
        self._log = tempfile.TemporaryFile()
        handle, self._network_report = tempfile.mkstemp(prefix=tempdirs.prefix("netreport"))
        os.close(handle)
        self._cgroup = containment.make()  # under the worker's: what the app starts, in any session, goes too
        argv = [sys.executable, "-m", "agnobench.passes.service.serve", "--workers", str(self.spec.workers),
                "--ready-fd", str(write_fd), "--parent", str(os.getpid()),
                *[arg for address in self.spec.also_bind for arg in ("--also-bind", address)]]
        try:
            self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                                         pass_fds=[write_fd], env=self._environment(), start_new_session=True,
                                         preexec_fn=die_with_parent_preexec(self._cgroup.join))
        finally:
            os.close(write_fd)
        deadline = time.monotonic() + self.spec.start_timeout_s
        with os.fdopen(read_fd, "rb") as ready:
            self.port = self._wait_for_port(ready, deadline)
        self._wait_until_answering(deadline)

    def _wait_for_port(self, ready: IO[bytes], deadline: float) -> int:
        buffer = b""
        while time.monotonic() < deadline:
            readable, _, _ = select.select([ready], [], [], 0.2)
            if readable:
                chunk = os.read(ready.fileno(), 64)
                if not chunk:
                    break  # the server closed the pipe: it wrote its port, or it died
                buffer += chunk
                if buffer.endswith(b"\n"):
                    return int(buffer)
            elif self.proc is not None and self.proc.poll() is not None:
                break
        raise self.failure("did not bind a port")

    def _wait_until_answering(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                break
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", self.spec.ready_path)
                conn.getresponse().read()
                conn.close()
                return
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
        raise self.failure("did not answer HTTP")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def failure(self, what: str) -> ServerFailed:
        code = self.proc.poll() if self.proc is not None else None
        state = f"exited with status {code}" if code is not None else f"still running after " \
                                                                         f"{self.spec.start_timeout_s:g} s"
        tail = self.log_tail()
        lines = [line.strip() for line in tail.splitlines() if line.strip()]
        last = f": {lines[-1]}" if lines else "; it printed nothing"
        return ServerFailed(f"server for {self.spec.app} {what} ({state}){last}", tail)

    def log_tail(self) -> str:
        if self._log is None or self._log.closed:
            return ""
        self._log.flush()
        self._log.seek(0)
        return self._log.read().decode("utf-8", errors="replace").strip()[-LOG_TAIL:]

    def workers(self) -> list[int]:
        """The uvicorn worker processes of a multi-worker server (the supervisor's children), else []."""
        return procstat.children(self.proc.pid) if self.spec.workers > 1 and self.alive() and self.proc else []

    def pids(self) -> list[int]:
        return procstat.descendants(self.proc.pid) if self.alive() and self.proc is not None else []

    def stop(self) -> None:
        """Signal the whole group, wait, kill what is left, reap. Safe to call twice."""
        proc = self.proc
        if proc is not None and proc.returncode is None:
            _signal_group(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=self.spec.stop_grace_s)
            except subprocess.TimeoutExpired:
                pass
            _signal_group(proc.pid, signal.SIGKILL)  # uvicorn workers left behind, or a server that ignored TERM
            proc.wait()
        elif proc is not None:
            _signal_group(proc.pid, signal.SIGKILL)  # the leader exited; its group may not have
        if self._cgroup is not None:
            self._cgroup.remove()  # what left the group (a new session, a double fork) goes too
        if self._network_report is not None:  # what the server refused becomes the worker's own attempt
            netguard.absorb(self._network_report)
            try:
                os.unlink(self._network_report)
            except OSError:
                pass
            self._network_report = None


def _signal_group(pgid: int, signum: int) -> None:
    try:
        os.killpg(pgid, signum)
    except (ProcessLookupError, PermissionError):
        pass
