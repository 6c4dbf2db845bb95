"""The variants pass: interleaved, paired comparisons of ways to do one job (engine: measure.variants)."""

from __future__ import annotations

from agnobench.core.plugin import PassContext, PassOutput, PassPlugin
from agnobench.passes.variants.contract import VariantsParams, VariantsResult, debug, quick


def _run(ctx: PassContext[VariantsParams]) -> PassOutput[VariantsResult]:
    from agnobench.passes.variants.engine import measure_variants  # the worker only

    return measure_variants(ctx)


PLUGIN = PassPlugin(
    name="variants", preload=True, order=50, params=VariantsParams, result=VariantsResult, quick=quick, debug=debug,
    run=_run,
    summary="variants of one job timed interleaved, the subject against the baseline round by round",
)
