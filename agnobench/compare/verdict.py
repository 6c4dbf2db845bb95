"""The verdicts, and the rule that a regression needs significance *and* size.

A change inside the threshold is "unchanged" whatever a test says: with
dozens of samples a test finds a 0.3 % shift "significant", and nobody wants a
build failed for that. A change beyond the threshold that the test cannot
tell from noise is "not significant": reported, never failing. A change the
machine, not the code, may have made (:mod:`agnobench.compare.judgeable`) is
"inconclusive": reported with its reason, never a regression.
"""

from __future__ import annotations

import enum
import math


class Verdict(str, enum.Enum):
    regression = "regression"
    improvement = "improvement"
    unchanged = "unchanged"
    not_significant = "not significant"
    inconclusive = "inconclusive"


def decide(change_pct: float | None, threshold_pct: float, significant: bool, lower_is_better: bool,
           current: float = 0.0, inconclusive: bool = False) -> Verdict:
    """Verdict for one metric. ``change_pct`` None means the baseline was 0 and current is not.

    ``inconclusive``: the figure cannot be judged on these runs (a disturbed
    machine, a figure that is no measurement). A change beyond the threshold in
    the worse direction is then inconclusive (exit 3 if nothing failed); in the
    better direction it is "not significant": a disturbed machine must neither
    fail the gate nor claim an improvement.
    """
    if inconclusive and (change_pct is None or not math.isfinite(change_pct)):
        return Verdict.inconclusive
    change = change_pct if change_pct is not None else math.copysign(math.inf, current)
    if abs(change) <= threshold_pct:
        return Verdict.unchanged
    worse = change > 0 if lower_is_better else change < 0
    if inconclusive:
        return Verdict.inconclusive if worse else Verdict.not_significant
    if not significant:
        return Verdict.not_significant
    return Verdict.regression if worse else Verdict.improvement
