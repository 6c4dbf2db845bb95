"""The concurrency pass: workers × mode, throughput, speedup and cross-talk (engine: measure.concurrency)."""

from __future__ import annotations

from agnobench.core.plugin import PassContext, PassOutput, PassPlugin
from agnobench.passes.concurrency.contract import ConcurrencyParams, ConcurrencyResult, debug, quick


def _run(ctx: PassContext[ConcurrencyParams]) -> PassOutput[ConcurrencyResult]:
    from agnobench.passes.concurrency.engine import measure_concurrency  # the worker only

    return measure_concurrency(ctx)


PLUGIN = PassPlugin(
    name="concurrency", preload=True, order=40, params=ConcurrencyParams, result=ConcurrencyResult,
    quick=quick, debug=debug,
    run=_run,
    summary="threads, processes and asyncio tasks at 1..N workers: speedup, and every answer checked",
)
