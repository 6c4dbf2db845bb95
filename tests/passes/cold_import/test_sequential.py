"""Sequential stopping of cold-import pairs: the median's interval, the rule, and how a result says it."""

from __future__ import annotations

import math

import pytest

from agnobench.passes.cold_import.engine import measure_cold_import
from agnobench.core.plugin import ParamError
from agnobench.passes.cold_import.sequential import (STOP_BUDGET, STOP_FIXED, STOP_INTERVAL, STOP_MAX_PAIRS, StoppingRule,
                                          median_interval)
from agnobench.passes.cold_import import QUICK_PAIRS, ColdImportParams, ColdImportResult, quick
from agnobench.passes.cold_import.report import interval_text


def test_the_median_interval_is_the_sign_test_one() -> None:
    assert median_interval([1.0] * 5) is None  # [min, max] of 5 covers only 93.75 %
    six = median_interval([6.0, 1.0, 5.0, 2.0, 4.0, 3.0])
    assert six is not None and (six.low, six.median, six.high) == (1.0, 3.5, 6.0)
    assert six.coverage == pytest.approx(1 - 2 / 2**6)
    nine = median_interval([float(x) for x in range(1, 10)])  # P(B ≤ 1) = 10/512 ≤ 2.5 %, P(B ≤ 2) is not
    assert nine is not None and (nine.low, nine.high) == (2.0, 8.0)
    assert nine.coverage == pytest.approx(1 - 2 * 10 / 512)
    twenty = median_interval([float(x) for x in range(1, 21)])
    assert twenty is not None and (twenty.low, twenty.high) == (6.0, 15.0)  # the textbook ranks for n = 20
    assert twenty.coverage >= 0.95 and twenty.half_width_pct == pytest.approx(100 * 4.5 / 10.5)
    assert median_interval([0.0] * 6).half_width_pct == math.inf  # type: ignore[union-attr]


def test_the_floor_comes_first_then_the_target_then_the_ceiling() -> None:
    rule = StoppingRule(min_pairs=8, max_pairs=10, target_pct=5.0)
    steady = [100.0, 101.0, 99.0, 100.5, 99.5, 100.0, 100.2, 99.8]
    assert rule.stop(steady[:7], 1.0) is None  # narrow already, but under the floor
    assert rule.stop(steady, 1.0) == STOP_INTERVAL
    wide = [100.0, 150.0, 60.0, 130.0, 70.0, 120.0, 80.0, 110.0, 90.0]
    assert rule.stop(wide, 1.0) is None  # too wide, ceiling not reached: another pair
    assert rule.stop(wide + [140.0], 1.0) == STOP_MAX_PAIRS  # the target missed, and the reason kept


def test_the_budget_stops_before_a_pair_would_overrun_it_but_never_under_the_floor() -> None:
    rule = StoppingRule(min_pairs=6, max_pairs=20, target_pct=5.0, budget_s=10.0)
    wide = [100.0, 150.0, 60.0, 130.0, 70.0, 120.0, 80.0]
    assert rule.stop(wide[:5], 100.0) is None  # the floor: no interval yet, whatever the budget says
    assert rule.stop(wide, 8.0) is None  # 7 pairs in 8 s: one more ends at ~9.1 s, inside the budget
    assert rule.stop(wide, 8.9) == STOP_BUDGET  # one more would end at ~10.2 s
    assert StoppingRule(6, 20, 5.0, budget_s=0.0).stop(wide, 1e9) is None  # 0: no budget


def test_a_fixed_count_takes_exactly_that_many() -> None:
    rule = StoppingRule.fixed(4)
    assert rule.stop([1.0] * 3, 0.0) is None and rule.stop([1.0] * 4, 0.0) == STOP_FIXED


def test_pairs_stop_on_the_target_or_say_which_limit_came_first() -> None:
    sleep = "import time; time.sleep(0.05)"  # ~50 ms more than a bare interpreter
    reached = measure_cold_import(sleep, StoppingRule(6, 9, target_pct=1000.0))
    assert reached.stopped == STOP_INTERVAL and len(reached.import_ns) == 6
    assert reached.interval is not None and reached.interval.median > 0
    missed = measure_cold_import(sleep, StoppingRule(6, 7, target_pct=1e-9))
    assert missed.stopped == STOP_MAX_PAIRS and len(missed.import_ns) == 7
    spent = measure_cold_import(sleep, StoppingRule(6, 50, target_pct=1e-9, budget_s=1e-6))
    assert spent.stopped == STOP_BUDGET and len(spent.import_ns) == 6  # the floor still taken


def test_params_are_checked_and_quick_is_a_fixed_few() -> None:
    base = ColdImportParams(import_statement="import json")
    assert base.rule() == StoppingRule(base.import_min_pairs, base.import_max_pairs, base.import_target_pct,
                                       base.import_budget_s)
    assert ColdImportParams(import_statement="import json", import_samples=4).rule() == StoppingRule.fixed(4)
    assert quick(base).rule() == StoppingRule.fixed(QUICK_PAIRS)
    assert quick(ColdImportParams(import_statement="import json", import_samples=2)).import_samples == 2
    for bad, key in ((dict(import_min_pairs=0), "import_min_pairs"), (dict(import_samples=-1), "import_samples"),
                     (dict(import_min_pairs=9, import_max_pairs=8), "import_max_pairs"),
                     (dict(import_target_pct=0.0), "import_target_pct"), (dict(import_budget_s=-1.0), "import_budget_s")):
        with pytest.raises(ParamError) as caught:
            ColdImportParams(import_statement="import json", **bad).check()  # type: ignore[arg-type]
        assert caught.value.key == key


def test_a_missed_target_is_said_with_its_reason() -> None:
    common = dict(statement="import x", samples=12, interval_low_ns=0.9e9, interval_high_ns=1.2e9,
                  interval_pct=20.0, target_pct=5.0, max_pairs=12, budget_s=60.0)
    reached = interval_text(ColdImportResult(**{**common, "interval_pct": 4.0}, stopped=STOP_INTERVAL))  # type: ignore[arg-type]
    assert "target ±5 % reached" in reached and "NOT" not in reached and "12 pairs" in reached
    assert "NOT reached: 12 pairs taken" in interval_text(ColdImportResult(**common, stopped=STOP_MAX_PAIRS))  # type: ignore[arg-type]
    assert "NOT reached: 60 s budget spent" in interval_text(ColdImportResult(**common, stopped=STOP_BUDGET))  # type: ignore[arg-type]
    assert interval_text(ColdImportResult(statement="import x", samples=3, stopped=STOP_FIXED)).startswith("none (3 pairs")
