"""From paired bursts to the figures: wall time, time/kernel in the fast phase, and a rerun's ±.

Measured on these VMs (docs/timing.md): the slow phase does not slow the op
and the kernel alike — a ``__slots__`` object's time/kernel rises ~10 % in
it — so a ratio taken over all pairs moves with how much of the run fell in
the slow phase (3-7 % between runs). Taken only over the pairs whose kernel
burst ran at the fast level (within ``FAST_TOLERANCE`` of the scenario's
fastest 5 % of kernel bursts), it held within ~0.5 % (s.d.) between runs.
Low quantiles of the ratios were worse (a preempted kernel burst makes a tiny
ratio), ratios of sums far worse (one preempted burst dominates a sum).

What still varies is the forked process itself (~0.9 % from one child to the
next), so the ± is a bootstrap over children: resample the children, take
the median again; ``rerun_pct`` is the 95 % half-width of the difference
between this run and an independent rerun (√2 × 1.96 × the bootstrap s.d.).
"""

from __future__ import annotations

import random
import statistics
from dataclasses import dataclass, field
from typing import Sequence, TypeVar

from agnobench.measure import ablation
from agnobench.stats import percentile

# A pair is "fast" when its kernel bursts are within this of the fast level. Set on 10 runs' raw pairs of
# agent-create-simple: 10-run spread of time/kernel 0.87 % at 15 %, 1.45 % at 8 %, 1.37 % at 25 % (docs/timing.md).
FAST_TOLERANCE = 0.15
FAST_LEVEL_PCT = 5.0  # the fast level: this percentile of the kernel bursts; not varied (docs/timing.md, Constants)
BOOTSTRAP_ROUNDS = 400  # derived, not measured: the ±'s own sampling error is then ~3.5 % of it (1 / √(2 × 399))
_MIN_FAST_IN_VALUE = 3  # fewest fast pairs behind a value's median; not varied (docs/timing.md, Constants)


@dataclass
class ChildPairs:
    """One child's pairs: ns per call of each op burst, and of the kernel burst right after it."""

    op_ns: list[float] = field(default_factory=list)
    kernel_ns: list[float] = field(default_factory=list)
    kernel_before_ns: list[float] = field(default_factory=list)  # the kernel burst right before each op burst
    hops: int = 0  # times the child moved to another CPU after a slow kernel burst


@dataclass
class TimingEstimate:
    # wall ns/op per value: the median of its op bursts, whatever the phase (time_per_op_ns); a median, as
    # pyperf's figure is, so a burst the scheduler preempted (a busy machine: often) does not count
    values_ns: list[float] = field(default_factory=list)
    value_kernel_ns: list[float] = field(default_factory=list)  # the kernel's ns/call beside each value, alike
    rel: list[float] = field(default_factory=list)  # per value: median op/kernel of its fast pairs
    child_rel: list[float] = field(default_factory=list)  # per child: the same over the child's fast pairs
    child_kernel_ns: list[float] = field(default_factory=list)  # per child: median kernel burst
    kernel_fast_level_ns: float = 0.0  # the percentile that defines "fast"
    kernel_fast_ns: float = 0.0  # median kernel burst among the fast pairs
    kernel_median_ns: float = 0.0  # median of all kernel bursts
    fast_share: float = 0.0  # pairs that ran in the fast phase
    fast_children: int = 0  # children with at least a value's worth (value_pairs) of fast pairs
    pairs: int = 0
    rerun_pct: float = 0.0  # ± of a rerun, 95 %, in % of the headline


T = TypeVar("T")


def _groups(values: Sequence[T], size: int) -> list[list[T]]:
    """Consecutive groups of ``size``; a short tail joins the last group."""
    groups = [list(values[i:i + size]) for i in range(0, len(values), size)]
    if len(groups) > 1 and len(groups[-1]) < size:
        groups[-2].extend(groups.pop())
    return groups


def _pair_ratios(child: ChildPairs, threshold: float) -> list[float | None]:
    """Per pair: op ÷ the mean of the kernel bursts right before and right after it, when both ran in
    the fast phase (else None). A phase that changes during the op burst shows in one of the two."""
    before = child.kernel_before_ns or [0.0] * len(child.op_ns)
    ratios: list[float | None] = []
    for op, ahead, after in zip(child.op_ns, before, child.kernel_ns):
        ahead = ahead or after  # the first burst of a child without warm-up has no kernel before it
        ratios.append(2 * op / (ahead + after) if 0 < ahead <= threshold and 0 < after <= threshold else None)
    return ratios


def _value_rels(ratios: list[float | None], value_pairs: int) -> list[float]:
    """Per value (``value_pairs`` consecutive pairs): the median of its fast pairs' ratios, if it has enough."""
    rels = []
    for group in _groups(ratios, value_pairs):
        fast = [r for r in group if r is not None]
        if len(fast) >= _MIN_FAST_IN_VALUE:
            rels.append(statistics.median(fast))
    return rels


def rerun_pct(per_child: Sequence[Sequence[float]], seed: int = 0) -> float:
    """95 % half-width of (this run − a rerun), in %: bootstrap over children of the pooled median."""
    children = [list(c) for c in per_child if c]
    if len(children) < 2:
        return 0.0
    center = statistics.median([x for c in children for x in c])
    rng = random.Random(seed)  # the same files give the same ±
    medians = []
    for _ in range(BOOTSTRAP_ROUNDS):
        pick = rng.choices(children, k=len(children))
        medians.append(statistics.median([x for c in pick for x in c]))
    return 100 * 1.96 * 2 ** 0.5 * statistics.stdev(medians) / center if center else 0.0


def estimate(children: Sequence[ChildPairs], value_pairs: int) -> TimingEstimate:
    kernels = [k for c in children for k in c.kernel_ns]
    out = TimingEstimate(pairs=len(kernels))
    if not kernels:
        return out
    out.kernel_fast_level_ns = percentile(kernels, FAST_LEVEL_PCT)
    threshold = (1 + FAST_TOLERANCE) * out.kernel_fast_level_ns
    if ablation.off("fast_pairs"):
        threshold = float("inf")  # every pair counts, whatever its phase
    out.kernel_median_ns = float(statistics.median(kernels))
    fast_kernels = [k for k in kernels if k <= threshold]
    out.kernel_fast_ns = float(statistics.median(fast_kernels))
    out.fast_share = len(fast_kernels) / len(kernels)
    per_child_values = []
    for child in children:
        for ops, kernel in zip(_groups(child.op_ns, value_pairs), _groups(child.kernel_ns, value_pairs)):
            out.values_ns.append(float(statistics.median(ops)))
            out.value_kernel_ns.append(float(statistics.median(kernel)))
        ratios = _pair_ratios(child, threshold)
        values = _value_rels(ratios, value_pairs)
        out.rel.extend(values)
        per_child_values.append(values)
        fast = [r for r in ratios if r is not None]
        if fast:
            out.child_rel.append(float(statistics.median(fast)))
        out.fast_children += len(fast) >= value_pairs
        if child.kernel_ns:
            out.child_kernel_ns.append(float(statistics.median(child.kernel_ns)))
    out.rerun_pct = rerun_pct(per_child_values)
    return out
