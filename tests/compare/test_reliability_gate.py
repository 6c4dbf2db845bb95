"""Reliability, case 6: no hole in the gate. A file the gate cannot judge fails or is refused, never passed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agnobench.results import Metric
from conftest import ScenarioDir
from gate_files import noisy, results, scenario, write
from agnobench.results import save_results
from reliability import MarkedResult, assert_clean, error_line, run_marked

FAST = '[measure]\npasses = ["memory"]\n'


def files_cli(*args: str, cwd: Path) -> MarkedResult:
    """compare and merge only read files: the CLI in this process, every check of :func:`assert_clean` kept.
    test_files_with_no_scenario_in_common_are_refused keeps the subprocess: exit 2, one line, end to end."""
    return run_marked(*args, cwd=cwd, in_process=True)


def _pair(tmp_path: Path) -> Path:
    return write(tmp_path / "base.json", scenario("a", rel=noisy(0.75), retained=noisy(3000.0)),
                 scenario("b", rel=noisy(1.0)))


def test_a_current_scenario_marked_ok_without_metrics_fails_the_gate(tmp_path: Path) -> None:
    base = _pair(tmp_path)
    current = write(tmp_path / "cur.json", scenario("a"), scenario("b", rel=noisy(1.0)))  # "a": ok, no metrics
    result = files_cli("compare", str(base), str(current), cwd=tmp_path)
    assert_clean(result, 1, tmp_path)
    assert "a failed in current: marked ok but holds no metrics" in result.stdout
    as_json = files_cli("compare", str(base), str(current), "--format", "json", cwd=tmp_path)
    data = json.loads(as_json.stdout)
    assert data["exit_code"] == 1 and data["failed"][0]["scenario"] == "a" and data["failed"][0]["fails"]


def test_losing_a_gated_metric_or_holding_it_as_nan_fails_the_gate(tmp_path: Path) -> None:
    base = _pair(tmp_path)
    lost = write(tmp_path / "lost.json", scenario("a", rel=noisy(0.75)), scenario("b", rel=noisy(1.0)))
    result = files_cli("compare", str(base), str(lost), cwd=tmp_path)
    assert_clean(result, 1, tmp_path)
    assert "lost gated metric(s) the baseline has: retained_bytes_per_op" in result.stdout
    nan = scenario("a", rel=noisy(0.75))
    nan.metrics["retained_bytes_per_op"] = Metric(median=float("nan"))
    save_results(results(nan, scenario("b", rel=noisy(1.0))), tmp_path / "nan.json")
    result = files_cli("compare", str(base), str(tmp_path / "nan.json"), cwd=tmp_path)
    assert_clean(result, 1, tmp_path)
    assert "retained_bytes_per_op (median nan)" in result.stdout
    assert files_cli("compare", str(base), str(base), cwd=tmp_path).returncode == 0  # the same file still passes


def test_files_with_no_scenario_in_common_are_refused(tmp_path: Path) -> None:
    base = _pair(tmp_path)
    other = write(tmp_path / "other.json", scenario("c", rel=noisy(1.0)))
    empty = write(tmp_path / "empty.json")
    for current in (other, empty):
        result = run_marked("compare", str(base), str(current), cwd=tmp_path)
        assert_clean(result, 2, tmp_path, one_line=True)
        assert error_line(result).startswith(f"error: {current}: scenarios: no scenario in common with {base}")


def test_duplicate_scenario_names_in_a_results_file_are_refused(tmp_path: Path) -> None:
    base = _pair(tmp_path)
    dup = write(tmp_path / "dup.json", scenario("a", rel=noisy(0.75)), scenario("a", rel=noisy(0.9)))
    for args in (("compare", str(base), str(dup)), ("compare", str(dup), str(base)),
                 ("merge", str(dup), "-o", str(tmp_path / "m.json"))):
        result = files_cli(*args, cwd=tmp_path)
        assert_clean(result, 2, tmp_path, one_line=True)
        assert error_line(result) == (f"error: {dup}: scenarios[a]: appears twice (entries 0 and 1): "
                                      "scenario names must be unique")
    assert not (tmp_path / "m.json").exists()


@pytest.mark.e2e
def test_run_refuses_two_scenario_files_of_one_name_naming_both(scenario_dir: ScenarioDir) -> None:
    first = scenario_dir.write("same", "calib_ops:noop", body=FAST, filename="first.toml")
    second = scenario_dir.write("same", "calib_ops:noop", body=FAST, filename="second.toml")
    result = run_marked("run", "first.toml", "second.toml", "--quick", "-o", "out.json", cwd=scenario_dir.path,
                        in_process=True)  # refused at load, before any worker
    assert_clean(result, 2, scenario_dir.path, one_line=True)
    assert error_line(result) == (f"error: {second.name}: name: 'same' is also the name of {first.name}: "
                                  "scenario names must be unique in one run")
    assert not (scenario_dir.path / "out.json").exists()  # refused before anything ran
    again = run_marked("run", "first.toml", "./first.toml", "--debug-single-value", "-o", "out.json",
                       cwd=scenario_dir.path)
    assert_clean(again, 0, scenario_dir.path)  # the same file twice is one scenario, run once
    assert [s["name"] for s in json.loads((scenario_dir.path / "out.json").read_text())["scenarios"]] == ["same"]


def test_merge_refuses_the_same_run_twice_by_content(tmp_path: Path) -> None:
    one = write(tmp_path / "run-1.json", scenario("a", rel=noisy(0.75, seed=1)))
    two = write(tmp_path / "run-2.json", scenario("a", rel=noisy(0.75, seed=2)))
    results_dir = tmp_path / "results"
    results_dir.mkdir()
    shutil.copy(two, results_dir / "latest.json")  # what `agnobench run` leaves beside the newest run
    out = tmp_path / "merged.json"
    cases = {
        "the same file": ([one, one], f"error: {one}: is given twice"),
        "a copy": ([one, two, results_dir / "latest.json"], f"error: {results_dir / 'latest.json'}: holds the same run as {two}"),
    }
    for name, (files, expected) in cases.items():
        result = files_cli("merge", *map(str, files), "-o", str(out), cwd=tmp_path)
        assert_clean(result, 2, tmp_path, one_line=True)
        assert error_line(result).startswith(expected), (name, result.stderr)
        assert "count its samples twice" in error_line(result)
        assert not out.exists()
    ok = files_cli("merge", str(one), str(two), "-o", str(out), cwd=tmp_path)
    assert_clean(ok, 0, tmp_path)
    pooled = files_cli("merge", str(out), str(two), "-o", str(tmp_path / "again.json"), cwd=tmp_path)
    assert_clean(pooled, 2, tmp_path, one_line=True)  # a merged file remembers the runs it holds
    assert f"holds the same run as {out}" in error_line(pooled)


def test_compare_on_go_benchmark_text_points_at_import_go(tmp_path: Path) -> None:
    base = _pair(tmp_path)
    go = tmp_path / "bench.txt"
    go.write_text("goos: linux\ngoarch: amd64\nBenchmarkAgentCreation-2   2162608   464.2 ns/op   1272 B/op   8 allocs/op\n")
    for args in ((str(go), str(base)), (str(base), str(go))):
        result = files_cli("compare", *args, cwd=tmp_path)
        assert_clean(result, 2, tmp_path, one_line=True)
        assert error_line(result) == (f"error: {go}: is Go benchmark text, not an agnobench results file: "
                                      f"convert it first with `agnobench import-go {go} -o bench.json`")
