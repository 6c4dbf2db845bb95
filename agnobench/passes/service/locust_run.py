"""Locust as the fixed-rate load engine: a headless master and N workers, on loopback or in namespaces.

``run`` starts ``locust --master`` and ``locust --worker`` processes with
:mod:`agnobench.passes.service.locustfile`, each in its own session (one kill takes
its tree), the workers either beside the master on loopback or each inside a
network namespace of a :class:`~agnobench.passes.service.netns.PrivateNetwork`
(``ip netns exec``), talking to the master and the server over the run's own
bridge. The master writes the merged :class:`LoadResult`; a worker or master
that exits early fails the run with its output, and every process is killed
and reaped on every way out (the janitor of the private network kills what
is left in its namespaces if this process is killed outright).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from agnobench.passes.service.lifeline import die_with_parent_preexec
from agnobench.passes.service.spec import LoadResult, LoadSpec

INSTALL = "pip install 'agnobench[locust]'"
SPEC_ENV = "AGNOBENCH_LOCUST"  # what the locustfile reads: the LoadSpec, the user and worker counts
OUT_ENV = "AGNOBENCH_LOCUST_OUT"  # where the master writes the merged LoadResult
# Never import locust (or the locustfile) here: it patches the interpreter for gevent, and this process has
# threads (the RSS sampler) that a patched import lock would deadlock.
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
# users = rate × 0.1 (at least one per worker, at most 1,000): each sends 10 requests/s on its own schedule, so a
# user held up by one slow answer delays few requests (their latency still counts from the schedule)
USERS_PER_RATE = 0.1
MAX_USERS = 1000
START_GRACE_S = 30.0  # gevent and locust import in every process before anything is sent


if TYPE_CHECKING:
    from agnobench.passes.service.netns import PrivateNetwork


class LocustMissing(RuntimeError):
    """``generator = "locust"`` was asked for and Locust is not installed."""


@dataclass(frozen=True)
class LocustSetup:
    """Where Locust's workers run: ``workers`` processes, in ``network``'s namespaces or (None) on loopback."""

    workers: int = 2
    network: "PrivateNetwork | None" = None


class LocustFailed(RuntimeError):
    """The master or a worker failed or did not report: the message carries their output."""


def require() -> None:
    if importlib.util.find_spec("locust") is None:
        raise LocustMissing(f"measure.params.generator = \"locust\" but Locust is not installed ({INSTALL})")


def users_for(rate: float, workers: int) -> int:
    return max(workers, min(MAX_USERS, math.ceil(rate * USERS_PER_RATE)))


def _free_port(host: str) -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _target_allowed(spec: LoadSpec, setup: LocustSetup) -> None:
    allowed = spec.host.startswith("127.") or (setup.network is not None and spec.host == setup.network.server_address)
    if not allowed:
        raise ValueError(f"Locust only targets loopback or the run's own bridge address, not {spec.host!r}")


class _Process:
    def __init__(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.log: IO[bytes] = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True, preexec_fn=die_with_parent_preexec())
        self.cpu_s = 0.0

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read().decode(errors="replace").strip()[-1500:]

    def stop(self) -> None:
        if self.proc.returncode is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.log.close()


def run(spec: LoadSpec, setup: LocustSetup) -> LoadResult:
    """One fixed-rate window with Locust; ``spec.host`` is loopback or ``setup.network.server_address``."""
    _target_allowed(spec, setup)
    net = setup.network
    master_host = net.server_address if net is not None else "127.0.0.1"
    users = users_for(spec.rate, setup.workers)
    with tempfile.TemporaryDirectory(prefix="agnobench-locust-") as tmp:
        out = Path(tmp) / "result.json"
        env = {**os.environ, "AGNO_TELEMETRY": "false", "PYTHONUNBUFFERED": "1", OUT_ENV: str(out),
               SPEC_ENV: json.dumps({"spec": spec.to_dict(), "users": users, "workers": setup.workers}),
               "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[2]),
                                                           os.environ.get("PYTHONPATH")]))}
        port = _free_port(master_host)
        limit = spec.duration_s + spec.timeout_s + START_GRACE_S
        base = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--skip-log-setup",
                "--loglevel", "WARNING"]
        master_argv = base + ["--master", "--master-bind-host", master_host, "--master-bind-port", str(port),
                              "--expect-workers", str(setup.workers), "--expect-workers-max-wait", str(int(START_GRACE_S)),
                              "-u", str(users), "-r", str(users * 100), "-t", f"{math.ceil(limit)}s",
                              "--host", f"http://{spec.host}:{spec.port}", "--exit-code-on-error", "0",
                              "--only-summary"]
        processes: list[_Process] = []
        try:
            processes.append(_Process("master", master_argv, env))
            for index in range(setup.workers):
                prefix = net.exec_prefix(index) if net is not None else []
                processes.append(_Process(f"worker {index}", prefix + base + [
                    "--worker", "--master-host", master_host, "--master-port", str(port)], env))
            _wait(processes, limit + 5)
            if not out.exists():
                raise LocustFailed("the Locust master wrote no result (a worker did not report); " +
                                   _outputs(processes))
            data = json.loads(out.read_text())
        finally:
            for process in processes:
                process.stop()
    if data.pop("workers", 0) != setup.workers:
        raise LocustFailed(f"{setup.workers} Locust workers expected, {data.get('workers')} reported")
    return LoadResult.from_dict(data)


def _outputs(processes: list[_Process]) -> str:
    return "; ".join(f"{p.name} (status {p.proc.poll()}): {p.output() or '(no output)'}" for p in processes)


def _wait(processes: list[_Process], limit_s: float) -> None:
    """Until the master exits; a worker that exits first, or a master past the limit, fails the run."""
    master, workers = processes[0], processes[1:]
    deadline = time.monotonic() + limit_s
    while master.proc.poll() is None:
        dead = [w for w in workers if w.proc.poll() is not None and w.proc.returncode != 0]
        if dead:
            raise LocustFailed(f"a Locust worker died: {_outputs(dead)}")
        if time.monotonic() > deadline:
            raise LocustFailed(f"Locust did not finish within {limit_s:g} s; {_outputs(processes)}")
        time.sleep(0.05)
