"""The variants pass: measured comparisons between ways of doing the same job.

A team run against a single-agent run, a workflow against calling its steps
directly, a pooled agent against a fresh one, a cache hit against a miss:
each scenario names its variants in ``[measure.params.variants]`` as
factories (``module:function``, called once) that return the zero-argument
op of that variant (sync or ``async def``). Every op checks its own result,
so a variant that takes a broken path fails the scenario.

Calls are interleaved — A, B, C, A, B, C, ... — each timed on its own, so a
machine that changes speed for a few seconds slows every variant alike;
each round is a fresh forked child, and a variant's figure per round is the
median of its calls. The headline metrics compare ``subject`` with
``baseline`` round by round (paired), so their ratio is steadier than the
two medians divided. GC collections that start during a variant's calls are
counted for it (``gc.callbacks``): the "GC pressure" the document's agent
pool is meant to relieve.

Optional, each in its own forked child per variant so tracing never slows
the timed calls: ``peak_memory`` (tracemalloc's peak during one call, over
what was traced before it) and ``allocations`` (memray, as the memory pass).

Params: :class:`agnobench.passes.variants.VariantsParams` (``variants`` required).
"""

from __future__ import annotations

import gc
import statistics
import time
import tracemalloc
from typing import Any, Callable

from agnobench.measure.calls import async_of
from agnobench.measure.forking import run_forked
from agnobench.passes.memory.engine import alloc_ops_for, allocations_per_op
from agnobench.errors import ScenarioError
from agnobench.measure.params import blocking, references
from agnobench.core.plugin import PassContext, PassOutput
from agnobench.passes.variants.contract import VariantsParams, VariantsResult
from agnobench.stats import median_abs_dev, percentile


Operation = Callable[[], Any]


def build_variants(variants: dict[str, str]) -> dict[str, Operation]:
    factories = references({"variants": variants}, "variants")
    if not factories:
        raise ScenarioError("measure.params.variants: the variants pass needs at least one variant",
                            field="measure.params.variants")
    ops = {}
    for name, factory in factories.items():
        op = factory()
        if not callable(op):
            raise ScenarioError(f"measure.params.variants.{name}: its factory must return the variant's op "
                                f"(a callable), got {type(op).__name__}")
        ops[name] = blocking(op)
    return ops


def interleaved_round(ops: dict[str, Operation], calls: int, warmups: int) -> dict[str, Any]:
    """One child: warm every variant, then time ``calls`` calls of each, interleaved.

    When a variant is async, the whole round runs inside one coroutine on its
    loop: async variants are awaited, sync ones called, each timed on its own —
    no event-loop round trip per call for either."""
    for op in ops.values():
        for _ in range(warmups):
            op()
    names = list(ops)
    times: dict[str, list[int]] = {name: [] for name in names}
    collections: dict[str, list[int]] = {name: [0, 0, 0] for name in names}
    current = [names[0]]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            collections[current[0]][info["generation"]] += 1

    clock = time.perf_counter_ns
    awaited = {name: aop.fn for name, op in ops.items() if (aop := async_of(op)) is not None}
    plain = {name: op for name, op in ops.items() if name not in awaited}

    async def round_in_one_coroutine() -> None:
        for _ in range(calls):
            for name in names:
                current[0] = name
                start = clock()
                if name in awaited:
                    await awaited[name]()
                else:
                    plain[name]()
                times[name].append(clock() - start)

    gc.callbacks.append(on_gc)
    try:
        if awaited:
            loop = next(aop.loop for op in ops.values() if (aop := async_of(op)) is not None)
            loop.run_until_complete(round_in_one_coroutine())
        else:
            for _ in range(calls):
                for name in names:
                    current[0] = name
                    op = ops[name]
                    start = clock()
                    op()
                    times[name].append(clock() - start)
    finally:
        gc.callbacks.remove(on_gc)
    return {"times": times, "collections": collections}


def peak_of_call(op: Operation, rounds: int) -> list[float]:
    """Bytes traced at the peak of one call over what was traced just before it."""
    op()
    peaks = []
    for _ in range(rounds):
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            op()
            peaks.append(float(tracemalloc.get_traced_memory()[1] - before))
        finally:
            tracemalloc.stop()
    return peaks


def _calls(ops: dict[str, Operation], budget_s: float) -> int:
    """Calls per variant per round so that one round lasts about ``budget_s``."""
    start = time.perf_counter()
    for op in ops.values():
        op()
    per_set = time.perf_counter() - start
    return max(3, min(2000, int(budget_s / max(per_set, 1e-9))))


def measure_variants(ctx: PassContext[VariantsParams]) -> PassOutput[VariantsResult]:
    """The pass (``agnobench.passes.variants``): ``params`` validated, --quick already applied."""
    params = ctx.params
    ops = build_variants(params.variants)
    names = list(ops)
    subject = params.subject or names[-1]
    baseline = params.baseline or (names[0] if len(names) > 1 else "")
    for key, name in (("subject", subject), ("baseline", baseline)):
        if name and name not in ops:
            raise ScenarioError(f"measure.params.{key}: {name!r} is not one of the variants ({', '.join(names)})",
                                field=f"measure.params.{key}")
    subject_metric = "time_per_op_ns"
    items, rounds, budget_s = params.items_per_call, params.variant_rounds, params.variant_budget_s
    calls, warmups = params.variant_calls, params.variant_warmups

    ctx.progress("variants: sizing")
    calls = calls or _calls(ops, budget_s)
    per_round: dict[str, list[float]] = {name: [] for name in names}
    pooled: dict[str, list[int]] = {name: [] for name in names}
    collections: dict[str, list[int]] = {name: [0, 0, 0] for name in names}
    for index in range(rounds):
        ctx.progress(f"variants: round {index + 1}/{rounds}")
        child = run_forked(lambda: interleaved_round(ops, calls, warmups))
        for name in names:
            ns = child["times"][name]
            per_round[name].append(statistics.median(ns) / items)
            pooled[name].extend(ns)
            collections[name] = [a + b for a, b in zip(collections[name], child["collections"][name])]

    peaks: dict[str, list[float]] = {}
    if params.peak_memory:
        for name in names:
            ctx.progress(f"variants: peak memory of {name}")
            # two calls: the peak of one call repeats to ~0.1 % (342,332-342,751 B over three, bounded-concurrency)
            peaks[name] = run_forked(lambda: peak_of_call(ops[name], 2))
    allocations: dict[str, dict[str, Any]] = {}
    if params.allocations:
        for name in names:
            ctx.progress(f"variants: allocations of {name}")
            # sized to the variant as the memory pass sizes its op: a team run's records cost seconds at 20
            alloc_ops = alloc_ops_for(statistics.median(pooled[name]) / 1e9, min(ctx.settings.alloc_ops, 20), 3)
            allocations[name] = run_forked(lambda: allocations_per_op(ops[name], alloc_ops, 1))

    rows = []
    for name in names:
        median = statistics.median(per_round[name])
        total_calls = len(pooled[name])
        row: dict[str, Any] = {
            "name": name,
            "time_per_op_ns": median,
            "mad_pct": 100 * median_abs_dev(per_round[name]) / median if median else 0.0,
            "p95_ns": percentile(pooled[name], 95) / items,
            "calls": total_calls,
            "gc_per_1k_calls": [1000 * c / total_calls for c in collections[name]],
        }
        if baseline and name != baseline:
            row["vs_baseline"] = statistics.median(
                s / b for s, b in zip(per_round[name], per_round[baseline]) if b)
        if name in peaks:
            row["peak_bytes"] = statistics.median(peaks[name])
        if name in allocations:
            row["allocated_bytes_per_op"] = statistics.median(allocations[name]["bytes"]) / items
            row["allocs_per_op"] = statistics.median(allocations[name]["allocs"]) / items
        rows.append(row)

    samples: dict[str, list[float]] = {subject_metric: per_round[subject]}
    if baseline and baseline != subject:
        samples["baseline_time_ns"] = per_round[baseline]
        samples["overhead_ns"] = [s - b for s, b in zip(per_round[subject], per_round[baseline])]
        samples["overhead_ratio"] = [s / b for s, b in zip(per_round[subject], per_round[baseline]) if b]
    if subject in peaks:
        samples["peak_bytes"] = peaks[subject]
    if subject in allocations and subject_metric == "time_per_op_ns":
        samples["allocated_bytes_per_op"] = [b / items for b in allocations[subject]["bytes"]]
        samples["allocs_per_op"] = [a / items for a in allocations[subject]["allocs"]]
    details = {"subject": subject, "baseline": baseline or None, "subject_metric": subject_metric,
               "items_per_call": items, "calls_per_round": calls, "rounds": rounds, "rows": rows}
    return PassOutput(samples, VariantsResult.from_dict(details))
