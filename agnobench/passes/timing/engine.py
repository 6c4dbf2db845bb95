"""The timing pass's measurement: paired bursts, the fast-phase figure, the machine's speed.

``time_per_op_ns`` stays the honest wall time (every burst, whatever the
machine's phase). The headline, ``time_per_op_best_ns``, is time/kernel over
the fast-phase pairs (``time_per_op_rel``) × the fastest kernel time this
machine has shown (:mod:`agnobench.measure.machine`): the op's time on this
machine at its full speed. It moves only when the op does — or, once, when
the machine sets a new best kernel time (the details say so).

If the pairs it counted ran the kernel more than the fast tolerance slower
than the machine's recent fast phase (the record file's recent list; without
one, the record), the timing fell into a slow phase: it times children
again, each after waiting for a CPU at that fast level, until
``FAST_CHILDREN`` of all its children ran there (:func:`_time_again`); the
details say how many, how long it waited and whether it helped. Measured
here (docs/timing.md): in a middle slow phase (kernel ~1.35x its fast time)
agent creation reads 3-12 % high against the kernel, while in the deep one
(~1.6-1.9x) it reads right; a timing wholly in the middle phase takes it for
the fast phase, as it is the fastest it saw.
"""

from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from agnobench.measure import ablation
from agnobench.passes.timing.estimate import FAST_TOLERANCE, TimingEstimate, estimate
from agnobench.measure.machine import MachineSpeed, known, record_kernel
from agnobench.core.settings import MeasureSettings
from agnobench.passes.timing.bursts import BurstPlan, plan_bursts, timed_child, wait_for_fast
from agnobench.passes.timing.estimate import ChildPairs

Operation = Callable[[], Any]


@dataclass
class TimingMeasurement:
    plan: BurstPlan
    estimate: TimingEstimate
    machine: MachineSpeed
    children: int
    extra_children: int = 0  # timed again because the first children's counted pairs ran in a slow phase
    slow_only: bool = False  # still slower than the machine's recent fast phase (else its record) after that
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
            "fast_tolerance": FAST_TOLERANCE, "fast_share": est.fast_share, "fast_processes": est.fast_children,
            "kernel_fast_ns": est.kernel_fast_ns, "kernel_fast_level_ns": est.kernel_fast_level_ns,
            "kernel_median_ns": est.kernel_median_ns, "rerun_pct": est.rerun_pct,
            "extra_processes": self.extra_children, "slow_phase_only": self.slow_only,
            "cpu_hops": self.cpu_hops, "slow_wait_s": round(self.waited_s, 3),
            "speed_min": min(self.speeds, default=0.0), "speed_max": max(self.speeds, default=0.0),
            "machine": {**asdict(self.machine), "improved": self.machine.improved},
        }


# Timing again after a slow first round: until this many children ran in the fast phase (a value's worth of
# fast pairs each, ~10 % of a child's). One fast child would set the fast level alone and make the figure its
# own, and children differ by 1-6 % when the machine is busy.
FAST_CHILDREN = 4


def _slow(est: TimingEstimate, best_ns: float | None) -> bool:
    """Whether even the scenario's fastest kernel bursts ran slower than the machine's record."""
    return best_ns is not None and est.kernel_fast_level_ns > (1 + FAST_TOLERANCE) * best_ns


def _slower_than_lately(est: TimingEstimate, best_ns: float | None, recent_ns: float | None) -> bool:
    """Whether the counted pairs ran slower than the machine's recent fast phase: their median kernel against
    the recent list's (each entry is a scenario's median kernel over its counted pairs, so like is compared with
    like). Without a recent entry, the fastest kernel bursts against the record."""
    if recent_ns is None:
        return _slow(est, best_ns)
    return est.kernel_fast_ns > (1 + FAST_TOLERANCE) * recent_ns


def _needs_more(est: TimingEstimate, best_ns: float | None, recent_ns: float | None) -> bool:
    """While timing again: whether it still ran slower than the machine has lately, or too few of its
    children ran in the fast phase for their median to hold."""
    return _slower_than_lately(est, best_ns, recent_ns) or est.fast_children < FAST_CHILDREN


def _time_again(op: Operation, plan: BurstPlan, settings: MeasureSettings, children: list[ChildPairs],
                fast_ns: float, best: float | None, recent: float | None,
                progress: Callable[[str], None]) -> tuple[list[ChildPairs], float]:
    """Children again, each after waiting for a CPU at ``fast_ns`` (the recent fast level, else the record),
    until the timing no longer :func:`_needs_more`, ``processes`` more were timed, or ``slow_wait_s`` of
    waiting in all found no fast CPU. A wait per child, not one before them all: measured here, a fast spell
    the wait found often lasted one or two children, and the phase after it was slow again. The children timed
    again and the seconds waited."""
    extra: list[ChildPairs] = []
    waited = 0.0
    while len(extra) < settings.processes and _needs_more(estimate(children + extra, settings.value_pairs),
                                                           best, recent):
        progress(f"timing: slow phase, waiting for a fast CPU ({len(extra)} processes timed again)")
        found, seconds = wait_for_fast(plan, fast_ns, settings.slow_wait_s - waited)
        waited += seconds
        if not found:
            break  # no CPU ran fast within the budget: more children would be slow as well
        progress(f"timing: slow phase, process {len(extra) + 1} again")
        extra.append(timed_child(op, plan, fast_ns))
    return extra, waited


def measure_time(op: Operation, settings: MeasureSettings,
                 progress: Callable[[str], None] = lambda _: None) -> TimingMeasurement:
    progress("timing: sizing bursts")
    plan = plan_bursts(op, settings)
    best, recent = known()
    if ablation.off("recent_fast"):
        recent = None  # the record alone says what fast is
    fast_ns = recent or best  # what a child takes for a fast CPU: what the machine has reached lately
    children: list[ChildPairs] = []
    for index in range(settings.processes):
        progress(f"timing: process {index + 1}/{settings.processes}")
        children.append(timed_child(op, plan, fast_ns))
    est = estimate(children, settings.value_pairs)
    extra: list[ChildPairs] = []
    waited = 0.0
    # timed again only if faster phases were seen lately: on a slow day, the slow phase is all there is
    if not settings.quick and not ablation.off("retime") and _slower_than_lately(est, best, recent):
        assert fast_ns is not None  # slower than a recent level or a record: there is one
        extra, waited = _time_again(op, plan, settings, children, fast_ns, best, recent, progress)
        children += extra
        est = estimate(children, settings.value_pairs)
    machine = record_kernel(est.kernel_fast_ns)
    speeds = [machine.best_ns / k for k in est.child_kernel_ns if k > 0]
    return TimingMeasurement(plan=plan, estimate=est, machine=machine, children=len(children),
                             extra_children=len(extra), slow_only=_slower_than_lately(est, best, recent),
                             speeds=speeds, cpu_hops=sum(child.hops for child in children), waited_s=waited)
