"""The service pass's run: each server configuration through its levels, and the headline samples.

The app is the scenario's ``operation`` (a zero-argument function returning
the ASGI app, which the worker has already called once to check that it
builds) unless ``app`` names another reference. The server gets the
worker's import path, so the user's module imports there as it did here.
"""

from __future__ import annotations

import functools
import os
import sys
from typing import Any, Callable

from agnobench.importing import import_reference
from agnobench.errors import ScenarioError
from agnobench.core.plugin import PassContext, PassOutput
from agnobench.passes.service import locust_run
from agnobench.passes.service.contract import GENERATOR_ENV, ServiceParams
from agnobench.passes.service.asgi import NotAnApp, resolve_app
from agnobench.passes.service.apps import LATENCY_ENV
from agnobench.passes.service.generators import GeneratorMissing, pick
from agnobench.passes.service.levels import Plan, ServiceError, SloPlan, run_server
from agnobench.passes.service.results import Level, ServerRun, ServiceResult
from agnobench.passes.service.server import ServerFailed, ServerSpec
from agnobench.passes.service.spec import RequestSpec
from agnobench.passes.service.stats import knee


def app_reference(op: Callable[..., Any]) -> str:
    """``module:function`` of the scenario's operation, as imported by the worker."""
    target = op
    while isinstance(target, functools.partial) or hasattr(target, "__wrapped__"):
        target = target.func if isinstance(target, functools.partial) else target.__wrapped__
    module, name = getattr(target, "__module__", None), getattr(target, "__qualname__", "")
    if not module or module == "__main__" or "<" in name:
        raise ScenarioError("the service pass serves the scenario's operation, which must be a top-level function "
                            "returning the ASGI app (or set measure.params.app = \"module:attr\")")
    return f"{module}:{name}"


def check_app(app: str) -> None:
    """Build the app once here: a reference that is not an ASGI app (or a factory returning something else)
    fails with that reason, instead of a server answering every request with status 500."""
    try:
        resolve_app(import_reference(app), app)
    except NotAnApp as exc:
        raise ScenarioError(str(exc)) from None
    except Exception:  # noqa: BLE001 - an app that cannot build here fails in the server, with its output
        pass


def measure_service(op: Callable[..., Any], params: Any, progress: Callable[[str], None]) -> ServiceResult:
    app = params.app or app_reference(op)
    check_app(app)
    wanted = os.environ.get(GENERATOR_ENV, "") or params.generator  # run --generator, else the scenario's
    locust = wanted == "locust"
    try:
        generator = pick("auto" if locust else wanted)  # Locust drives the fixed-rate windows only
        if locust:
            locust_run.require()
    except (GeneratorMissing, locust_run.LocustMissing) as exc:
        raise ScenarioError(str(exc)) from None
    request = RequestSpec(method=params.method, path=params.path, body=params.body, content_type=params.content_type,
                          expect_status=params.expect_status, expect_body=params.expect_body)
    slo = SloPlan(goal_ns=params.slo_p99_ms * 1e6, start_rate=params.slo_start_rate, min_rate=params.slo_min_rate,
                  max_rate=params.slo_max_rate, max_trials=params.slo_max_trials,
                  repeats=params.slo_repeats) if params.capacity else None
    plan = Plan(request=request, generator=generator, connections=tuple(params.connections),
                rates=tuple(float(r) for r in params.rates), duration_s=params.duration_s, warmup_s=params.warmup_s,
                timeout_s=params.request_timeout_s, slo=slo, rate_generator="locust" if locust else "builtin",
                locust_workers=params.locust_workers, locust_namespaces=params.locust_namespaces)
    env = {LATENCY_ENV: repr(params.llm_wait_ms / 1000.0)} if params.llm_wait_ms else {}
    result = ServiceResult(app=app, request=f"{request.method} {request.path}", generator=generator,
                           llm_wait_ms=params.llm_wait_ms, duration_s=params.duration_s, warmup_s=params.warmup_s,
                           machine_cores=os.cpu_count() or 1, stream="stream=true" in params.body)
    for workers in server_counts(params):
        spec = ServerSpec(app=app, workers=workers, paths=tuple(p for p in sys.path if p), env=env,
                          ready_path=params.ready_path, start_timeout_s=params.start_timeout_s)
        try:
            run = run_server(spec, plan, progress)
        except (ServiceError, ServerFailed) as exc:
            if isinstance(exc, ServerFailed) and exc.output:  # the worker's output: details.worker_output
                print(f"--- output of the server for {app} ---\n{exc.output}", file=sys.stderr, flush=True)
            raise ScenarioError(f"{app} with {workers} uvicorn worker(s): {exc}") from None
        run.knee_connections = knee([lv.load.connections for lv in run.levels],
                                    [lv.load.throughput for lv in run.levels])
        result.runs.append(run)
    return result


def server_counts(params: Any) -> list[int]:
    """The uvicorn worker counts to measure: ``uvicorn_workers``, or 1..cores with ``scale_to_cores``."""
    if params.scale_to_cores:
        return list(range(1, (os.cpu_count() or 1) + 1))
    return list(params.uvicorn_workers)


def headline_windows(run: ServerRun) -> list[Level]:
    """The windows the headline reads, all at one load: the capacity rate's windows (the goal met, confirmed by
    most of them), else the closed-loop level with the most req/s, else the fixed rate with the most. Never
    figures of several loads."""
    if run.capacity is not None and run.capacity.windows and run.capacity.confirmed:
        return run.capacity.windows
    for levels in (run.levels, run.rates):
        if levels:
            return [max(levels, key=lambda lv: lv.load.throughput)]
    return []


def headline_samples(result: ServiceResult) -> dict[str, list[float]]:
    """From the first server configuration, each figure from the same windows (one per repeat): what the suite
    table and the gate read."""
    run = result.runs[0]
    windows = headline_windows(run)
    if not windows:
        return {}
    samples: dict[str, list[float]] = {
        "service_p50_ns": [w.load.latency.p50 for w in windows],
        "service_p99_ns": [w.load.latency.p99 for w in windows],
        "service_cpu_per_request_ns": [w.server_cpu_per_request_ns for w in windows],
        "service_generator_cpu_share_pct": [100.0 * w.generator_cpu_share for w in windows],
        "service_rss_idle_bytes": [float(run.rss_idle_bytes)],
    }
    if run.capacity is not None and run.capacity.windows and run.capacity.confirmed:
        samples["service_capacity_rps"] = [w.load.throughput for w in windows]
    if run.levels:
        samples["service_rps"] = [max(lv.load.throughput for lv in run.levels)]
    memory = [w.memory_per_in_flight_bytes for w in windows if w.memory_per_in_flight_bytes is not None]
    if memory:
        samples["service_memory_per_in_flight_bytes"] = memory
    return samples


def run_pass(ctx: PassContext[ServiceParams]) -> PassOutput[ServiceResult]:
    """The plugin's engine: the headline samples and the typed result behind them."""
    result = measure_service(ctx.op, ctx.params, ctx.progress)
    return PassOutput(headline_samples(result), result)
