"""Capacity at a latency goal: the highest fixed arrival rate a server holds with p99 ≤ the goal and no errors.

The search runs fixed-rate (open-loop) trials, each latency counted from the
request's scheduled send, so a server that falls behind shows its queueing
in p99 instead of slowing the generator down (no coordinated omission). It
starts at a rate the closed-loop levels suggest and moves by doubling or
halving until it has a rate that met the goal and one that did not, then
bisects between them (geometrically) until they are within ``precision`` of
each other or the trial budget is spent. The capacity is the highest rate
that met the goal; the windows repeated at that rate give its ± and show
whether they agree.

The search itself (:func:`search`) only sees a function ``rate -> Trial``, so
tests drive it with a synthetic server whose knee is known.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

DEFAULT_GOAL_MS = 100.0
DISAGREE_RATIO = 2.0  # repeated windows at one rate whose p99s differ more than this are said to disagree


@dataclass(frozen=True)
class Trial:
    """One fixed-rate window: what was asked, what came back, and whether it met the goal."""

    rate: float
    p99_ns: float
    errors: int  # socket errors, timeouts (wrong answers fail the scenario before this)
    good: int
    goal_ns: float

    @property
    def met(self) -> bool:
        return self.good > 0 and self.errors == 0 and self.p99_ns <= self.goal_ns


@dataclass
class Search:
    """The trials in the order run, and the outcome."""

    goal_ns: float
    trials: list[Trial] = field(default_factory=list)
    capacity: float | None = None  # the highest rate that met the goal; None: not met even at the lowest tried
    bracketed: bool = False  # a higher rate missed the goal within ``precision``: the capacity is found, not a floor

    @property
    def lowest(self) -> Trial | None:
        return min(self.trials, key=lambda t: t.rate) if self.trials else None


def search(trial: Callable[[float], Trial], start: float, floor: float, ceiling: float, precision: float = 0.1,
           max_trials: int = 8) -> Search:
    """Find the highest rate in [floor, ceiling] whose trial meets the goal (see the module's docstring)."""
    rate = min(max(start, floor), ceiling)
    met_at: float | None = None
    failed_at: float | None = None
    result: Search | None = None
    for _ in range(max_trials):
        outcome = trial(rate)
        if result is None:
            result = Search(goal_ns=outcome.goal_ns)
        result.trials.append(outcome)
        if outcome.met:
            met_at = max(met_at or rate, rate)
        else:
            failed_at = min(failed_at or rate, rate)
        if failed_at is None:  # met so far: go up
            if rate >= ceiling:
                break
            rate = min(rate * 2, ceiling)
        elif met_at is None:  # not met yet: go down
            if rate <= floor:
                break
            rate = max(rate / 2, floor)
        else:
            if failed_at <= met_at * (1 + precision):
                break
            rate = math.sqrt(met_at * failed_at)
    assert result is not None, "max_trials must be at least 1"
    result.capacity = met_at
    result.bracketed = met_at is not None and failed_at is not None and failed_at <= met_at * (1 + precision)
    return result


def disagreement(p99s: list[float]) -> str:
    """A warning when repeated windows at one rate disagree (the slowest p99 over twice the fastest), else ''."""
    positive = [p for p in p99s if p > 0]
    if len(positive) < 2 or max(positive) <= DISAGREE_RATIO * min(positive):
        return ""
    return (f"windows disagree: p99 {' / '.join(f'{p / 1e6:.3g} ms' for p in p99s)} (slowest over "
            f"{DISAGREE_RATIO:g}× the fastest): the machine was disturbed, or the rate sits on the knee")
