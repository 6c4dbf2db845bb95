"""Is a difference between two sets of samples real? Tests for the gate.

The main test is Mann-Whitney U (scipy), as benchstat and asv use: it makes
no assumption about the shape of the distributions, which on noisy shared
machines are skewed and multi-modal, and a few outliers cannot drag it.

Mann-Whitney cannot reach significance with very few samples (3 against 3
gives at best p = 0.1, two-sided), and the memory pass records just 3
rounds whose values barely move. For those the gate falls back to asking
whether the two sample ranges overlap at all, as asv falls back to comparing
confidence intervals: separate ranges of near-deterministic figures are a
real difference, overlapping ranges are not.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Sequence

TEST_MANN_WHITNEY = "mann-whitney"
TEST_RANGES = "ranges"
TEST_NONE = "none"


@dataclass(frozen=True)
class Significance:
    """The outcome of one test: which test, its p-value if it has one, and the decision."""

    test: str
    significant: bool
    p_value: float | None = None
    reason: str = ""


def change_pct(baseline: float, current: float) -> float | None:
    """Current against baseline in percent; None when the baseline is 0 (no ratio exists)."""
    if baseline == 0:
        return 0.0 if current == 0 else None
    return 100.0 * (current - baseline) / abs(baseline)


def smallest_p(n1: int, n2: int) -> float:
    """The smallest two-sided exact Mann-Whitney p-value that n1 against n2 samples can give.

    2 / C(n1 + n2, n1), computed through logarithms: the binomial coefficient of
    a merged file's ~500 samples a side has hundreds of digits, more than a float
    holds (``2.0 / math.comb(...)`` raised OverflowError there); its p underflows to 0.
    """
    log_comb = math.lgamma(n1 + n2 + 1) - math.lgamma(n1 + 1) - math.lgamma(n2 + 1)
    return min(1.0, math.exp(math.log(2.0) - log_comb))


def mann_whitney_p(baseline: Sequence[float], current: Sequence[float]) -> float:
    """Two-sided Mann-Whitney U p-value, ties corrected.

    scipy's ``method="auto"`` takes the exact distribution for small samples
    without ties and the normal approximation otherwise (any size: thousands of
    samples a side cost milliseconds); an exact test on large samples would be
    slow and no more useful.
    """
    if len(set(baseline) | set(current)) == 1:
        return 1.0  # every value equal: nothing to rank
    from scipy.stats import mannwhitneyu  # imported here: scipy takes a while, `agnobench list` should not wait

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(mannwhitneyu(baseline, current, alternative="two-sided").pvalue)


def ranges_separate(baseline: Sequence[float], current: Sequence[float]) -> bool:
    return max(baseline) < min(current) or max(current) < min(baseline)


def significance(baseline: Sequence[float], current: Sequence[float], alpha: float = 0.05) -> Significance:
    """Mann-Whitney U when the sample counts allow p <= alpha; otherwise whether the ranges overlap."""
    n1, n2 = len(baseline), len(current)
    if n1 < 2 or n2 < 2:
        return Significance(TEST_NONE, False, None, f"too few samples ({n1} and {n2}) for any test")
    if smallest_p(n1, n2) > alpha:
        separate = ranges_separate(baseline, current)
        return Significance(TEST_RANGES, separate, None,
                            f"{n1} and {n2} samples: too few for Mann-Whitney at alpha {alpha:g}; "
                            f"ranges {'do not overlap' if separate else 'overlap'}")
    p = mann_whitney_p(baseline, current)
    return Significance(TEST_MANN_WHITNEY, p <= alpha, p)

