"""The latency pass: individually timed calls, and their p50/p95/p99.

pyperf's timing pass times loops of calls and reports a mean per call, which
hides the slow tail a user of an agent service feels. Here every call is
timed on its own (``perf_counter_ns`` around it, GC left on, since real runs
pay for collections), in forked children like every measurement.

Each child contributes its own p50/p95/p99 as one sample of each metric, so
the spread between children shows; the pooled percentiles over all calls
are kept in the details.

When the op's result carries ``model_ns`` (the time the call spent waiting
in the simulated LLM, see :class:`~agnobench.adapters.agno.llm_latency.TimedRun`),
the pass also splits each call into model wait and framework time and
reports the framework's share of the end-to-end latency.

Params: :class:`agnobench.passes.latency.LatencyParams`.
"""

from __future__ import annotations

import statistics
from typing import Any

from agnobench.measure.calls import timed_each
from agnobench.measure.forking import run_forked
from agnobench.core.plugin import PassContext, PassOutput
from agnobench.passes.latency.contract import LatencyParams, LatencyResult
from agnobench.stats import percentile


PERCENTILES = {"latency_p50_ns": 50.0, "latency_p95_ns": 95.0, "latency_p99_ns": 99.0}
MIN_CALLS = 20
MAX_CALLS = 20000


def _calls_for(budget_s: float, warmup_ns: list[int]) -> int:
    per_call = statistics.median(warmup_ns) / 1e9 if warmup_ns else budget_s
    return max(MIN_CALLS, min(MAX_CALLS, int(budget_s / max(per_call, 1e-9))))


def timed_calls(ctx: PassContext[LatencyParams], fixed_calls: int | None, budget_s: float, warmups: int) -> dict[str, Any]:
    """One child: warm up, then time each call; ns per call and model ns per call (or None).

    An async op is awaited inside one coroutine, the clock read around each await
    (:func:`agnobench.measure.calls.timed_each`): no event-loop round trip per call."""
    warmup_ns = timed_each(ctx.op, warmups, lambda _result: None)
    calls = fixed_calls or _calls_for(budget_s, warmup_ns)
    model: list[int] = []

    def on_result(result: Any) -> None:
        model_ns = getattr(result, "model_ns", None)
        if model_ns is not None:
            model.append(int(model_ns))

    elapsed = timed_each(ctx.op, calls, on_result)
    return {"ns": elapsed, "model_ns": model if len(model) == len(elapsed) else None}


def _framework(ns: list[int], model_ns: list[int]) -> tuple[float, float, float]:
    """(median framework ns, median model ns, median framework share in %) of one child's calls."""
    framework = [max(0, total - wait) for total, wait in zip(ns, model_ns)]
    shares = [100.0 * f / total for f, total in zip(framework, ns) if total > 0]
    return statistics.median(framework), statistics.median(model_ns), statistics.median(shares)


def measure_latency(ctx: PassContext[LatencyParams]) -> PassOutput[LatencyResult]:
    """The pass (``agnobench.passes.latency``): ``params`` already validated, --quick already applied."""
    params = ctx.params
    processes, warmups = params.latency_processes, params.latency_warmups
    fixed, budget_s = params.latency_calls or None, params.latency_budget_s
    samples: dict[str, list[float]] = {name: [] for name in PERCENTILES}
    pooled: list[int] = []
    split: dict[str, list[float]] = {"framework_time_ns": [], "model_time_ns": [], "framework_share_pct": []}
    per_process_calls = []
    for index in range(processes):
        ctx.progress(f"latency: process {index + 1}/{processes}")
        child = run_forked(lambda: timed_calls(ctx, fixed, budget_s, warmups))
        ns = child["ns"]
        per_process_calls.append(len(ns))
        pooled.extend(ns)
        for name, q in PERCENTILES.items():
            samples[name].append(percentile(ns, q))
        if child["model_ns"] is not None:
            framework, model, share = _framework(ns, child["model_ns"])
            split["framework_time_ns"].append(framework)
            split["model_time_ns"].append(model)
            split["framework_share_pct"].append(share)
    samples.update({name: values for name, values in split.items() if values})
    details = {
        "latency_calls_per_process": per_process_calls,
        "latency_pooled_ns": {"p50": percentile(pooled, 50), "p95": percentile(pooled, 95),
                              "p99": percentile(pooled, 99), "max": float(max(pooled)),
                              "mean": statistics.fmean(pooled), "calls": len(pooled)},
        "latency_note": f"p99 of {len(pooled)} calls is close to the maximum: few calls" if len(pooled) < 100 else None,
    }
    return PassOutput(samples, LatencyResult.from_dict(details))
