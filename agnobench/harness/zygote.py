"""The worker server: one process per run imports agno once, and every scenario worker is forked from it.

``python -m agnobench.harness.zygote`` is started by
:class:`agnobench.harness.forkserver.ForkServer`. A fresh worker interpreter
spends ~0.7 s importing agno and agnobench's measuring code before it
measures anything: 15 s of an 85 s default run went on that. A fork starts
with those imports done, in about a millisecond.

What each forked worker still has of its own, as a fresh interpreter had:

- its own session (``setsid``), so the parent's one ``killpg`` takes its whole tree;
- ``PR_SET_PDEATHSIG`` against the server, which has it against agnobench:
  SIGKILL of agnobench takes the server, the server's death takes the
  worker, the worker's watchdog takes the worker's group;
- its own watchdog, memory limit, event channel, stdout and stderr (the
  parent's log file), working directory and network-guard count
  (:func:`agnobench.measure.netguard.start_afresh`); the network namespace is
  the server's, made once with loopback only, and workers run one at a time;
- nothing of another scenario: each is forked from the server as it stood
  after its imports, and no scenario code ever runs in the server itself.

Protocol (a ``SOCK_SEQPACKET`` socket, one JSON message per packet):

- argv: the socket's descriptor, ``1``/``0`` (own network namespace or not), a JSON list of modules to
  import beyond ``PRELOAD``;
- server → parent, once: ``{"ready": true, "threads": N, "preload_s": S, "not_preloaded": [...],
  "network": [...]}`` (it serves only with one thread and no network attempt);
- parent → server: ``{"work": "module:function", "spec": PATH}`` with the
  event pipe's and the log file's descriptors attached;
- server → parent: ``{"pid": P}`` once forked, ``{"pid": P, "returncode": R}`` once reaped.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, NoReturn

from agnobench.harness import containment
from agnobench.harness.isolation import NetworkLayers, die_with_parent_or_exit, isolate, start_watchdog

# What a scenario worker imports before it measures; each may fail (an extra not installed), the rest load.
# Then the engine of every pass that asks for it (PassPlugin.preload: the light ones most scenarios run).
PRELOAD = (
    "agnobench.measure.worker", "agnobench.measure.operation", "agnobench.measure.pipeline", "agnobench.scenario",
    "memray.reporters.module_tools", "agno.agent", "agno.team", "agno.workflow",
    "agnobench.adapters.agno.creation", "agnobench.adapters.agno.execution", "agnobench.adapters.agno.realworld",
)


def pass_engines() -> tuple[str, ...]:
    """The engine modules of the passes that declare ``preload`` (found through the registry)."""
    from agnobench.core.registry import package_of, plugins

    return tuple(f"{package_of(p.name)}.engine" for p in plugins() if p.preload)
MESSAGE_BYTES = 65536


def _send(sock: socket.socket, **fields: Any) -> None:
    sock.send(json.dumps(fields).encode())


def preload(modules: tuple[str, ...]) -> tuple[float, list[str]]:
    """Import the modules; the seconds it took and what could not be imported (and why)."""
    started = time.perf_counter()
    failed = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a missing extra: that worker imports (and fails) as it would have
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    return time.perf_counter() - started, failed


def become_worker(request: dict[str, Any], events_fd: int, log_fd: int, server_pid: int,
                  layers: NetworkLayers) -> NoReturn:
    """In the forked child: take the parts of a fresh worker that are per worker, then run the work."""
    from agnobench.harness.child import serve
    from agnobench.importing import import_reference
    from agnobench.measure import netguard

    os.setsid()
    die_with_parent_or_exit(server_pid)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(log_fd, 1)
    os.dup2(log_fd, 2)
    os.close(devnull)
    os.close(log_fd)
    spec = json.loads(Path(request["spec"]).read_text())
    containment.join(spec.get("cgroup"))  # before anything starts: every process of the worker is inside
    spec["events_fd"] = events_fd
    os.chdir(spec.get("cwd") or os.getcwd())
    sys.argv = [request["work"], request["spec"]]
    if spec.get("watchdog", True):
        start_watchdog()
    netguard.start_afresh()
    serve(import_reference(request["work"]), spec, layers)


def _serve_requests(sock: socket.socket, layers: NetworkLayers) -> None:
    server_pid = os.getpid()
    while True:
        message, fds, _flags, _addr = socket.recv_fds(sock, MESSAGE_BYTES, 2)
        if not message:
            return  # the parent closed its end: the run is over
        request = json.loads(message)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            sock.close()
            try:
                become_worker(request, fds[0], fds[1], server_pid, layers)
            finally:
                os._exit(70)  # only if the worker's own harness failed before it could report
        for fd in fds:
            os.close(fd)
        _send(sock, pid=pid)
        _, status = os.waitpid(pid, 0)
        _send(sock, pid=pid, returncode=os.waitstatus_to_exitcode(status))


def main() -> None:
    from agnobench.harness.child import guard_process
    from agnobench.measure import netguard

    sock = socket.socket(fileno=int(sys.argv[1]))
    isolate_network = sys.argv[2] == "1"
    extra = tuple(json.loads(sys.argv[3])) if len(sys.argv) > 3 else ()
    layers = isolate(isolate_network, watchdog=False)  # workers are in their own sessions, with their own
    guard_process(layers)
    seconds, failed = preload(PRELOAD + pass_engines() + extra)
    # An import that tried the network (and swallowed the refusal) would be inherited unseen by every worker,
    # which counts afresh: the parent then starts fresh workers, which import, and are caught, themselves.
    network = netguard.violations()
    # A thread here would be copied into no worker, and a lock it held would stay held in all of them.
    _send(sock, ready=True, threads=threading.active_count(), preload_s=round(seconds, 3), not_preloaded=failed,
          network=network)
    if threading.active_count() == 1 and not network:
        _serve_requests(sock, layers)


if __name__ == "__main__":
    main()
