"""The timing pass's measurement: paired bursts, the fast-phase figure, the machine's speed.

``time_per_op_ns`` stays the honest wall time (every burst, whatever the
machine's phase). The headline, ``time_per_op_best_ns``, is time/kernel over
the fast-phase pairs (``time_per_op_rel``) × the fastest kernel time this
machine has shown (:mod:`agnobench.measure.machine`): the op's time on this
machine at its full speed. It moves only when the op does — or, once, when
the machine sets a new best kernel time (the details say so).

If the scenario's fastest kernel bursts are still slower than the machine's
record by more than the fast tolerance (the whole timing fell into a slow
phase) and the machine ran faster than this lately (the record file's recent
list), it times up to as many children again, once, hoping for a fast phase
(stopping after ``SLOW_PROBE`` if none of those saw it); the details say how
many and whether it helped.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from agnobench.measure.estimate import FAST_LEVEL_PCT, FAST_TOLERANCE, TimingEstimate, estimate
from agnobench.measure.machine import MachineSpeed, known, record_kernel
from agnobench.measure.settings import MeasureSettings
from agnobench.measure.timing import BurstPlan, ChildPairs, plan_bursts, timed_child, wait_for_fast
from agnobench.stats import percentile

Operation = Callable[[], Any]


@dataclass
class TimingMeasurement:
    plan: BurstPlan
    estimate: TimingEstimate
    machine: MachineSpeed
    children: int
    extra_children: int = 0  # timed again because the first children all ran in a slow phase
    slow_only: bool = False  # still no fast phase after that
    speeds: list[float] = field(default_factory=list)  # per child: best kernel ÷ its median kernel
    cpu_hops: int = 0  # moves to another CPU after a slow kernel burst, over all children
    waited_s: float = 0.0  # waited for a fast CPU before timing again

    def samples(self) -> dict[str, list[float]]:
        est, best = self.estimate, self.machine.best_ns
        return {"time_per_op_ns": est.values_ns, "ref_kernel_ns": est.value_kernel_ns,
                "time_per_op_rel": est.rel, "time_per_op_best_ns": [r * best for r in est.rel],
                "machine_speed": self.speeds}

    def details(self) -> dict[str, Any]:
        """The fields of ``agnobench.passes.timing.TimingResult``."""
        est = self.estimate
        per_child = len(est.values_ns) // self.children if self.children else 0
        return {
            "loops": self.plan.op_calls, "kernel_calls": self.plan.kernel_calls,
            "timing_processes": self.children, "values_per_process": per_child,
            "process_medians_ns": [statistics.median(est.values_ns[i:i + per_child])
                                   for i in range(0, len(est.values_ns), per_child or 1)],
            "pairs_per_process": self.plan.pairs, "warmup_pairs": self.plan.warmup_pairs,
            "fast_tolerance": FAST_TOLERANCE, "fast_share": est.fast_share,
            "kernel_fast_ns": est.kernel_fast_ns, "kernel_fast_level_ns": est.kernel_fast_level_ns,
            "kernel_median_ns": est.kernel_median_ns, "rerun_pct": est.rerun_pct,
            "extra_processes": self.extra_children, "slow_phase_only": self.slow_only,
            "cpu_hops": self.cpu_hops, "slow_wait_s": round(self.waited_s, 3),
            "speed_min": min(self.speeds, default=0.0), "speed_max": max(self.speeds, default=0.0),
            "machine": {**asdict(self.machine), "improved": self.machine.improved},
        }


# Timing again after an all-slow first round: this many children first; the rest only if one of them saw
# the fast phase. Measured over three default runs here, 12 more children found it for 2 scenarios of 14
# and cost ~1.3 s each time; a phase lasts seconds, so 4 children (~0.45 s) that see none predict the rest.
SLOW_PROBE = 4


def _slower_than_record(fast_level_ns: float, best_ns: float | None) -> bool:
    return best_ns is not None and fast_level_ns > (1 + FAST_TOLERANCE) * best_ns


def _slow(est: TimingEstimate, best_ns: float | None) -> bool:
    return _slower_than_record(est.kernel_fast_level_ns, best_ns)


def _reaches_fast(children: list[ChildPairs], fast_ns: float | None) -> bool:
    """Whether these children's kernel bursts reached ``fast_ns`` (as the estimate defines its fast level)."""
    kernels = [k for child in children for k in child.kernel_ns if k > 0]
    return bool(kernels) and fast_ns is not None and not _slower_than_record(percentile(kernels, FAST_LEVEL_PCT),
                                                                              fast_ns)


def measure_time(op: Operation, settings: MeasureSettings,
                 progress: Callable[[str], None] = lambda _: None) -> TimingMeasurement:
    progress("timing: sizing bursts")
    plan = plan_bursts(op, settings)
    best, recent = known()
    fast_ns = recent or best  # what a child takes for a fast CPU: what the machine has reached lately
    children: list[ChildPairs] = []
    for index in range(settings.processes):
        progress(f"timing: process {index + 1}/{settings.processes}")
        children.append(timed_child(op, plan, fast_ns))
    est = estimate(children, settings.value_pairs)
    extra, waited = 0, 0.0
    # timed again only if faster phases were seen lately: on a slow day, the slow phase is all there is
    if _slow(est, best) and (recent is None or _slow(est, recent)) and not settings.quick:
        progress("timing: slow phase, waiting for a fast CPU")
        assert fast_ns is not None  # slower than a record there is: there is one
        waited = wait_for_fast(plan, fast_ns, settings.slow_wait_s)
        for index in range(settings.processes):
            progress(f"timing: slow phase, process {index + 1}/{settings.processes} again")
            children.append(timed_child(op, plan, fast_ns))
            extra += 1
            if extra == SLOW_PROBE and not _reaches_fast(children[-SLOW_PROBE:], fast_ns):
                break  # the slow phase goes on: the rest would most likely be slow too
        est = estimate(children, settings.value_pairs)
    machine = record_kernel(est.kernel_fast_ns)
    speeds = [machine.best_ns / k for k in est.child_kernel_ns if k > 0]
    return TimingMeasurement(plan=plan, estimate=est, machine=machine, children=len(children),
                             extra_children=extra, slow_only=_slow(est, machine.best_ns), speeds=speeds,
                             cpu_hops=sum(child.hops for child in children), waited_s=waited)
