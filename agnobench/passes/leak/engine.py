"""Does memory grow call after call? The leak pass's engine.

The op is called many times in this process. A warm-up share of the calls
runs first, untraced (caches fill, lazy imports happen); then tracemalloc
starts and, at ``samples`` regular steps, a full collection is run and the
traced memory and the resident set are read. The slope of each reading over
the call count, from the second quarter of the readings on (caches that fill
to a bound are still filling in the first), is the bytes retained per call, with its 95 % interval
(:func:`agnobench.measure.growth_fit.per_call_slope`). Verdict on traced
memory: "no growth" when the interval reaches zero or the slope is under
``min_bytes``; else "grows B per call". RSS is reported beside it (native
memory, which tracemalloc cannot see; the allocator keeps freed pages, so it
is read as a second opinion only).

A time budget ends the calls early on a slow op (a store that fsyncs every
turn); the calls actually made are recorded, never assumed.
"""

from __future__ import annotations

import gc
import time
import tracemalloc
from typing import Any, Callable

from agnobench.measure.growth_fit import MIN_POINTS, per_call_slope
from agnobench.core.plugin import PassContext, PassOutput
from agnobench.passes.leak.contract import LeakParams, LeakResult

WARMUP_SHARE = 0.2  # of the time budget, at most, for the untraced warm-up calls
MIN_FIT_CALLS = 500  # fewer calls after the first quarter give "too few calls", never a verdict
TRACE_SLOWDOWN = 2.5  # a traced call's time over an untraced one's, for planning the calls (agno runs: ~2x)


def _rss() -> float:
    import os

    with open("/proc/self/statm") as handle:
        return float(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def leak_verdict(fit: Any, tail: Any, min_bytes: float, fitted_calls: int) -> str:
    """"grows" needs the whole fit's interval above zero and the growth still going in its second half (its
    own interval above zero): a cache that fills to a bound slows down and stops before a leak would."""
    if fit is None:
        return "too few points"
    if fitted_calls < MIN_FIT_CALLS:
        return "too few calls"
    if fit.low <= 0.0 or fit.per_call < min_bytes or (tail is not None and tail.low <= 0.0):
        return "no growth"
    return f"grows {fit.per_call:,.0f} B per call"


def _fits(at: list[int], readings: list[float]) -> tuple[Any, Any]:
    skip = len(at) // 4
    middle = skip + (len(at) - skip) // 2
    return per_call_slope(at[skip:], readings[skip:]), per_call_slope(at[middle:], readings[middle:])


def measure_leak(op: Callable[[], Any], calls: int, samples: int, warmup: int, min_bytes: float,
                 budget_s: float, progress: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Readings and fits as plain data (see the module docstring)."""
    started = time.monotonic()
    warmed = 0
    while warmed < warmup and (warmed == 0 or time.monotonic() - started < budget_s * WARMUP_SHARE):
        op()
        warmed += 1
    per_call = (time.monotonic() - started) / max(warmed, 1)
    # as many calls as the budget allows, at tracemalloc's slowdown, so a slow op still gets every reading
    planned = calls if per_call <= 0 else min(calls, max(samples, int(budget_s * (1 - WARMUP_SHARE)
                                                                       / (per_call * TRACE_SLOWDOWN))))
    step = max(1, planned // samples)
    at: list[int] = []
    traced: list[float] = []
    resident: list[float] = []
    done = 0
    deadline = time.monotonic() + budget_s
    stopped_early = False
    tracemalloc.start()
    try:
        while True:
            gc.collect()
            at.append(done)
            traced.append(float(tracemalloc.get_traced_memory()[0]))
            resident.append(_rss())
            if done >= planned:
                break
            if time.monotonic() > deadline:
                stopped_early = True
                break
            for _ in range(min(step, planned - done)):
                op()
            done += min(step, planned - done)
            progress(f"leak: {done:,} of {calls:,} calls")
    finally:
        tracemalloc.stop()
    # the first quarter of the readings is left out of the fit: caches that fill to a bound (SQLAlchemy's
    # statement cache, agno's) are still growing there, and a leak is what keeps growing after them
    skip = len(at) // 4
    traced_fit, traced_tail = _fits(at, traced)
    rss_fit, rss_tail = _fits(at, resident)
    fitted_calls = at[-1] - at[skip] if at else 0
    return {"calls": done, "calls_asked": calls, "warmup_calls": warmed, "stopped_early": stopped_early or done < calls,
            "budget_s": budget_s, "at_calls": at, "traced_bytes": traced, "rss_bytes": resident,
            "per_call_bytes": traced_fit.per_call if traced_fit else None,
            "per_call_low": traced_fit.low if traced_fit else None,
            "per_call_high": traced_fit.high if traced_fit else None,
            "rss_per_call_bytes": rss_fit.per_call if rss_fit else None,
            "rss_per_call_low": rss_fit.low if rss_fit else None,
            "rss_per_call_high": rss_fit.high if rss_fit else None,
            "verdict": leak_verdict(traced_fit, traced_tail, min_bytes, fitted_calls),
            "rss_verdict": leak_verdict(rss_fit, rss_tail, min_bytes, fitted_calls),
            "min_bytes": min_bytes, "fitted_from_call": at[skip] if at else 0,
            "note": (f"{len(at) - skip} reading(s) after the first quarter; a fit needs {MIN_POINTS} or more"
                     if traced_fit is None else
                     f"{fitted_calls:,} calls fitted (after the first quarter); a verdict needs {MIN_FIT_CALLS:,} or "
                     f"more: a longer time budget (leak_budget_s), or a run without --quick"
                     if fitted_calls < MIN_FIT_CALLS else "")}


def run(ctx: PassContext[LeakParams]) -> PassOutput[LeakResult]:
    """The leak pass's engine: samples of the slope per call, and the fit behind it."""
    params = ctx.params
    warmup = params.leak_warmup if params.leak_warmup >= 0 else max(10, params.leak_calls // 10)
    details = measure_leak(ctx.op, params.leak_calls, params.leak_samples, warmup, params.leak_min_bytes,
                           params.leak_budget_s, ctx.progress)
    samples: dict[str, list[float]] = {}
    if details["per_call_bytes"] is not None:
        samples["leak_bytes_per_call"] = [details["per_call_bytes"]]
    if details["rss_per_call_bytes"] is not None:
        samples["leak_rss_per_call"] = [details["rss_per_call_bytes"]]
    return PassOutput(samples, LeakResult.from_dict(details))
