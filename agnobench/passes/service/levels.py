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
from contextlib import ExitStack
from dataclasses import dataclass, replace
from typing import Callable

from agnobench.passes.service import capacity, procstat
from agnobench.passes.service.generators import run_load
from agnobench.passes.service.locust_run import LocustSetup
from agnobench.passes.service.results import Capacity, Level, ServerRun
from agnobench.passes.service.server import Server, ServerSpec
from agnobench.passes.service.spec import LoadResult, LoadSpec, RequestSpec
from agnobench.passes.service.stats import cpu_share, in_flight, memory_per_in_flight

SAMPLE_INTERVAL_S = 0.05
SMOKE_REQUESTS = 5
IDLE_PROBE_S = 0.2
IDLE_CPU_SHARE = 0.1  # below 10 % of a core over a probe, the server has nothing queued
CONFIRM_ATTEMPTS = 2  # rates tried for a capacity that most of its windows confirm
LATE_SHARE = 0.2  # capacity windows with more sends than this behind schedule: the generator was short of CPU


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
    slo: "SloPlan | None" = None  # the capacity search, when asked
    rate_generator: str = "builtin"  # fixed-rate runs: "builtin" or "locust"
    locust_workers: int = 2
    locust_namespaces: bool = True


@dataclass(frozen=True)
class SloPlan:
    """The capacity search's knobs (measure.params slo_*)."""

    goal_ns: float
    start_rate: float = 0.0  # 0: from the closed-loop levels' peak
    min_rate: float = 1.0
    max_rate: float = 20_000.0
    max_trials: int = 6
    repeats: int = 2  # windows at the capacity rate after the one that found it
    precision: float = 0.1


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


def _measure(server: Server, spec: LoadSpec, generator: str, idle_rss: int, workers: set[int],
             strict: bool = True, locust: LocustSetup | None = None) -> Level:
    """One window. ``strict=False`` (a capacity trial): a window with no right answer is a result (the goal
    was not met), not a failure; a wrong answer fails either way."""
    wait_until_idle(server, spec.timeout_s)
    pids = server.pids()
    before = procstat.sample(pids)
    with RssSampler(pids) as rss:
        load = run_load(spec, generator, locust)
    cpu = procstat.sample(pids).cpu_s - before.cpu_s
    if not server.alive():
        raise server.failure(f"died under load ({spec.connections} connections)")
    where = f"at {spec.rate:g} requests/s" if spec.rate > 0 else f"at {spec.connections} connections"
    check_workers(server, workers, where)
    if load.wrong:
        raise ServiceError(f"{load.wrong} of {load.good + load.wrong} answers wrong {where}; first: {load.first_wrong}")
    if strict and not load.good and not load.errors:
        raise ServiceError(f"no request completed within the {spec.duration_s:g} s window {where} (the server "
                           f"answers slower than that: lengthen measure.params.duration_s)")
    if strict and not load.good:
        raise ServiceError(f"no request answered right {where}: {load.timeouts} timeouts, "
                           f"{load.socket_errors} socket errors")
    littles = in_flight(load.throughput, load.latency.mean)
    flight = float(spec.connections) if spec.rate <= 0 else littles
    return Level(load=load, server_cpu_s=cpu, server_cpu_per_request_ns=cpu * 1e9 / load.good if load.good else 0.0,
                 server_cores=cpu_share(cpu, load.duration_s),
                 generator_cores=cpu_share(load.generator_cpu_s, load.duration_s),
                 generator_cpu_share=load.generator_cpu_s / (load.generator_cpu_s + cpu) if cpu > 0 else 0.0,
                 rss_peak_bytes=rss.peak, in_flight=flight, littles_law_in_flight=littles,
                 memory_per_in_flight_bytes=memory_per_in_flight(rss.peak, idle_rss, flight))


def _locust_setup(stack: ExitStack, plan: Plan, progress: Callable[[str], None]) -> tuple[LocustSetup, str]:
    """Locust's workers, each in a network namespace of its own when it can be made here (else on loopback),
    and a line saying where they ran."""
    from agnobench.passes.service import netns

    why = netns.usable() if plan.locust_namespaces else "locust_namespaces = false"
    if why:
        progress(f"Locust workers on loopback: {why}")
        return LocustSetup(plan.locust_workers), f"{plan.locust_workers} workers on loopback ({why})"
    network = stack.enter_context(netns.PrivateNetwork(plan.locust_workers))
    where = (f"master and server on {network.server_address} (bridge {network.bridge}); "
             + ", ".join(f"worker {i} in namespace {name} at {address}"
                         for i, (name, address) in enumerate(zip(network.namespaces, network.addresses))))
    progress(f"private network: {where}")
    return LocustSetup(plan.locust_workers, network), where


def run_server(spec: ServerSpec, plan: Plan, progress: Callable[[str], None]) -> ServerRun:
    """Start the server (and the Locust workers' private network), measure every level, stop both (on every
    way out)."""
    started = time.monotonic()
    with ExitStack() as stack:
        locust, where = (None, "") if plan.rate_generator != "locust" else _locust_setup(stack, plan, progress)
        if locust is not None and locust.network is not None:
            spec = replace(spec, also_bind=(locust.network.server_address,))
        server = stack.enter_context(Server(spec))
        pid = server.proc.pid if server.proc else 0
        run = ServerRun(workers=spec.workers, generator=plan.generator, pid=pid, port=server.port,
                        start_s=round(time.monotonic() - started, 3), load_network=where)
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
            run.rates.append(_measure(server, spec_r, plan.rate_generator, run.rss_idle_bytes, workers,
                                      locust=locust))
        if plan.slo is not None:
            run.capacity = find_capacity(server, base, plan, plan.slo, run, progress, workers, locust)
        windows = run.capacity.trials + run.capacity.windows if run.capacity else []
        run.rss_peak_bytes = max([run.rss_idle_bytes] + [lv.rss_peak_bytes for lv in run.levels + run.rates + windows])
    return run


def _met(level: Level, goal_ns: float) -> bool:
    load = level.load
    return capacity.Trial(load.rate, load.latency.p99, load.errors, load.good, goal_ns).met


def find_capacity(server: Server, base: LoadSpec, plan: Plan, slo: SloPlan, run: ServerRun,
                  progress: Callable[[str], None], started: set[int],
                  locust: LocustSetup | None = None) -> Capacity:
    """The search (agnobench.passes.service.capacity) over fixed-rate windows on this server, then the repeats."""
    result = Capacity(goal_p99_ns=slo.goal_ns, generator=plan.rate_generator)
    label = f"{run.workers}w"

    def window(rate: float, what: str) -> Level:
        progress(f"{label}: {what} {rate:.4g} requests/s for {plan.duration_s:g} s (p99 goal "
                 f"{slo.goal_ns / 1e6:g} ms, {plan.rate_generator})")
        spec = replace(base, rate=rate, connections=0, max_connections=plan.rate_max_connections,
                       token_prefix="cap")
        return _measure(server, spec, plan.rate_generator, run.rss_idle_bytes, started, strict=False,
                        locust=locust)

    def trial(rate: float) -> capacity.Trial:
        level = window(rate, "capacity trial at")
        result.trials.append(level)
        outcome = capacity.Trial(rate=rate, p99_ns=level.load.latency.p99, errors=level.load.errors,
                                 good=level.load.good, goal_ns=slo.goal_ns)
        result.met.append(outcome.met)
        return outcome

    peak = max((lv.load.throughput for lv in run.levels), default=0.0)
    start = slo.start_rate or (peak * 0.7 if peak > 0 else 100.0)
    found = capacity.search(trial, start, slo.min_rate, slo.max_rate, slo.precision, slo.max_trials)
    result.rate, result.bracketed = found.capacity, found.bracketed
    # the capacity must hold in most of its windows: where the repeats say otherwise, the next lower rate that
    # met the goal is tried the same way (the machine may have been disturbed while the search ran)
    candidates = sorted({t.rate for t in found.trials if t.met}, reverse=True)
    notes: list[str] = []
    for rate in candidates[:CONFIRM_ATTEMPTS]:
        index = max(i for i, t in enumerate(found.trials) if t.rate == rate and t.met)
        windows = [result.trials[index]] + [window(rate, "repeat at") for _ in range(slo.repeats)]
        met = [_met(lv, slo.goal_ns) for lv in windows]
        result.rate, result.windows = rate, windows
        result.bracketed = found.bracketed and rate == found.capacity
        result.confirmed = 2 * sum(met) > len(met)
        if result.confirmed:
            break
        notes.append(f"at {rate:.4g} req/s only {sum(met)} of {len(met)} windows met the goal")
    if result.windows:
        late = sum(lv.load.late_sends for lv in result.windows)
        sent = sum(lv.load.good + lv.load.errors for lv in result.windows)
        missed = sum(1 for lv in result.windows[1:] if not _met(lv, slo.goal_ns))
        result.warning = "; ".join(filter(None, [
            *notes,
            "not confirmed: most windows at every rate tried missed the goal" if not result.confirmed else "",
            f"{missed} of {slo.repeats} repeated window(s) at {result.rate:.4g} req/s missed the goal"
            if missed and result.confirmed else "",
            capacity.disagreement([lv.load.latency.p99 for lv in result.windows]),
            f"the generator sent {100 * late / sent:.0f} % of its requests > 1 ms behind schedule (it did not get a "
            f"core in time: the machine is shared with the server and whatever else runs), so the p99 is partly "
            f"the generator's (latency still counts from the schedule)"
            if sent and late > LATE_SHARE * sent else ""]))
    return result
