"""The toy pass's engine: each call timed alone, in the worker."""

from __future__ import annotations

import time

from agnobench.core.plugin import PassContext, PassOutput

from .contract import ToyParams, ToyResult


def measure_toy(ctx: PassContext[ToyParams]) -> PassOutput[ToyResult]:
    ns = []
    for _ in range(ctx.params.toy_calls):
        start = time.perf_counter_ns()
        ctx.op()
        ns.append(float(time.perf_counter_ns() - start))
    return PassOutput(samples={"toy_ns": ns}, details=ToyResult(ctx.params.toy_label, len(ns), ns))
