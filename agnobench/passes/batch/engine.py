"""The batch pass: N results built and held at once, measured as a whole.

The document's real-world figures are arithmetic — "1,000 agents × 180 ns =
0.18 ms, × 1.2 KB = 1.2 MB". This pass measures them instead: for each count
N it builds N results of the op into one preallocated list and times the
whole batch (untraced, GC on), then builds them again under tracemalloc and
keeps the net traced bytes with all N alive after a full collection. Beside
them it times the op alone a few times, so "N × one op" (the document's kind
of arithmetic) sits next to the measured total.

A small batch is rebuilt (freed, untimed, in between) until ``batch_min_items``
results were timed, and its figure is the mean per batch; the batches of all
counts are interleaved over the round, so a machine that slows for a moment
slows every count alike.

With several counts (``batch_counts = [1, 10, 100, 1000, 10000]``) it is the
scaling curve: does the cost per live agent stay flat as more are alive?
The verdict's criterion is stated in the details: per-item time at every
count within ``time_tolerance`` (×1.25) of the per-item time at the
reference count (the smallest), and per-item retained memory within
``retained_tolerance`` (10 %).

Each round is one forked child, so nothing one round leaves behind is seen
by the next. The headline metrics are those of the largest count.
"""

from __future__ import annotations

import gc
import itertools
import statistics
import tracemalloc
from typing import Any, Callable

from agnobench.measure.calls import fill, timed_each
from agnobench.measure.forking import run_forked
from agnobench.core.plugin import PassContext, PassOutput
from agnobench.passes.batch.contract import BatchParams, BatchResult
from agnobench.stats import median_abs_dev


Operation = Callable[[], Any]
SINGLE_CALLS = 20


def _single_ns(op: Operation) -> float:
    """Median time of the op called alone (nothing else held)."""
    return float(statistics.median(timed_each(op, SINGLE_CALLS, lambda _result: None)))


def interleaved_schedule(counts: list[int], min_items: int) -> list[int]:
    """The order to build batches in: each count's batches spread evenly over the round.

    Count N is built ``max(1, min_items // N)`` times. Sorting every batch by
    the share of its count's work done once it completes interleaves them
    (1, 10, 1, 1, 10, 100, 1, ...), so a few slow seconds of the machine land
    on every count alike instead of bending the curve at one of them.
    """
    events = []
    for order, count in enumerate(counts):
        batches = max(1, min_items // count)
        events += [((k + 1) / batches, order, count) for k in range(batches)]
    return [count for _, _, count in sorted(events)]


def time_batches(op: Operation, counts: list[int], min_items: int) -> dict[int, tuple[float, int]]:
    """Per count: (mean ns to build one batch, batches timed). Each batch is freed, untimed, before the next."""
    holders = {count: [None] * count for count in counts}
    elapsed = dict.fromkeys(counts, 0)
    built = dict.fromkeys(counts, 0)
    gc.collect()
    for count in interleaved_schedule(counts, min_items):
        holder = holders[count]
        elapsed[count] += fill(op, holder)  # an async op: awaited in one coroutine, clock read inside it
        built[count] += 1
        for i in range(count):
            holder[i] = None
    return {count: (elapsed[count] / built[count], built[count]) for count in counts}


def retained_bytes(op: Operation, count: int) -> float:
    """Net traced bytes with ``count`` results alive, after a full collection."""
    holder: list[Any] = [None] * count
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        fill(op, holder)
        gc.collect()
        retained = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    del holder
    gc.collect()
    return float(retained)


def batch_round(op: Operation, counts: list[int], min_items: int) -> list[dict[str, float]]:
    for _ in itertools.repeat(None, 3):
        op()  # first calls fill caches that are not per-item cost
    single = _single_ns(op)
    timed = time_batches(op, counts, min_items)
    return [{"total_time_ns": timed[count][0], "repeats": float(timed[count][1]), "single_ns": single,
             "total_retained_bytes": retained_bytes(op, count)} for count in counts]


def _median(values: list[float]) -> float:
    return float(statistics.median(values))


def measure_batch(ctx: PassContext[BatchParams]) -> PassOutput[BatchResult]:
    """The pass (``agnobench.passes.batch``): ``params`` validated, --quick already applied."""
    params = ctx.params
    counts = sorted(set(params.batch_counts))
    rounds, min_items = params.batch_rounds, params.batch_min_items
    reference = params.reference_count if params.reference_count is not None else counts[0]
    time_tolerance, retained_tolerance = params.time_tolerance, params.retained_tolerance

    per_round: list[list[dict[str, float]]] = []
    for index in range(rounds):
        ctx.progress(f"batch: round {index + 1}/{rounds}")
        per_round.append(run_forked(lambda: batch_round(ctx.op, counts, min_items)))

    curve = []
    for position, count in enumerate(counts):
        times = [r[position]["total_time_ns"] for r in per_round]
        retained = [r[position]["total_retained_bytes"] for r in per_round]
        single = [r[position]["single_ns"] for r in per_round]
        total = _median(times)
        curve.append({
            "count": count,
            "total_time_ns": total,
            "time_mad_pct": 100 * median_abs_dev(times) / total if total else 0.0,
            "time_per_item_ns": total / count,
            "total_retained_bytes": _median(retained),
            "retained_per_item_bytes": _median(retained) / count,
            "single_op_ns": _median(single),
            "multiplied_total_ns": count * _median(single),
            "batches_timed": int(per_round[0][position]["repeats"]),
        })
    last = counts[-1]
    samples: dict[str, list[float]] = {
        "total_time_ns": [r[-1]["total_time_ns"] for r in per_round],
        "total_retained_bytes": [r[-1]["total_retained_bytes"] for r in per_round],
        "time_per_op_ns": [r[-1]["total_time_ns"] / last for r in per_round],
        "retained_bytes_per_op": [r[-1]["total_retained_bytes"] / last for r in per_round],
    }
    details: dict[str, Any] = {"counts": counts, "rounds": rounds, "curve": curve}
    if len(counts) > 1:
        ref = next((p for p, c in enumerate(counts) if c == reference), 0)
        # paired per round: the curve's shape, not the machine's speed between rounds
        samples["time_growth"] = [(r[-1]["total_time_ns"] / counts[-1]) / (r[ref]["total_time_ns"] / counts[ref])
                                  for r in per_round if r[ref]["total_time_ns"]]
        samples["retained_growth"] = [
            (r[-1]["total_retained_bytes"] / counts[-1]) / (r[ref]["total_retained_bytes"] / counts[ref])
            for r in per_round if r[ref]["total_retained_bytes"]]
        base = curve[ref]
        flat_time = all(row["time_per_item_ns"] <= time_tolerance * base["time_per_item_ns"]
                        for row in curve if row["count"] >= counts[ref])
        flat_retained = all(abs(row["retained_per_item_bytes"] / base["retained_per_item_bytes"] - 1)
                            <= retained_tolerance for row in curve
                            if row["count"] >= counts[ref] and base["retained_per_item_bytes"])
        details["verdict"] = {
            "time": "flat" if flat_time else "grows",
            "retained": "flat" if flat_retained else "changes",
            "reference_count": counts[ref],
            "criterion": (f"flat = per-item time at every count ≥ {counts[ref]} stays within "
                          f"×{time_tolerance:g} of the per-item time at {counts[ref]}, and per-item retained "
                          f"memory within ±{100 * retained_tolerance:g} %; medians over {rounds} rounds"),
        }
    return PassOutput(samples, BatchResult.from_dict(details))
