"""One server through its load levels: smoke check, idle memory, then each level after a warm-up.

For each closed-loop level (C connections) and each open-loop rate, the
generator runs for the level's duration while a thread samples the server
tree's RSS every 50 ms; server CPU is read from ``/proc`` just before and
after. Derived per level: requests/s (good answers only ÷ the window),
server CPU per request, peak RSS, requests in flight and memory per request
in flight ((peak RSS − idle RSS) ÷ in flight). In a closed loop every
connection always has one request out, so in flight = connections; in an
open loop it is Little's law (requests/s × mean latency), which is also kept
for closed loops as a cross-check. A wrong answer anywhere fails the scenario,
with the first one shown; timeouts and socket errors are counted and
reported, and a level where nothing was answered right fails it too.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable

from agnobench.service import procstat
from agnobench.service.generators import run_load
from agnobench.service.results import Level, ServerRun
from agnobench.service.server import Server, ServerSpec
from agnobench.service.spec import LoadResult, LoadSpec, RequestSpec
from agnobench.service.stats import cpu_share, in_flight, memory_per_in_flight

SAMPLE_INTERVAL_S = 0.05
SMOKE_REQUESTS = 5
IDLE_PROBE_S = 0.2
IDLE_CPU_SHARE = 0.1  # below 10 % of a core over a probe, the server has nothing queued


class ServiceError(RuntimeError):
    """The service answered wrong, or not at all: the scenario fails with this message."""


@dataclass(frozen=True)
class Plan:
    request: RequestSpec
    generator: str
    connections: tuple[int, ...]
    rates: tuple[float, ...] = ()
    duration_s: float = 3.0
    warmup_s: float = 1.0
    timeout_s: float = 10.0
    rate_max_connections: int = 2000


class RssSampler:
    """Peak RSS of the server tree while a level runs (a daemon thread; the worker only waits meanwhile)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids, self.peak = pids, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, procstat.sample(self.pids).rss_bytes)
            if self._stop.wait(SAMPLE_INTERVAL_S):
                return

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, procstat.sample(self.pids).rss_bytes)


def smoke(server: Server, request: RequestSpec) -> None:
    """A few sequential requests before any load: a route that answers wrong fails here, plainly."""
    for index in range(SMOKE_REQUESTS):
        token = f"smoke{index}"
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        try:
            headers = {"Content-Type": request.content_type} if request.content_type else {}
            conn.request(request.method, request.fill(request.path, token),
                         body=request.fill(request.body, token).encode() or None, headers=headers)
            response = conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            raise ServiceError(f"{request.method} {request.path} failed before any load: {exc}") from None
        finally:
            conn.close()
        if not request.answer_ok(response.status, body, token):
            raise ServiceError(f"{request.method} {request.path} answered wrong before any load: expected status "
                               f"{request.expect_status} and {request.fill(request.expect_body, token)!r} in the "
                               f"body, got status {response.status}: {body[:200].decode(errors='replace')}")


def wait_until_idle(server: Server, limit_s: float) -> None:
    """Let the server finish what an earlier run left queued (a generator stops at its deadline; the requests
    its connections still had out are served anyway), so that backlog is not counted in the next level."""
    pids, deadline = server.pids(), time.monotonic() + limit_s
    before = procstat.sample(pids).cpu_s
    while time.monotonic() < deadline:
        time.sleep(IDLE_PROBE_S)
        now = procstat.sample(pids).cpu_s
        if now - before < IDLE_CPU_SHARE * IDLE_PROBE_S:
            return
        before = now


def check_workers(server: Server, started: set[int], where: str) -> None:
    """A uvicorn supervisor restarts a worker that died, silently: the level would be measured on a server
    that lost its requests in flight and paid a new worker's start. Name it and fail instead."""
    gone = sorted(started - set(server.workers()))
    if gone:
        raise ServiceError(f"uvicorn worker(s) {', '.join(map(str, gone))} died {where} and uvicorn started "
                           f"another: the level is not of a steady server")


def _measure(server: Server, spec: LoadSpec, generator: str, idle_rss: int, workers: set[int]) -> Level:
    wait_until_idle(server, spec.timeout_s)
    pids = server.pids()
    before = procstat.sample(pids)
    with RssSampler(pids) as rss:
        load = run_load(spec, generator)
    cpu = procstat.sample(pids).cpu_s - before.cpu_s
    if not server.alive():
        raise server.failure(f"died under load ({spec.connections} connections)")
    where = f"at {spec.rate:g} requests/s" if spec.rate > 0 else f"at {spec.connections} connections"
    check_workers(server, workers, where)
    if load.wrong:
        raise ServiceError(f"{load.wrong} of {load.good + load.wrong} answers wrong {where}; first: {load.first_wrong}")
    if not load.good and not load.errors:
        raise ServiceError(f"no request completed within the {spec.duration_s:g} s window {where} (the server "
                           f"answers slower than that: lengthen measure.params.duration_s)")
    if not load.good:
        raise ServiceError(f"no request answered right {where}: {load.timeouts} timeouts, "
                           f"{load.socket_errors} socket errors")
    littles = in_flight(load.throughput, load.latency.mean)
    flight = float(spec.connections) if spec.rate <= 0 else littles
    return Level(load=load, server_cpu_s=cpu, server_cpu_per_request_ns=cpu * 1e9 / load.good,
                 server_cores=cpu_share(cpu, load.duration_s),
                 generator_cores=cpu_share(load.generator_cpu_s, load.duration_s),
                 generator_cpu_share=load.generator_cpu_s / (load.generator_cpu_s + cpu) if cpu > 0 else 0.0,
                 rss_peak_bytes=rss.peak, in_flight=flight, littles_law_in_flight=littles,
                 memory_per_in_flight_bytes=memory_per_in_flight(rss.peak, idle_rss, flight))


def run_server(spec: ServerSpec, plan: Plan, progress: Callable[[str], None]) -> ServerRun:
    """Start the server, measure every level, stop it (on every way out)."""
    started = time.monotonic()
    with Server(spec) as server:
        pid = server.proc.pid if server.proc else 0
        run = ServerRun(workers=spec.workers, generator=plan.generator, pid=pid, port=server.port,
                        start_s=round(time.monotonic() - started, 3))
        progress(f"server pid {pid} on {server.host}:{server.port} ({spec.workers} worker{'s' if spec.workers > 1 else ''})")
        smoke(server, plan.request)
        time.sleep(0.2)
        idle = procstat.sample(server.pids())
        run.rss_idle_bytes, run.processes = idle.rss_bytes, idle.processes
        workers = set(server.workers())
        base = LoadSpec(host=server.host, port=server.port, request=plan.request, connections=1,
                        duration_s=plan.duration_s, timeout_s=plan.timeout_s)
        for connections in plan.connections:
            spec_c = replace(base, connections=connections)
            if plan.warmup_s > 0:
                progress(f"{spec.workers}w: warm-up at {connections} connections")
                warm = run_load(replace(spec_c, duration_s=plan.warmup_s, token_prefix="warm"), plan.generator)
                if warm.wrong:
                    raise ServiceError(f"{warm.wrong} answers wrong in the warm-up at {connections} connections; "
                                       f"first: {warm.first_wrong}")
            progress(f"{spec.workers}w: {connections} connections for {plan.duration_s:g} s ({plan.generator})")
            run.levels.append(_measure(server, spec_c, plan.generator, run.rss_idle_bytes, workers))
        for rate in plan.rates:
            progress(f"{spec.workers}w: open loop at {rate:g} requests/s for {plan.duration_s:g} s")
            spec_r = replace(base, rate=rate, connections=0, max_connections=plan.rate_max_connections)
            run.rates.append(_measure(server, spec_r, "builtin", run.rss_idle_bytes, workers))
        run.rss_peak_bytes = max([run.rss_idle_bytes] + [lv.rss_peak_bytes for lv in run.levels + run.rates])
    return run
