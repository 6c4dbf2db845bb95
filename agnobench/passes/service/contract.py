"""The service pass's typed contract: its params, its ``--quick`` rule and its metrics.

A leaf of the pass, light at import: the parent validates the params with it;
the engine (server, generators, ``/proc`` sampling) imports it too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from agnobench.core.plugin import ParamError
from agnobench.core.metrics import CORE, EXTRA, MetricInfo

NAME = "service"
GENERATORS = ("auto", "wrk", "builtin", "locust")
GENERATOR_ENV = "AGNOBENCH_SERVICE_GENERATOR"  # run --generator, for every worker (override.py)
LOCUST_EXTRA = "locust"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class ServiceParams:
    connections: tuple[int, ...] = (1, 10, 100)  # closed-loop levels, each after a warm-up
    rates: tuple[float, ...] = ()  # open-loop levels, requests/s (built-in generator)
    uvicorn_workers: tuple[int, ...] = (1,)  # one server configuration per entry
    scale_to_cores: bool = False  # instead: 1, 2, ... up to the cores of the machine it runs on
    duration_s: float = 3.0  # measured window per level
    warmup_s: float = 1.0  # a run at the same level before it, not counted
    request_timeout_s: float = 10.0
    llm_wait_ms: float = 0.0  # the built-in apps' mock model waits this long (asyncio.sleep)
    generator: str = "auto"  # auto: wrk when on PATH, else the built-in one
    app: str = ""  # "module:attr" to serve instead of the scenario's operation
    method: str = "POST"
    path: str = "/run"
    body: str = '{"message": "{token}"}'  # "{token}": the request's own token
    content_type: str = "application/json"
    expect_status: int = 200
    expect_body: str = "{token}"  # must appear in every answer, token filled in
    ready_path: str = "/"  # probed until it answers (any status) before any load
    start_timeout_s: float = 60.0
    capacity: bool = True  # search the highest fixed rate held at p99 <= slo_p99_ms (docs/service.md)
    slo_p99_ms: float = 100.0  # the latency goal
    slo_start_rate: float = 0.0  # the search's first rate; 0: 0.7 x the closed-loop peak (100/s without levels)
    slo_min_rate: float = 1.0
    slo_max_rate: float = 20_000.0
    slo_max_trials: int = 6
    slo_repeats: int = 2  # windows repeated at the capacity rate, for its ± and to see whether they agree
    locust_workers: int = 2  # generator = "locust": worker processes, each in its own network namespace
    locust_namespaces: bool = True  # false: the Locust workers run on loopback beside the master

    def check(self) -> None:
        if not self.slo_p99_ms > 0:  # also refuses NaN
            raise ParamError("slo_p99_ms", f"must be a positive number of milliseconds, got {self.slo_p99_ms!r}")
        for key in ("slo_min_rate", "slo_max_rate", "slo_max_trials", "locust_workers"):
            if not getattr(self, key) > 0:
                raise ParamError(key, "must be positive")
        if self.slo_start_rate < 0 or self.slo_repeats < 0:
            raise ParamError("slo_start_rate" if self.slo_start_rate < 0 else "slo_repeats", "must not be negative")
        if self.slo_min_rate > self.slo_max_rate:
            raise ParamError("slo_min_rate", f"must not exceed slo_max_rate ({self.slo_max_rate:g})")
        for key in ("connections", "uvicorn_workers"):
            values = getattr(self, key)
            if (not values and key != "connections") or any(v < 1 for v in values):
                raise ParamError(key, "must be a non-empty list of positive integers")
        if not self.connections and not self.rates:
            raise ParamError("connections", "give at least one level (or rates)")
        if any(r <= 0 for r in self.rates):
            raise ParamError("rates", "must be positive requests/s")
        for key in ("duration_s", "request_timeout_s", "start_timeout_s"):
            if getattr(self, key) <= 0:
                raise ParamError(key, "must be positive")
        if self.warmup_s < 0 or self.llm_wait_ms < 0:
            raise ParamError("warmup_s" if self.warmup_s < 0 else "llm_wait_ms", "must not be negative")
        if self.generator not in GENERATORS:
            raise ParamError("generator", f"must be one of {', '.join(GENERATORS)}, got {self.generator!r}")
        if self.method not in METHODS:
            raise ParamError("method", f"must be one of {', '.join(METHODS)}, got {self.method!r}")
        if not self.path.startswith("/") or not self.ready_path.startswith("/"):
            raise ParamError("path" if not self.path.startswith("/") else "ready_path", "must start with '/'")
        if self.app and ":" not in self.app:
            raise ParamError("app", f"must be 'module:attr', got {self.app!r}")


QUICK_MAX_CONNECTIONS = 10
QUICK_TRIALS = 1
QUICK_WINDOW_S = 0.5  # the built-in generator's windows (wrk's are whole seconds)


def quick(params: ServiceParams) -> ServiceParams:
    """--quick, a smoke run: the highest level of at most 10 connections (10 when every level is larger: 100
    connections can take longer than the window to answer), no separate fixed rate, one capacity trial (a
    floor, marked ≥), one worker count, 0.5 s windows, no warm-up."""
    small = [c for c in params.connections if c <= QUICK_MAX_CONNECTIONS]
    if params.connections and not small:
        small = [QUICK_MAX_CONNECTIONS]
    return replace(params, connections=tuple(small[-1:]), rates=params.rates[:1] if not params.capacity else (),
                   uvicorn_workers=params.uvicorn_workers[:1], scale_to_cores=False,
                   duration_s=min(params.duration_s, QUICK_WINDOW_S), warmup_s=0.0,
                   slo_max_trials=min(params.slo_max_trials, QUICK_TRIALS), slo_repeats=0)



_NOTE = ("service: req/s at p99 ≤ goal = the highest fixed arrival rate (open loop, latency from each request's "
         "scheduled send) held with p99 ≤ slo_p99_ms and no error, ± over the windows repeated at that rate; p50, "
         "p99, CPU/req and mem/in flight come from those same windows (where the goal was never met: from the "
         "closed-loop level with the most req/s), never from several loads. closed req/s: the closed-loop levels' "
         "peak, beside it. Every level and trial is in the tables below.")
METRICS = (
    MetricInfo("service_capacity_rps", "1/s", "req/s at p99 ≤ goal", lower_is_better=False, column=CORE,
               note=_NOTE),
    MetricInfo("service_rps", "1/s", "closed-loop peak req/s", lower_is_better=False, column=CORE,
               header="closed req/s"),
    MetricInfo("service_p50_ns", "ns", "p50 (headline windows)", column=CORE, header="p50"),
    MetricInfo("service_p99_ns", "ns", "p99 (headline windows)", column=CORE, header="p99"),
    MetricInfo("service_cpu_per_request_ns", "ns", "server CPU/req", column=CORE),
    MetricInfo("service_memory_per_in_flight_bytes", "B", "mem/in flight", column=CORE),
    MetricInfo("service_rss_idle_bytes", "B", "idle RSS", column=EXTRA),
    MetricInfo("service_generator_cpu_share_pct", "%", "generator CPU share", column=EXTRA, header="gen CPU"),
)
