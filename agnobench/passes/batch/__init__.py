"""The batch pass: N results built and held at once, and the scaling curve (engine: measure.batch)."""

from __future__ import annotations

from agnobench.core.plugin import PassContext, PassOutput, PassPlugin
from agnobench.passes.batch.contract import BatchParams, BatchResult, debug, quick


def _run(ctx: PassContext[BatchParams]) -> PassOutput[BatchResult]:
    from agnobench.passes.batch.engine import measure_batch  # the worker only

    return measure_batch(ctx)


PLUGIN = PassPlugin(
    name="batch", preload=True, order=60, params=BatchParams, result=BatchResult, quick=quick, debug=debug,
    run=_run,
    summary="N results built and held at once: measured totals, and the per-item curve over N",
)
