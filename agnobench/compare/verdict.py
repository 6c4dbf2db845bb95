"""The four verdicts, and the rule that a regression needs significance *and* size.

A change inside the threshold is "unchanged" whatever a test says: with
dozens of samples a test finds a 0.3 % shift "significant", and nobody wants a
build failed for that. A change beyond the threshold that the test cannot
tell from noise is "not significant": reported, never failing.
"""

from __future__ import annotations

import enum
import math


class Verdict(str, enum.Enum):
    regression = "regression"
    improvement = "improvement"
    unchanged = "unchanged"
    not_significant = "not significant"


def decide(change_pct: float | None, threshold_pct: float, significant: bool, lower_is_better: bool,
           current: float = 0.0) -> Verdict:
    """Verdict for one metric. ``change_pct`` None means the baseline was 0 and current is not."""
    change = change_pct if change_pct is not None else math.copysign(math.inf, current)
    if abs(change) <= threshold_pct:
        return Verdict.unchanged
    if not significant:
        return Verdict.not_significant
    worse = change > 0 if lower_is_better else change < 0
    return Verdict.regression if worse else Verdict.improvement
