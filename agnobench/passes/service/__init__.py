"""The ``service`` suite: a real uvicorn server on loopback under a real HTTP load generator.

Modules, one concern each: :mod:`.spec` (typed models passed between them),
:mod:`.server` (the server's lifecycle), :mod:`.serve` and :mod:`.asgi` (what
runs inside the server process), :mod:`.apps` (the built-in apps),
:mod:`.loadgen` and :mod:`.wrk` (the two generators), :mod:`.procstat`
(CPU and RSS of the server from ``/proc``), :mod:`.stats` (percentiles,
memory per request in flight, the knee), :mod:`.levels` (one server through
its load levels) and :mod:`.contract` (its params and metrics), this module (the plugin). docs/service.md explains the
measurement.
"""

from __future__ import annotations

from agnobench.core.plugin import PassContext, PassOutput, PassPlugin
from agnobench.passes.service.contract import METRICS, NAME, ServiceParams, quick
from agnobench.passes.service.results import ServiceResult


def _run(ctx: PassContext[ServiceParams]) -> PassOutput[ServiceResult]:
    from agnobench.passes.service.passrun import run_pass  # the worker only

    return run_pass(ctx)

PLUGIN = PassPlugin(name=NAME, order=110, run=_run,
                    params=ServiceParams, result=ServiceResult, metrics=METRICS, quick=quick,
                    summary="a uvicorn server under wrk, the built-in generator or Locust: capacity at a p99 goal, req/s, "
                            "latency, CPU and memory per request per load level")
