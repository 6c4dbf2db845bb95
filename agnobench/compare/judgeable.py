"""Can this metric be judged on these two runs? The gate's rule for figures the machine's speed moves.

These 2-vCPU VMs change speed by 50–70 % for seconds at a time. A time figure
paired with the reference kernel (``time_per_op_rel``) survives most of that;
a raw wall-time figure does not: between two runs of unchanged code the
concurrency scenarios' wall/op moved by up to +434 % (issue 20). So:

- a wall-time figure with no kernel beside it gates only with a threshold at
  least as wide as its *measured* rerun spread — the spread of the run medians
  a merged file records (``agnobench merge``, ``details.run_medians``). One run
  a side measures no rerun spread, so there the figure is shown, not gated;
- a wall-time figure whose rerun spread is beyond ``WALL_SPREAD_LIMIT_PCT``,
  and a kernel-paired figure whose two sides ran at machine speeds too far
  apart (their fastest kernel bursts more than ``KERNEL_SHIFT_LIMIT_PCT``
  apart, or a side timed only in the slow phase) or whose change is within
  the two runs' own rerun ± added together (each timed run states it), cannot be
  judged: a change beyond the threshold there is *inconclusive*, with the
  reason, never a regression;
- a figure that cannot be a measurement (non-finite; a time, ratio or rate
  of zero or less; a negative byte or allocation count) is never an
  improvement: in the baseline it leaves the metric inconclusive, in the
  current run :func:`agnobench.compare.core.lost_metrics` fails the scenario.

A threshold the user gave this metric itself (the scenario file's
``[thresholds]``, ``--metric-threshold``) is taken as given: they chose it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Sequence

from agnobench.compare.stats import change_pct
from agnobench.compare.thresholds import SOURCE_DEFAULT, SOURCE_GLOBAL, TIME_RAW, TIME_REL, Rule
from agnobench.core.registry import metric_info
from agnobench.results import ScenarioResult
from agnobench.results_merge import RUN_MEDIANS

WALL_SPREAD_LIMIT_PCT = 50.0  # a rerun spread beyond this: the machine, not the code, decides the figure
KERNEL_SHIFT_LIMIT_PCT = 25.0  # the sides' fastest kernel bursts further apart than this: speeds too different
SOURCE_RERUNS = "rerun spread"
SOURCE_NO_RERUNS = "no rerun spread"
_TIME_UNITS = ("ns", "ratio", "1/s")
_COUNT_UNITS = ("B", "count")


@dataclass(frozen=True)
class Judgement:
    """The rule a metric is held to on these two runs, and why a beyond-threshold change is not a verdict."""

    rule: Rule
    inconclusive: str = ""  # non-empty: a regression-sized change is reported inconclusive, for this reason
    invalid: bool = False  # a side's figure is no measurement: inconclusive whatever the change
    note: str = ""  # why the rule differs from the policy's (shown beside the threshold)


def invalid_figure(metric: str, value: float) -> str:
    """Why ``value`` cannot be a measurement of ``metric``, or ''."""
    if not math.isfinite(value):
        return f"median {value}"
    unit = metric_info(metric).unit
    if unit in _TIME_UNITS and value <= 0:
        return f"median {value:g} (a time, ratio or rate must be positive)"
    if unit in _COUNT_UNITS and value < 0:
        return f"median {value:g} (negative: noise, not measurable here)"
    return ""


def run_medians(result: ScenarioResult, metric: str) -> list[float]:
    stored = result.details.get(RUN_MEDIANS)
    values = stored.get(metric) if isinstance(stored, dict) else None
    if not isinstance(values, list):
        return []
    return [float(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v)]


def spread_pct(medians: Sequence[float]) -> float | None:
    """(max − min) ÷ median of a side's run medians, in %; None for fewer than two runs."""
    if len(medians) < 2:
        return None
    ordered = sorted(medians)
    middle = ordered[len(ordered) // 2] if len(ordered) % 2 else (ordered[len(ordered) // 2 - 1]
                                                                  + ordered[len(ordered) // 2]) / 2
    if middle <= 0:
        return None
    return 100.0 * (ordered[-1] - ordered[0]) / middle


def rerun_spread_pct(base: ScenarioResult, cur: ScenarioResult, metric: str) -> float | None:
    """The larger of the two sides' rerun spreads; None unless both sides pooled two runs or more."""
    spreads = [spread_pct(run_medians(result, metric)) for result in (base, cur)]
    if any(s is None for s in spreads):
        return None
    return max(s for s in spreads if s is not None)


def _fast_kernel_ns(result: ScenarioResult) -> float | None:
    """The fastest kernel bursts of a run's timing (None for a merged file or one from before paired bursts:
    a pooled file's gate is its rounds, and the kernel's plain median moves with every slow phase)."""
    facts = result.result_of("timing")
    fast = float(getattr(facts, "kernel_fast_ns", 0.0) or 0.0) if facts is not None else 0.0
    return fast if fast > 0 and math.isfinite(fast) else None


def _slow_phase_only(result: ScenarioResult) -> bool:
    facts = result.result_of("timing")
    return bool(getattr(facts, "slow_phase_only", False)) if facts is not None else False


def rerun_pct(result: ScenarioResult) -> float | None:
    """The timing pass's ± of a rerun of time/op (95 %, bootstrap over its timing processes), or None."""
    facts = result.result_of("timing")
    value = float(getattr(facts, "rerun_pct", 0.0) or 0.0) if facts is not None else 0.0
    return value if value > 0 and math.isfinite(value) else None


def within_rerun_noise(base: ScenarioResult, cur: ScenarioResult, change: float | None) -> str:
    """Why a kernel-paired change cannot be told from a rerun of either side, or ''.

    Each timed run states how far a rerun may move its time/op (``rerun_pct``,
    the ± under the suite table, a 95 % bound). Each side may be off by its ±
    in opposite directions, so a change no larger than the two added is what
    two runs of the same code can give: on a busy machine runs carry ±15–20 %,
    and a +10 % "regression" between two of them is the machine's. (The root
    of the sum of squares, tried first, let a +5.9 % false alarm through
    between two runs of ±3.7 % and ±4.0 %; docs/ci-gate.md has the trials.)
    """
    a, b = rerun_pct(base), rerun_pct(cur)
    if a is None or b is None or change is None or not math.isfinite(change):
        return ""
    combined = a + b
    if abs(change) <= combined:
        return (f"change {change:+.1f} % within the two runs' combined rerun ± {combined:.1f} % "
                f"({a:.1f} % and {b:.1f} %): the machine was too disturbed to tell it from a rerun")
    return ""


def within_run_spread(base: ScenarioResult, cur: ScenarioResult, metric: str, change: float | None) -> str:
    """For pooled files (``agnobench merge``): why a change is within the spread of either side's own runs, or ''.

    A merged file keeps no timing pass of its own, so no rerun ±; it keeps each
    run's median (``details.run_medians``). When one side's runs lie further
    apart than the two sides' pooled medians, the machine moved whole runs by
    more than the change: measured on a busy machine, ``agent-run-tool``'s
    three runs a side spread 12.5 % and 13.4 % around a pooled +4.1 %.
    """
    spread = rerun_spread_pct(base, cur, metric)
    if spread is None or change is None or not math.isfinite(change) or abs(change) > spread:
        return ""
    return (f"change {change:+.1f} % within the spread of one side's own runs ({spread:.1f} %, their medians' "
            "range): the machine moved whole runs by more than that")


def machine_disturbed(base: ScenarioResult, cur: ScenarioResult, change: float | None = None) -> str:
    """Why the two sides' machine speeds (or rerun spreads) are too far apart to judge a kernel-paired time, or ''."""
    slow = [side for side, result in (("baseline", base), ("current", cur)) if _slow_phase_only(result)]
    if slow:
        return f"the {' and '.join(slow)} run was timed only while the machine ran slow (time/kernel reads high there)"
    a, b = _fast_kernel_ns(base), _fast_kernel_ns(cur)
    if a and b:
        shift = 100.0 * (max(a, b) / min(a, b) - 1)
        if shift > KERNEL_SHIFT_LIMIT_PCT:
            return (f"the machine ran at different speeds: fastest kernel bursts {a:,.0f} ns against {b:,.0f} ns "
                    f"({shift:.0f} % apart, over {KERNEL_SHIFT_LIMIT_PCT:g} %)")
    return within_rerun_noise(base, cur, change) or within_run_spread(base, cur, TIME_REL, change)


def judge(metric: str, rule: Rule, base: ScenarioResult, cur: ScenarioResult) -> Judgement:
    """The rule of :mod:`agnobench.compare.thresholds`, adjusted for what the machine did to these two runs."""
    if not rule.gated:  # shown for information: a negative overhead or a difference is a figure there
        return Judgement(rule)
    bad_baseline = invalid_figure(metric, base.metrics[metric].median)
    if bad_baseline:
        return Judgement(rule, inconclusive=f"baseline {bad_baseline}: nothing to judge against", invalid=True)
    bad_current = invalid_figure(metric, cur.metrics[metric].median)
    if bad_current:
        return Judgement(rule, inconclusive=f"current {bad_current}", invalid=True)
    if metric == TIME_REL:
        change = change_pct(base.metrics[metric].median, cur.metrics[metric].median)
        return Judgement(rule, inconclusive=machine_disturbed(base, cur, change))
    if rule.source not in (SOURCE_DEFAULT, SOURCE_GLOBAL) or metric != TIME_RAW:
        return Judgement(rule)
    spread = rerun_spread_pct(base, cur, metric)
    if spread is None:
        return Judgement(replace(rule, gated=False, source=SOURCE_NO_RERUNS),
                         note="wall time moves with the machine: one run a side measures no rerun spread, so it "
                              "is shown, not gated (pool runs with `agnobench merge` to gate it)")
    widened = replace(rule, threshold_pct=max(rule.threshold_pct, round(spread, 1)),
                      source=SOURCE_RERUNS if spread > rule.threshold_pct else rule.source)
    if spread > WALL_SPREAD_LIMIT_PCT:
        return Judgement(widened, inconclusive=f"rerun spread {spread:.0f} % (over {WALL_SPREAD_LIMIT_PCT:g} %): "
                                               "the machine moved this wall time more than any code change could "
                                               "be told from", note="threshold widened to the rerun spread")
    return Judgement(widened, note="threshold widened to the measured rerun spread" if spread > rule.threshold_pct
                     else "")
