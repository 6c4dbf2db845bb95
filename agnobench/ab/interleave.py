"""Burst-by-burst interleaving of two sides, and the paired estimate of B ÷ A.

These VMs change speed by up to 2x for seconds at a time. Two versions timed
one after the other — even alternating whole processes — see different
phases: agno 3.1.5 against 3.1.10 read B/A from 0.61 to 1.79 that way here.
So both sides' measuring processes are alive at once, pinned to the same
CPU, and the parent alternates their bursts, each a few milliseconds:
``X0 Y0 X1 Y1 … Xn``. Every Y burst is set against the X bursts on both sides
of it, so a change of speed that lasts longer than a burst hits both alike,
and a drift within the three bursts cancels to first order.

The estimate: per process pair, the median of ``log(Y_i / mean(X_i, X_i+1))``
(the pair's B ÷ A, in logs; a pair whose first side was B is turned round).
Pairs are forks of one worker per side, and a worker's memory layout — where
its objects landed, which follows from its hash seed and even from the
length of its install path — moves time per op by a percent or two, the same
in all its forks: two identical copies of agno in two folders read
1.013 [1.007–1.019] with one worker each, and 0.989 to 1.006 under three
other hash seeds. So each scenario is measured under several *layouts* (a
fresh pair of workers with hash seed 1, 2, …), the estimate is the mean over
layouts of the mean of their pairs' medians, and its 95 % interval comes
from a two-level bootstrap (layouts, then pairs within each): a layout's
luck widens the interval instead of shifting the verdict. Pairs start
alternately with A and with B and on alternate CPUs, so neither the order
nor the CPU favours a side.
"""

from __future__ import annotations

import math
import random
import statistics
from dataclasses import dataclass, field
from typing import Sequence

BOOTSTRAP_RESAMPLES = 4000
CONFIDENCE = 0.95


@dataclass
class PairBursts:
    """One process pair's bursts in the order they ran: ns per call, the first side's and the other's."""

    first: str  # "a" or "b": whose burst opened (and closes) the sequence
    first_ns: list[float] = field(default_factory=list)  # n + 1 bursts
    second_ns: list[float] = field(default_factory=list)  # n bursts, each between two of the first side's
    cpu: int | None = None
    layout: int = 0  # which pair of workers (hash seed) the pair was forked from

    def a_ns(self) -> list[float]:
        return self.first_ns if self.first == "a" else self.second_ns

    def b_ns(self) -> list[float]:
        return self.second_ns if self.first == "a" else self.first_ns


@dataclass(frozen=True)
class Estimate:
    """B ÷ A with its 95 % interval, and each pair's own estimate."""

    ratio: float
    low: float
    high: float
    per_pair: tuple[float, ...]

    @property
    def change_pct(self) -> float:
        return (self.ratio - 1.0) * 100.0

    @property
    def significant(self) -> bool:
        """The interval excludes "no change"."""
        return self.low > 1.0 or self.high < 1.0

    def to_dict(self) -> dict[str, object]:
        return {"ratio": self.ratio, "low": self.low, "high": self.high, "per_pair": list(self.per_pair)}


def schedule(pair_index: int, cpus: int) -> tuple[str, int]:
    """Which side opens pair ``pair_index``, and its CPU: A and B take turns, CPUs rotate (A/B fastest)."""
    first = "a" if pair_index % 2 == 0 else "b"
    return first, (pair_index // 2) % max(cpus, 1)


def pair_log_ratios(pair: PairBursts) -> list[float]:
    """log(B ÷ A) for each inner burst against the mean of its two neighbours."""
    xs, ys = pair.first_ns, pair.second_ns
    if len(xs) != len(ys) + 1:
        raise ValueError(f"a pair needs one more burst of its first side: {len(xs)} and {len(ys)}")
    logs = [math.log(y / ((xs[i] + xs[i + 1]) / 2.0)) for i, y in enumerate(ys)]
    return logs if pair.first == "a" else [-v for v in logs]


def _grand_mean(groups: Sequence[Sequence[float]]) -> float:
    return statistics.fmean(statistics.fmean(group) for group in groups)


def bootstrap_interval(groups: Sequence[Sequence[float]], resamples: int = BOOTSTRAP_RESAMPLES,
                       seed: int = 0) -> tuple[float, float]:
    """The percentile interval of the mean of group means, resampling groups and then values within each."""
    rng = random.Random(seed)
    stats = []
    for _ in range(resamples):
        chosen = [rng.choice(groups) for _ in groups] if len(groups) > 1 else list(groups)
        stats.append(_grand_mean([[rng.choice(group) for _ in group] for group in chosen]))
    stats.sort()
    tail = (1.0 - CONFIDENCE) / 2.0
    return stats[int(tail * (resamples - 1))], stats[int((1.0 - tail) * (resamples - 1))]


def estimate(pairs: Sequence[PairBursts], seed: int = 0) -> Estimate:
    """B ÷ A over the pairs, grouped by layout (see the module's doc); needs one pair with an inner burst."""
    by_layout: dict[int, list[float]] = {}
    for pair in pairs:
        if pair.second_ns:
            by_layout.setdefault(pair.layout, []).append(statistics.median(pair_log_ratios(pair)))
    if not by_layout:
        raise ValueError("no interleaved bursts to estimate from")
    groups = list(by_layout.values())
    low, high = bootstrap_interval(groups, seed=seed)
    return Estimate(ratio=math.exp(_grand_mean(groups)), low=math.exp(low), high=math.exp(high),
                    per_pair=tuple(math.exp(m) for group in groups for m in group))


def side_medians(pairs: Sequence[PairBursts]) -> tuple[float, float]:
    """Each side's median ns per call over all its bursts (wall time, whatever the machine's speed)."""
    return (statistics.median(v for p in pairs for v in p.a_ns()),
            statistics.median(v for p in pairs for v in p.b_ns()))
