"""The latency pass: individually timed calls and their p50/p95/p99 (engine: agnobench.passes.latency.engine)."""

from __future__ import annotations

from agnobench.core.plugin import PassContext, PassOutput, PassPlugin
from agnobench.passes.latency.contract import LatencyParams, LatencyResult, quick


def _run(ctx: PassContext[LatencyParams]) -> PassOutput[LatencyResult]:
    from agnobench.passes.latency.engine import measure_latency  # the worker only

    return measure_latency(ctx)


PLUGIN = PassPlugin(
    name="latency", preload=True, order=30, params=LatencyParams, result=LatencyResult, quick=quick,
    run=_run,
    summary="p50/p95/p99 of individually timed calls, and the framework's share beside the model",
)
