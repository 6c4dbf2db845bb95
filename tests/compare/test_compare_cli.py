"""`agnobench compare` and `agnobench merge` as CI runs them: exit codes, formats, the step summary."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from conftest import ScenarioDir, run_cli, run_cli_in_process
from gate_files import failed, invoke, noisy, scenario, write


def test_identical_files_exit_0_and_a_shift_exits_1(tmp_path: Path) -> None:
    base = write(tmp_path / "base.json", scenario("a", rel=noisy(0.75, seed=1), retained=[3744.0] * 3))
    same = write(tmp_path / "same.json", scenario("a", rel=noisy(0.75, seed=1), retained=[3744.0] * 3))
    slow = write(tmp_path / "slow.json", scenario("a", rel=[v * 1.10 for v in noisy(0.75, seed=2)],
                                                  retained=[3744.0] * 3))
    ok = invoke("compare", str(base), str(same))
    assert ok.returncode == 0, ok.stderr
    assert "gate passes" in ok.stdout and "unchanged" in ok.stdout
    bad = invoke("compare", str(base), str(slow))
    assert bad.returncode == 1
    assert "regression" in bad.stdout and "gate fails" in bad.stdout


def test_threshold_options(tmp_path: Path) -> None:
    base = write(tmp_path / "base.json", scenario("a", rel=noisy(0.75, seed=1)))
    slow = write(tmp_path / "slow.json", scenario("a", rel=[v * 1.05 for v in noisy(0.75, seed=2)]))
    assert invoke("compare", str(base), str(slow)).returncode == 1
    assert invoke("compare", str(base), str(slow), "--threshold", "8").returncode == 0
    assert invoke("compare", str(base), str(slow), "--metric-threshold", "time_per_op_rel=8").returncode == 0
    bad = invoke("compare", str(base), str(slow), "--metric-threshold", "time_per_op_rel")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--metric-threshold" in bad.stderr


def test_json_and_markdown_and_step_summary(tmp_path: Path) -> None:
    base = write(tmp_path / "base.json", scenario("a", rel=noisy(0.75, seed=1)), scenario("old", rel=noisy(1.0)))
    slow = write(tmp_path / "slow.json", scenario("a", rel=[v * 1.10 for v in noisy(0.75, seed=2)]),
                 scenario("new", rel=noisy(1.0)))
    as_json = invoke("compare", str(base), str(slow), "--format", "json")
    assert as_json.returncode == 1
    data = as_json.json()
    assert data["exit_code"] == 1 and data["regressions"] == 1
    assert data["only_in_baseline"] == ["old"] and data["only_in_current"] == ["new"]
    row = next(r for r in data["comparisons"] if r["metric"] == "time_per_op_rel")
    assert row["verdict"] == "regression" and row["test"] == "mann-whitney" and row["p_value"] < 0.001
    summary = tmp_path / "summary.md"
    summary.write_text("previous step\n")
    as_md = invoke("compare", str(base), str(slow), "--format", "md", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert as_md.returncode == 1
    assert "| scenario" in as_md.stdout and "❌" in as_md.stdout and "only in baseline" in as_md.stdout
    text = summary.read_text()
    assert text.startswith("previous step\n") and "### agnobench compare" in text and "regression" in text
    invoke("compare", str(base), str(base), env={"GITHUB_STEP_SUMMARY": str(summary)})  # table format: still appended
    assert summary.read_text().count("### agnobench compare") == 2


def test_bad_files_exit_2_with_one_line(tmp_path: Path) -> None:
    good = write(tmp_path / "good.json", scenario("a", rel=noisy(0.75)))
    truncated = tmp_path / "truncated.json"
    truncated.write_text(good.read_text()[: len(good.read_text()) // 2])
    foreign = tmp_path / "foreign.json"
    foreign.write_text(json.dumps({"benchmarks": [], "version": "1.0"}))  # a pyperf file, say
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    for bad, words in ((truncated, "truncated"), (foreign, "schema"), (binary, "UTF-8"),
                       (tmp_path / "missing.json", "cannot read")):
        for args in ((str(good), str(bad)), (str(bad), str(good))):
            result = invoke("compare", *args)
            assert result.returncode == 2, (bad, result.stdout)
            assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
            assert str(bad) in result.stderr and words in result.stderr
    as_a_user_sees_it = run_cli("compare", str(good), str(truncated))  # a real process: no traceback anywhere
    assert as_a_user_sees_it.returncode == 2 and as_a_user_sees_it.stderr.count("\n") == 1
    assert "Traceback" not in as_a_user_sees_it.stderr + as_a_user_sees_it.stdout


def test_failed_scenario_in_current_fails_the_gate(tmp_path: Path) -> None:
    base = write(tmp_path / "base.json", scenario("a", rel=noisy(0.75)))
    broken = write(tmp_path / "broken.json", failed("a", "operation raised RuntimeError"))
    result = invoke("compare", str(base), str(broken))
    assert result.returncode == 1 and "failed in current" in result.stdout


def test_merge_pools_samples(tmp_path: Path) -> None:
    one = write(tmp_path / "1.json", scenario("a", rel=noisy(0.75, n=8, seed=1), time=noisy(1000.0, n=8, seed=1),
                                              ops_per_sec=noisy(1e6, n=8, seed=1)))
    two = write(tmp_path / "2.json", scenario("a", rel=noisy(0.80, n=8, seed=2), time=noisy(1100.0, n=8, seed=2),
                                              ops_per_sec=noisy(0.9e6, n=8, seed=2)),
                scenario("b", rel=noisy(1.0, n=8)))
    out = tmp_path / "merged.json"
    result = invoke("merge", str(one), str(two), "-o", str(out))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    a = next(s for s in data["scenarios"] if s["name"] == "a")
    assert len(a["metrics"]["time_per_op_rel"]["samples"]) == 16 and a["details"]["merged_runs"] == 2
    assert a["details"]["run_medians"]["time_per_op_rel"] == [
        pytest.approx(statistics.median(noisy(0.75, n=8, seed=1))), pytest.approx(statistics.median(noisy(0.80, n=8, seed=2)))]
    assert a["metrics"]["ops_per_sec"]["median"] == pytest.approx(1e9 / a["metrics"]["time_per_op_ns"]["median"])
    assert [s["name"] for s in data["scenarios"]] == ["a", "b"]
    assert data["settings"]["merged_from"] == [str(one), str(two)]
    assert invoke("compare", str(out), str(out)).returncode == 0
    assert invoke("merge", str(one), str(tmp_path / "nope.json"), "-o", str(out)).returncode == 2


@pytest.mark.e2e
def test_scenario_thresholds_travel_in_the_results_file(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("thr", "calib_ops:bytearray_1000",
                       body='[thresholds]\nretained_bytes_per_op = 12.5\n[measure]\npasses = ["memory"]\n')
    result = run_cli("run", "thr.toml", "--quick", "-o", "r.json", cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    data = json.loads((scenario_dir.path / "r.json").read_text())
    assert data["scenarios"][0]["details"]["thresholds"] == {"retained_bytes_per_op": 12.5}
    compared = run_cli_in_process("compare", "r.json", "r.json", "--format", "json", cwd=scenario_dir.path).json()
    row = next(r for r in compared["comparisons"] if r["metric"] == "retained_bytes_per_op")
    assert row["threshold_pct"] == 12.5 and row["threshold_source"] == "scenario file"


@pytest.mark.e2e
def test_fail_on_target_passes_when_targets_are_met(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("meets", "calib_ops:bytearray_1000",
                       body='[targets]\nretained_bytes_per_op = { max = 100000 }\n[measure]\npasses = ["memory"]\n')
    result = run_cli("run", "meets.toml", "--debug-single-value", "--fail-on-target", "-o", "m.json",
                     cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
