"""The leak pass: call the op many times and fit the bytes it leaves behind per call.

Any scenario may list it (``passes = ["timing", "leak"]``). It runs in the
scenario's worker, after a warm-up, with tracemalloc on; a collection before
every reading. Engine: :mod:`agnobench.passes.leak.engine`. Verdict: "no growth", or
"grows B per call" with the slope's 95 % interval; "too few points" when the
time budget allowed fewer than five readings.
"""

from __future__ import annotations

from agnobench.core.plugin import PassContext, PassOutput, PassPlugin
from agnobench.passes.leak.contract import METRICS, LeakParams, LeakResult, quick


def _run(ctx: PassContext[LeakParams]) -> PassOutput[LeakResult]:
    from agnobench.passes.leak.engine import run  # the worker only

    return run(ctx)


PLUGIN = PassPlugin(name="leak", order=140, run=_run, params=LeakParams,
                    result=LeakResult, metrics=METRICS,
                    quick=quick,
                    summary="calls the op many times, fits bytes retained per call with an interval: "
                            "'no growth' or 'grows B per call'")
