"""The gate's decisions: significance, thresholds, verdicts — on samples with known shifts."""

from __future__ import annotations

import pytest

from agnobench.compare import ThresholdPolicy, Verdict, compare_results
from agnobench.compare.stats import TEST_MANN_WHITNEY, TEST_NONE, TEST_RANGES, change_pct, significance, smallest_p
from agnobench.compare.thresholds import TimeMode
from agnobench.core.metrics import INSTRUCTIONS_THRESHOLD_PCT, MEMORY_THRESHOLD_PCT, TIME_THRESHOLD_PCT
from agnobench.compare.verdict import decide
from agnobench.errors import EXIT_FAILED, EXIT_OK
from gate_files import failed, noisy, results, scenario


def only_row(comparison, metric):
    rows = [r for r in comparison.rows if r.metric == metric]
    assert len(rows) == 1
    return rows[0]


# ---- statistics ------------------------------------------------------------

def test_identical_samples_are_not_significant() -> None:
    samples = noisy(100.0)
    result = significance(samples, list(samples))
    assert result.test == TEST_MANN_WHITNEY and not result.significant and result.p_value == pytest.approx(1.0, abs=0.01)


def test_a_known_shift_is_significant() -> None:
    base = noisy(100.0, seed=1)
    shifted = [v * 1.05 for v in noisy(100.0, seed=2)]  # 5 % shift, 1 % noise
    result = significance(base, shifted)
    assert result.significant and result.p_value < 1e-6


def test_overlapping_noise_is_not_significant() -> None:
    base = noisy(100.0, n=6, spread=0.3, seed=3)
    current = noisy(104.0, n=6, spread=0.3, seed=4)
    assert not significance(base, current).significant


def test_few_samples_fall_back_to_ranges() -> None:
    assert smallest_p(3, 3) > 0.05 and smallest_p(4, 4) < 0.05
    apart = significance([3744.0, 3744.0, 3744.1], [3900.0, 3900.0, 3900.0])
    assert apart.test == TEST_RANGES and apart.significant
    overlap = significance([3744.0, 3800.0, 3744.0], [3790.0, 3744.0, 3744.0])
    assert overlap.test == TEST_RANGES and not overlap.significant
    single = significance([1.0], [2.0])
    assert single.test == TEST_NONE and not single.significant


def test_change_pct() -> None:
    assert change_pct(100.0, 105.0) == pytest.approx(5.0)
    assert change_pct(200.0, 150.0) == pytest.approx(-25.0)
    assert change_pct(0.0, 0.0) == 0.0
    assert change_pct(0.0, 3.0) is None


@pytest.mark.parametrize("change, significant, lower_better, expected", [
    (10.0, True, True, Verdict.regression),
    (-10.0, True, True, Verdict.improvement),
    (10.0, True, False, Verdict.improvement),  # ops/s up is better
    (10.0, False, True, Verdict.not_significant),
    (2.0, True, True, Verdict.unchanged),  # significant but inside the threshold
    (None, True, True, Verdict.regression),  # from 0 to something
])
def test_decide(change, significant, lower_better, expected) -> None:
    assert decide(change, 3.0, significant, lower_better, current=5.0) is expected


# ---- whole files -----------------------------------------------------------

def test_identical_files_pass() -> None:
    base = results(scenario("a", time=noisy(1000.0), rel=noisy(0.75), retained=[3744.0] * 3))
    comparison = compare_results(base, base)
    assert comparison.exit_code == EXIT_OK
    assert all(r.verdict is Verdict.unchanged for r in comparison.rows)
    assert comparison.regressions == []


def test_shifted_rel_time_is_a_regression_and_raw_time_only_informs() -> None:
    base = results(scenario("a", time=noisy(1000.0, seed=1), rel=noisy(0.75, seed=1)))
    slower = results(scenario("a", time=[v * 1.10 for v in noisy(1000.0, seed=2)],
                              rel=[v * 1.10 for v in noisy(0.75, seed=2)]))
    comparison = compare_results(base, slower)
    rel, raw = only_row(comparison, "time_per_op_rel"), only_row(comparison, "time_per_op_ns")
    assert rel.verdict is Verdict.regression and rel.gated and rel.fails
    assert rel.change_pct == pytest.approx(10.0, abs=1.5)
    assert raw.verdict is Verdict.regression and not raw.gated and not raw.fails  # default mode: rel gates
    assert comparison.exit_code == EXIT_FAILED
    faster = compare_results(slower, base)
    assert only_row(faster, "time_per_op_rel").verdict is Verdict.improvement and faster.exit_code == EXIT_OK


@pytest.mark.parametrize("mode, gated", [(TimeMode.rel, {"time_per_op_rel"}), (TimeMode.raw, {"time_per_op_ns"}),
                                         (TimeMode.both, {"time_per_op_rel", "time_per_op_ns"})])
def test_time_mode_chooses_the_gating_metric(mode, gated) -> None:
    pooled = scenario("a", time=noisy(1000.0), rel=noisy(0.75))
    pooled.details["run_medians"] = {"time_per_op_ns": [1000.0, 1010.0, 995.0]}  # raw time gates on pooled runs
    base = results(pooled)
    comparison = compare_results(base, base, ThresholdPolicy(time_mode=mode))
    assert {r.metric for r in comparison.rows if r.gated} == gated


def test_raw_time_gates_when_a_side_has_no_kernel_and_reruns_measured_its_spread() -> None:
    base_s = scenario("a", time=noisy(1000.0, seed=1))  # e.g. imported from Go
    slower_s = scenario("a", time=[v * 1.2 for v in noisy(1000.0, seed=2)], rel=noisy(0.75))
    base_s.details["run_medians"] = {"time_per_op_ns": [990.0, 1000.0, 1010.0]}
    slower_s.details["run_medians"] = {"time_per_op_ns": [1195.0, 1200.0, 1210.0]}
    comparison = compare_results(results(base_s), results(slower_s))
    assert only_row(comparison, "time_per_op_ns").fails and comparison.exit_code == EXIT_FAILED


def test_threshold_precedence_scenario_file_then_metric_then_global_then_default() -> None:
    base = results(scenario("a", rel=noisy(0.75), retained=[3744.0] * 3, instructions=[1e5] * 8,
                            thresholds={"retained_bytes_per_op": 7.0}))
    rows = {r.metric: r for r in compare_results(base, base).rows}
    assert rows["time_per_op_rel"].rule.threshold_pct == TIME_THRESHOLD_PCT
    assert rows["instructions_per_op"].rule.threshold_pct == INSTRUCTIONS_THRESHOLD_PCT
    assert rows["retained_bytes_per_op"].rule.threshold_pct == 7.0  # the scenario file wins
    assert rows["retained_bytes_per_op"].rule.source == "scenario file"
    policy = ThresholdPolicy(default_pct=4.0, per_metric={"instructions_per_op": 0.5, "retained_bytes_per_op": 1.0})
    rows = {r.metric: r for r in compare_results(base, base, policy).rows}
    assert rows["time_per_op_rel"].rule.threshold_pct == 4.0
    assert rows["instructions_per_op"].rule.threshold_pct == 0.5
    assert rows["retained_bytes_per_op"].rule.threshold_pct == 7.0
    assert MEMORY_THRESHOLD_PCT < TIME_THRESHOLD_PCT


def test_threshold_decides_between_regression_and_unchanged() -> None:
    base = results(scenario("a", rel=noisy(0.75, seed=1)))
    slower = results(scenario("a", rel=[v * 1.05 for v in noisy(0.75, seed=2)]))
    assert compare_results(base, slower, ThresholdPolicy(default_pct=3.0)).exit_code == EXIT_FAILED
    assert compare_results(base, slower, ThresholdPolicy(default_pct=8.0)).exit_code == EXIT_OK


def test_info_metrics_never_fail_unless_given_a_threshold() -> None:
    base = results(scenario("a", rel=noisy(0.75), ref_kernel_ns=noisy(13000.0, seed=1), widgets_per_op=noisy(5.0)))
    slower = results(scenario("a", rel=noisy(0.75), ref_kernel_ns=[v * 1.5 for v in noisy(13000.0, seed=2)],
                              widgets_per_op=[v * 1.5 for v in noisy(5.0, seed=3)]))
    comparison = compare_results(base, slower)
    assert comparison.exit_code == EXIT_OK
    assert not only_row(comparison, "ref_kernel_ns").gated and not only_row(comparison, "widgets_per_op").gated
    explicit = compare_results(base, slower, ThresholdPolicy(per_metric={"widgets_per_op": 10.0}))
    assert only_row(explicit, "widgets_per_op").fails and explicit.exit_code == EXIT_FAILED


def test_rates_are_better_higher_even_when_unknown() -> None:
    base = results(scenario("a", mb_per_s=noisy(100.0, seed=1)))
    slower = results(scenario("a", mb_per_s=[v * 0.8 for v in noisy(100.0, seed=2)]))
    row = only_row(compare_results(base, slower, ThresholdPolicy(per_metric={"mb_per_s": 5.0})), "mb_per_s")
    assert row.verdict is Verdict.regression


def test_memory_with_three_identical_samples_uses_ranges() -> None:
    base = results(scenario("a", retained=[3744.064, 3744.0, 3744.0]))
    heavier = results(scenario("a", retained=[3904.064, 3904.0, 3904.0]))
    row = only_row(compare_results(base, heavier), "retained_bytes_per_op")
    assert row.significance.test == TEST_RANGES and row.verdict is Verdict.regression


def test_one_sided_scenarios_are_listed_and_failures_in_current_fail() -> None:
    base = results(scenario("both", rel=noisy(0.75)), scenario("gone", rel=noisy(0.75)), failed("broke-before"),
                   scenario("breaks", rel=noisy(0.75)))
    current = results(scenario("both", rel=noisy(0.75)), scenario("new", rel=noisy(0.75)), scenario("broke-before",
                      rel=noisy(0.75)), failed("breaks", "operation raised"))
    comparison = compare_results(base, current)
    assert comparison.only_baseline == ["gone"] and comparison.only_current == ["new"]
    sides = {f.name: f.side for f in comparison.failed}
    assert sides == {"broke-before": "baseline", "breaks": "current"}
    assert [s.name for s in comparison.scenarios] == ["both"]
    assert comparison.exit_code == EXIT_FAILED  # "breaks" ran in baseline and fails in current
    without_break = results(scenario("both", rel=noisy(0.75)), scenario("new", rel=noisy(0.75)))
    assert compare_results(base, without_break).exit_code == EXIT_OK


def test_only_metrics_filter_and_environment_notes() -> None:
    base = results(scenario("a", rel=noisy(0.75), retained=[1.0] * 3), mode="full")
    current = results(scenario("a", rel=noisy(0.75), retained=[1.0] * 3), mode="quick")
    current.environment["agno"] = "9.9.9"
    comparison = compare_results(base, current, only_metrics=["retained_bytes_per_op"])
    assert [r.metric for r in comparison.rows] == ["retained_bytes_per_op"]
    assert any("agno" in note for note in comparison.notes) and any("quick" in note for note in comparison.notes)
