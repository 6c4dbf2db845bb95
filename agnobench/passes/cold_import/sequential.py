"""Sequential stopping: take paired samples until the median's 95 % interval is narrow enough.

A fixed count of pairs is either wasteful or too few: 20 fresh-interpreter
pairs of a light import settle in seconds, while 20 pairs of a heavy one
(CrewAI, seconds an import on a shared 2-core VM) cost minutes and may still be
wide when the machine is busy. So a measurement says how precise it wants to
be (``target_pct``), and pairs are taken until the median's 95 % interval lies
within ± that share of the median, with a floor (``min_pairs``: the interval
needs some pairs before it means anything), a ceiling (``max_pairs``) and a
time budget. A figure that stops on the ceiling or the budget says so: its
interval is reported as it is, with the target it missed.

The interval is the distribution-free one for a median, from order
statistics (the sign-test interval): ``[x_(k), x_(n-k+1)]`` with ``k`` the
largest rank for which ``P(Binomial(n, ½) < k) ≤ 2.5 %``. It assumes nothing
about the shape of the samples, which on a busy machine have a long right
tail (a preempted interpreter), and it is computed exactly, so a test can
check it. Stopping when the interval is narrow (never on the value of the
median) is the fixed-width interval procedure (Chow and Robbins, 1965): the
stopping rule looks at the interval's width, not at where it lies, and its
coverage tends to the stated 95 % as the target narrows.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Sequence

CONFIDENCE = 0.95
# Fewer than 6 samples have no 95 % interval for a median: even [min, max] covers only 1 - 2/2^n (93.8 % at 5).
MIN_INTERVAL_SAMPLES = 6

STOP_INTERVAL = "interval"  # the interval reached the target
STOP_MAX_PAIRS = "max_pairs"  # the ceiling came first: the interval is wider than the target
STOP_BUDGET = "budget"  # the time budget came first: the interval is wider than the target
STOP_FIXED = "fixed"  # a fixed count was asked for (no target)


@dataclass(frozen=True)
class MedianInterval:
    """The median of the samples and its distribution-free interval (``coverage`` ≥ 95 %, exactly computed)."""

    median: float
    low: float
    high: float
    coverage: float

    @property
    def half_width_pct(self) -> float:
        """The interval's larger side, in % of the median's size (inf for a median of 0)."""
        side = max(self.median - self.low, self.high - self.median)
        return math.inf if self.median == 0 else 100.0 * side / abs(self.median)


def _rank(n: int) -> tuple[int, float]:
    """The largest k with P(B < k) ≤ (1 - CONFIDENCE) / 2 for B ~ Binomial(n, ½), and the interval's coverage."""
    tail, k, below = (1.0 - CONFIDENCE) / 2.0, 0, 0.0
    while True:
        nxt = below + math.comb(n, k) / 2.0**n  # P(B ≤ k) = P(B < k + 1)
        if nxt > tail:
            break
        below, k = nxt, k + 1
    return k, 1.0 - 2.0 * below


def median_interval(samples: Sequence[float]) -> MedianInterval | None:
    """The median and its 95 % interval from order statistics; None below ``MIN_INTERVAL_SAMPLES``."""
    n = len(samples)
    if n < MIN_INTERVAL_SAMPLES:
        return None
    ordered = sorted(float(x) for x in samples)
    k, coverage = _rank(n)
    return MedianInterval(float(statistics.median(ordered)), ordered[k - 1], ordered[n - k], coverage)


@dataclass(frozen=True)
class StoppingRule:
    """When to stop taking pairs. ``target_pct`` 0 means a fixed count: exactly ``max_pairs``."""

    min_pairs: int
    max_pairs: int
    target_pct: float = 0.0  # the interval must lie within ± this % of the median
    budget_s: float = 0.0  # seconds of pairs; 0: no budget. The pairs under way when it runs out still finish

    @classmethod
    def fixed(cls, pairs: int) -> "StoppingRule":
        return cls(min_pairs=pairs, max_pairs=pairs)

    def reached(self, interval: MedianInterval | None) -> bool:
        return self.target_pct > 0 and interval is not None and interval.half_width_pct <= self.target_pct

    def stop(self, samples: Sequence[float], elapsed_s: float) -> str | None:
        """Why to stop after these samples (one of the ``STOP_*``), or None to take another pair.

        The floor comes first (the interval needs it, whatever the budget); then the target; then the
        ceiling; then the budget, counted ahead: stop when one more pair, at the mean pace so far, would
        overrun it."""
        n = len(samples)
        if n < self.min_pairs:
            return None
        if self.target_pct <= 0:
            return STOP_FIXED if n >= self.max_pairs else None
        if self.reached(median_interval(samples)):
            return STOP_INTERVAL
        if n >= self.max_pairs:
            return STOP_MAX_PAIRS
        if self.budget_s > 0 and elapsed_s + elapsed_s / n > self.budget_s:
            return STOP_BUDGET
        return None
