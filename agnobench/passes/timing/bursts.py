"""time_per_op_ns and the kernel-paired figure, in forked children.

These VMs switch between a fast phase and one ~1.5-2x slower for seconds at
a time, and the two do not slow every workload alike (measured here: a
``__slots__`` object slows ~10 % more than the kernel). So a child does not
time long values with the kernel once before each: it alternates short
bursts — ~0.5 ms of op calls, then ~0.5 ms of reference-kernel calls, again
and again — so every op burst has a kernel burst right beside it, timed in
the same phase. :mod:`agnobench.passes.timing.estimate` turns those pairs into the
figures; here is only the timing.

Every child is a fork of the scenario's worker (agno imported, setup done,
at no cost); the first sizes the bursts and is discarded, as pyperf's
calibration run is. Many short children, not a few long ones: what differs
from one forked process to the next (~0.9 % here) averages out over them.
The GC stays enabled, as in ``pyperf timeit``, because real agents pay for
it. An async op is awaited in a loop inside one coroutine, the clock read
inside it (one ``run_until_complete`` per burst, not per call), see
:mod:`agnobench.measure.calls`.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import asdict, dataclass
from typing import Any, Callable

from agnobench.measure import ablation
from agnobench.passes.timing.cpu_hop import CpuHopper, wait_for_fast_cpu
from agnobench.passes.timing.estimate import FAST_TOLERANCE, ChildPairs
from agnobench.measure.forking import run_forked
from agnobench.measure.calls import Bursts, burst_timer
from agnobench.measure.reference_kernel import reference_kernel
from agnobench.core.settings import MeasureSettings

Operation = Callable[[], Any]
_SIZING_S = 0.02  # seconds the sizing child spends on each of op and kernel; not varied (docs/timing.md, Constants)
_SIZING_REPEATS = 5  # the fastest of these at the final size: one preempted burst must not size the bursts; not varied
MIN_PAIRS = 8  # pairs per child at least; binds only for op bursts over ~10 ms; not varied (docs/timing.md, Constants)
# Kernel calls per burst: fixed, not sized. Measured in the gate trials: a kernel burst sized from a
# preempted sizing run came out at 1-9 calls from run to run, and time/kernel moved with it by up to 15 %
# (the first kernel call after an op burst runs on the op's caches). ~0.45 ms at this VM's full speed.
KERNEL_CALLS = 32


@dataclass(frozen=True)
class BurstPlan:
    op_calls: int  # op calls per burst (at least 1)
    kernel_calls: int  # kernel calls per burst
    pairs: int  # timed pairs per child (the same in every child, so values group by process)
    warmup_pairs: int  # pairs run and discarded first in each child


def _kernel_burst(calls: int) -> int:
    kernel = reference_kernel
    clock = time.perf_counter_ns
    start = clock()
    for _ in itertools.repeat(None, calls):
        kernel()
    return clock() - start


def _kernel_ns(plan: BurstPlan) -> float:
    """One kernel burst of the plan's size: ns per kernel call."""
    return _kernel_burst(plan.kernel_calls) / plan.kernel_calls


def _per_call_ns(timer: Callable[[int], int], budget_s: float) -> float:
    """Warm, double the calls until a burst lasts ``budget_s / 4``, then the fastest of a few such bursts;
    ns per call."""
    timer(1)
    calls = 1
    while True:
        elapsed = timer(calls)
        if elapsed >= budget_s * 1e9 / 4 or calls >= 1 << 20:
            break
        calls *= 2
    return min([elapsed] + [timer(calls) for _ in range(_SIZING_REPEATS - 1)]) / calls


def plan_bursts(op: Operation, settings: MeasureSettings) -> BurstPlan:
    """In a forked child: op calls per burst for bursts of ~``burst_s``, and pairs per child."""

    def child() -> list[float]:
        return [_per_call_ns(burst_timer(op), _SIZING_S), _per_call_ns(_kernel_burst, _SIZING_S)]

    op_ns, kernel_ns = run_forked(child)
    # a power of two: the same op gets the same burst from run to run unless its speed changes by ~√2
    op_calls = 2 ** max(0, round(math.log2(max(settings.burst_s * 1e9 / op_ns, 1.0))))
    kernel_calls = KERNEL_CALLS
    pair_s = (op_calls * op_ns + kernel_calls * kernel_ns) / 1e9
    return BurstPlan(op_calls, kernel_calls, pairs=max(MIN_PAIRS, round(settings.child_s / pair_s)),
                     warmup_pairs=max(1, round(settings.warmup_s / pair_s)))


def time_pairs(timer: Bursts, plan: BurstPlan, hopper: CpuHopper | None = None) -> ChildPairs:
    """``warmup_pairs`` pairs discarded, then ``pairs`` pairs: an op burst, and a kernel burst right after.
    Each op burst also keeps the kernel burst right before it (the warm-up's, the previous pair's).

    With a ``hopper``, the child starts on the fastest CPU and moves after a slow kernel burst
    (:mod:`agnobench.passes.timing.cpu_hop`); the pair after a move is run and discarded.
    """
    if hopper is not None:
        hopper.start(lambda: _kernel_ns(plan))
    last_kernel_ns = 0.0  # none yet: without warm-up, the first op burst has only the kernel after it
    for _ in range(plan.warmup_pairs):
        timer(plan.op_calls)
        last_kernel_ns = _kernel_ns(plan)
    pairs = ChildPairs()
    while len(pairs.op_ns) < plan.pairs:
        pairs.kernel_before_ns.append(last_kernel_ns)
        pairs.op_ns.append(timer(plan.op_calls) / plan.op_calls)
        last_kernel_ns = _kernel_ns(plan)
        pairs.kernel_ns.append(last_kernel_ns)
        if hopper is not None and hopper.after_pair(last_kernel_ns):
            timer(plan.op_calls)  # the first pair on the new CPU runs on the caches left behind
            last_kernel_ns = _kernel_ns(plan)
    if hopper is not None:
        pairs.hops = hopper.hops
    return pairs


def timed_child(op: Operation, plan: BurstPlan, fast_ns: float | None = None) -> ChildPairs:
    """One forked child's pairs; ``fast_ns`` (the kernel time of the machine's recent fast phase, else its
    record) tells it when it is on a slow CPU."""

    def child() -> dict[str, Any]:
        hopper = CpuHopper(fast_ns, FAST_TOLERANCE) if cpu_hopping() else None
        pairs = time_pairs(burst_timer(op), plan, hopper)
        return asdict(pairs)

    return ChildPairs(**run_forked(child))


def wait_for_fast(plan: BurstPlan, fast_ns: float, budget_s: float) -> tuple[bool, float]:
    """In a forked child (the worker's own affinity stays as it is): wait up to ``budget_s`` for a CPU whose
    kernel runs at the fast level; whether one did, and the seconds waited. With CPU moves off
    (``AGNOBENCH_ABLATE=cpu_hop``) it does not wait and says yes."""
    if not cpu_hopping():
        return True, 0.0
    if budget_s <= 0:
        return False, 0.0
    found, waited = run_forked(lambda: wait_for_fast_cpu(lambda: _kernel_ns(plan), fast_ns, FAST_TOLERANCE,
                                                         budget_s))
    return bool(found), float(waited)


def cpu_hopping() -> bool:
    """Off with ``AGNOBENCH_ABLATE=cpu_hop``: to compare against a child that stays where it is put."""
    return not ablation.off("cpu_hop")
