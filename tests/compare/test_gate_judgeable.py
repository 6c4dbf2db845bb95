"""The gate on what the machine does to figures: large samples, wall time without a kernel, a disturbed
machine (inconclusive, exit 3), figures that are no measurement, interrupted runs and strict JSON."""

from __future__ import annotations

import json
import math

import pytest

from agnobench.compare import Verdict, compare_results
from agnobench.compare.judgeable import SOURCE_NO_RERUNS, SOURCE_RERUNS, WALL_SPREAD_LIMIT_PCT, spread_pct
from agnobench.compare.stats import TEST_MANN_WHITNEY, significance, smallest_p
from agnobench.errors import EXIT_FAILED, EXIT_INCONCLUSIVE, EXIT_OK
from agnobench.passes.timing import TimingResult
from agnobench.reporters.compare_json import render_compare_json
from agnobench.results import Metric, PassRecord
from gate_files import noisy, results, scenario


def row(comparison, metric):
    (found,) = [r for r in comparison.rows if r.metric == metric]
    return found


# ---- item 1: large samples -------------------------------------------------

@pytest.mark.parametrize("n", [516, 3000])
def test_thousands_of_samples_a_side_give_a_p_value_not_a_crash(n: int) -> None:
    assert smallest_p(n, n) == 0.0 or smallest_p(n, n) < 1e-300  # 2 / C(2n, n) underflows instead of raising
    same = significance(noisy(100.0, n=n, seed=1), noisy(100.0, n=n, seed=2))
    shifted = significance(noisy(100.0, n=n, seed=1), [v * 1.02 for v in noisy(100.0, n=n, seed=2)])
    assert same.test == TEST_MANN_WHITNEY and not same.significant
    assert shifted.test == TEST_MANN_WHITNEY and shifted.significant and shifted.p_value < 1e-10


def test_smallest_p_matches_the_exact_formula_for_small_samples() -> None:
    for n1, n2 in ((3, 3), (4, 4), (5, 7), (20, 20)):
        assert smallest_p(n1, n2) == pytest.approx(min(1.0, 2.0 / math.comb(n1 + n2, n1)), rel=1e-9)


# ---- item 2: wall time without a kernel --------------------------------------

def _wall(name: str, center: float, run_medians: list[float] | None = None, seed: int = 1):
    result = scenario(name, time=noisy(center, n=4, spread=0.02, seed=seed))
    if run_medians is not None:
        result.details["run_medians"] = {"time_per_op_ns": run_medians}
    return result


def test_one_run_a_side_shows_wall_time_without_a_kernel_but_never_gates_it() -> None:
    base = results(_wall("parallel-create", 17_800.0))
    slower = results(_wall("parallel-create", 17_800.0 * 5.34, seed=2))  # the +434 % of issue 20
    comparison = compare_results(base, slower)
    wall = row(comparison, "time_per_op_ns")
    assert not wall.gated and wall.rule.source == SOURCE_NO_RERUNS and "rerun spread" in wall.reason
    assert comparison.exit_code == EXIT_OK


def test_pooled_runs_gate_wall_time_at_no_less_than_its_rerun_spread() -> None:
    base = results(_wall("s", 1000.0, [950.0, 1000.0, 1050.0]))  # 10 % rerun spread
    within = results(_wall("s", 1080.0, [1030.0, 1080.0, 1100.0], seed=2))  # +8 %: inside the spread
    comparison = compare_results(base, within)
    wall = row(comparison, "time_per_op_ns")
    assert wall.gated and wall.rule.source == SOURCE_RERUNS and wall.rule.threshold_pct == pytest.approx(10.0)
    assert wall.verdict is Verdict.unchanged and comparison.exit_code == EXIT_OK
    beyond = results(_wall("s", 1300.0, [1290.0, 1300.0, 1310.0], seed=3))  # +30 %: beyond it
    assert compare_results(base, beyond).exit_code == EXIT_FAILED


def test_a_rerun_spread_beyond_the_limit_is_inconclusive_never_a_regression() -> None:
    wild = [1000.0, 1000.0 * (1 + 2 * WALL_SPREAD_LIMIT_PCT / 100)]
    assert spread_pct(wild) > WALL_SPREAD_LIMIT_PCT
    base = results(_wall("s", 1000.0, wild))
    slower = results(_wall("s", 2000.0, [1900.0, 2000.0], seed=2))
    comparison = compare_results(base, slower)
    assert row(comparison, "time_per_op_ns").verdict is Verdict.inconclusive
    assert comparison.exit_code == EXIT_INCONCLUSIVE and not comparison.regressions


def _timed(name: str, rel_center: float, kernel_fast_ns: float, slow_only: bool = False, seed: int = 1,
           rerun: float = 0.0):
    result = scenario(name, rel=noisy(rel_center, seed=seed))
    result.passes["timing"] = PassRecord(details=TimingResult(pairs_per_process=10, kernel_fast_ns=kernel_fast_ns,
                                                              slow_phase_only=slow_only, rerun_pct=rerun))
    return result


def test_a_change_within_the_runs_own_rerun_spreads_added_is_inconclusive() -> None:
    # issue 20 trial pair 3: +5.9 % between runs of ±3.7 % and ±4.0 % (unchanged code, a busy machine)
    pair = compare_results(results(_timed("s", 14.31, 10_000.0, rerun=3.7)),
                           results(_timed("s", 14.31 * 1.059, 10_000.0, seed=2, rerun=4.0)))
    assert row(pair, "time_per_op_rel").verdict is Verdict.inconclusive and pair.exit_code == EXIT_INCONCLUSIVE


def test_a_change_within_the_runs_own_rerun_spread_is_inconclusive() -> None:
    # issue 20's trial: agent-run-stream +9.8 % between two runs of unchanged code, each run's ± 17-21 %
    base = results(_timed("s", 0.75, 10_000.0, rerun=20.7))
    cur = results(_timed("s", 0.75 * 1.098, 10_000.0, seed=2, rerun=17.3))
    comparison = compare_results(base, cur)
    rel = row(comparison, "time_per_op_rel")
    assert rel.verdict is Verdict.inconclusive and "combined rerun ± 38.0 %" in rel.reason
    assert comparison.exit_code == EXIT_INCONCLUSIVE
    quiet = compare_results(results(_timed("s", 0.75, 10_000.0, rerun=1.0)),
                            results(_timed("s", 0.75 * 1.098, 10_000.0, seed=2, rerun=1.2)))
    assert quiet.exit_code == EXIT_FAILED  # the same change between two steady runs is a regression
    faster = compare_results(cur, base)  # a disturbed "improvement" claims nothing and fails nothing
    assert row(faster, "time_per_op_rel").verdict is Verdict.not_significant and faster.exit_code == EXIT_OK


def test_kernel_speeds_too_far_apart_make_a_time_regression_inconclusive() -> None:
    base = results(_timed("a", 0.75, 10_000.0))
    slower = results(_timed("a", 0.80, 16_000.0, seed=2))  # +6.7 % while the machine ran 60 % slower
    comparison = compare_results(base, slower)
    rel = row(comparison, "time_per_op_rel")
    assert rel.verdict is Verdict.inconclusive and "different speeds" in rel.reason
    assert comparison.exit_code == EXIT_INCONCLUSIVE
    same_speed = results(_timed("a", 0.80, 10_500.0, seed=2))
    assert compare_results(base, same_speed).exit_code == EXIT_FAILED  # the same change at one speed: regression
    slow_only = results(_timed("a", 0.80, 10_000.0, slow_only=True, seed=2))
    assert "slow" in row(compare_results(base, slow_only), "time_per_op_rel").reason


def test_a_regression_elsewhere_still_fails_beside_an_inconclusive_metric() -> None:
    base = results(_timed("a", 0.75, 10_000.0), scenario("m", retained=[3000.0] * 3))
    cur = results(_timed("a", 0.80, 16_000.0, seed=2), scenario("m", retained=[3300.0] * 3))
    assert compare_results(base, cur).exit_code == EXIT_FAILED


# ---- D10: figures that are no measurement ------------------------------------

@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_non_finite_baseline_is_inconclusive_not_a_pass(bad: float) -> None:
    broken = scenario("a", rel=noisy(0.75))
    broken.metrics["time_per_op_rel"] = Metric(median=bad)
    comparison = compare_results(results(broken), results(scenario("a", rel=noisy(0.75))))
    assert row(comparison, "time_per_op_rel").verdict is Verdict.inconclusive
    assert comparison.exit_code == EXIT_INCONCLUSIVE


@pytest.mark.parametrize("value", [0.0, -0.5])
def test_a_zero_or_negative_current_time_fails_rather_than_improves(value: float) -> None:
    cur = scenario("a", rel=[value] * 48)
    comparison = compare_results(results(scenario("a", rel=noisy(0.75))), results(cur))
    assert row(comparison, "time_per_op_rel").verdict is Verdict.inconclusive
    assert comparison.exit_code == EXIT_FAILED and comparison.broken[0].name == "a"


def test_negative_memory_is_not_an_improvement() -> None:
    comparison = compare_results(results(scenario("a", retained=[3744.0] * 3)),
                                 results(scenario("a", retained=[-290.0] * 3)))
    retained = row(comparison, "retained_bytes_per_op")
    assert retained.verdict is Verdict.inconclusive and "not measurable" in retained.reason
    assert comparison.exit_code == EXIT_INCONCLUSIVE


# ---- D14: an interrupted current run -------------------------------------------

def test_an_interrupted_current_run_fails_the_gate() -> None:
    base = results(scenario("a", rel=noisy(0.75)), scenario("b", rel=noisy(1.0)))
    cut = results(scenario("a", rel=noisy(0.75)))
    cut.settings["complete"] = False
    comparison = compare_results(base, cut)
    assert comparison.exit_code == EXIT_FAILED
    assert [(f.name, f.side) for f in comparison.broken] == [("b", "current")]
    assert "interrupted" in comparison.broken[0].error
    whole = results(scenario("a", rel=noisy(0.75)), scenario("b", rel=noisy(1.0)))
    whole.settings["complete"] = False  # stopped after its last scenario: still not a finished run
    assert compare_results(base, whole).exit_code == EXIT_FAILED


# ---- D16: strict JSON ----------------------------------------------------------

def test_compare_json_is_standard_json_even_with_nan_and_inf() -> None:
    broken = scenario("a", rel=noisy(0.75))
    broken.metrics["time_per_op_rel"] = Metric(median=float("inf"))
    text = render_compare_json(compare_results(results(broken), results(scenario("a", rel=noisy(0.75)))))
    assert "Infinity" not in text and "NaN" not in text

    def refuse(token: str) -> None:
        raise ValueError(token)

    data = json.loads(text, parse_constant=refuse)
    assert data["comparisons"][0]["baseline"] is None and data["exit_code"] == EXIT_INCONCLUSIVE


def test_a_pooled_change_within_one_sides_run_spread_is_inconclusive() -> None:
    def pooled(center: float, medians: list[float], seed: int):
        result = scenario("agent-run-tool", rel=noisy(center, n=144, spread=0.05, seed=seed))
        result.details["run_medians"] = {"time_per_op_rel": medians}
        return result

    # the busy machine's pooled trial: three runs a side spread 12.5 % and 13.4 %, pooled +4.1 %
    base = results(pooled(48.8, [47.6, 52.8, 46.8], 1))
    cur = results(pooled(50.8, [51.4, 46.9, 53.8], 2))
    comparison = compare_results(base, cur)
    rel = row(comparison, "time_per_op_rel")
    assert rel.verdict is Verdict.inconclusive and "whole runs" in rel.reason
    steady = compare_results(results(pooled(48.8, [48.5, 48.8, 49.1], 1)), results(pooled(51.3, [51.0, 51.3, 51.6], 2)))
    assert row(steady, "time_per_op_rel").verdict is Verdict.regression  # steady runs: the same +5 % is judged
