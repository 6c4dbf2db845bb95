"""The service pass: a real uvicorn server on loopback under a real load generator (engine: agnobench.service).

Light at import, as every plugin module: the parent validates the params and
reads results with it; the engine (server, generators, ``/proc`` sampling) is
imported inside ``run``. docs/service.md describes the measurement.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from agnobench.measure.params_schema import ParamError
from agnobench.measure.passes import PassPlugin, engine
from agnobench.metrics import CORE, EXTRA, MetricInfo
from agnobench.service.results import ServiceResult

GENERATORS = ("auto", "wrk", "builtin")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class ServiceParams:
    connections: tuple[int, ...] = (1, 10, 100)  # closed-loop levels, each after a warm-up
    rates: tuple[float, ...] = ()  # open-loop levels, requests/s (built-in generator)
    uvicorn_workers: tuple[int, ...] = (1,)  # one server configuration per entry
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

    def check(self) -> None:
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


def quick(params: ServiceParams) -> ServiceParams:
    """--quick, a smoke run: the lowest and highest level of at most 10 connections (10 alone when every level
    is larger: 100 connections can take longer than the window to answer), one rate, one worker count, 1 s
    windows, no warm-up."""
    small = [c for c in params.connections if c <= QUICK_MAX_CONNECTIONS]
    if params.connections and not small:
        small = [QUICK_MAX_CONNECTIONS]
    return replace(params, connections=tuple(dict.fromkeys(small[:1] + small[-1:])), rates=params.rates[:1],
                   uvicorn_workers=params.uvicorn_workers[:1], duration_s=min(params.duration_s, 1.0), warmup_s=0.0)


_NOTE = ("service: req/s = right answers ÷ window at the level with the most; p50/p99 at the lowest level; CPU/req "
         "the server's at that peak; mem/in flight = (peak RSS − idle RSS) ÷ requests in flight at the highest "
         "level. Every level is in the saturation table below.")
METRICS = (
    MetricInfo("service_rps", "1/s", "req/s", lower_is_better=False, column=CORE, note=_NOTE),
    MetricInfo("service_p50_ns", "ns", "p50 (lowest level)", column=CORE, header="p50"),
    MetricInfo("service_p99_ns", "ns", "p99 (lowest level)", column=CORE, header="p99"),
    MetricInfo("service_cpu_per_request_ns", "ns", "server CPU/req", column=CORE),
    MetricInfo("service_memory_per_in_flight_bytes", "B", "mem/in flight", column=CORE),
    MetricInfo("service_rss_idle_bytes", "B", "idle RSS", column=EXTRA),
    MetricInfo("service_generator_cpu_share_pct", "%", "generator CPU share", column=EXTRA, header="gen CPU"),
)

PLUGIN = PassPlugin(name="service", run=engine("agnobench.service.passrun:run_pass", ServiceResult),
                    params=ServiceParams, result=ServiceResult, metrics=METRICS, quick=quick,
                    sections="agnobench.reporters.service:service_sections",
                    summary="a uvicorn server on loopback under wrk (or the built-in generator): req/s, latency, "
                            "CPU and memory per request per load level")
