"""The command line end to end, with --quick (--debug-single-value where a test proves a path, not figures):
what a user and CI see."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import pytest

from conftest import ScenarioDir, run_cli, run_cli_in_process


@pytest.mark.e2e
def test_list_shows_each_scenario_with_its_suite() -> None:
    result = run_cli("list")
    assert result.returncode == 0
    rows = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()}
    for name in ("agent-create-simple", "agent-create-tools", "agent-create-memory", "python-floor"):
        assert rows[name] == "creation"


@pytest.mark.e2e
def test_quick_run_writes_the_results_contract_and_prints_tables(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("known-size", "calib_ops:bytearray_1000",
                       body="[targets]\nretained_bytes_per_op = { max = 100 }\ntime_per_op_ns = { max = 1e9 }\n")
    out = scenario_dir.path / "out.json"
    result = run_cli("run", "known-size.toml", "python-floor", "--quick", "-o", str(out), cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    assert "known-size" in result.stdout and "python-floor" in result.stdout
    assert "Side by side" in result.stdout  # python-floor carries reference figures

    data = json.loads(out.read_text())
    assert data["schema"] == "agnobench/2"
    datetime.fromisoformat(data["created"])
    assert {"python", "agno", "platform", "cpu_count"} <= set(data["environment"])
    assert data["environment"]["agno"]
    known = next(s for s in data["scenarios"] if s["name"] == "known-size")
    assert known["status"] == "ok" and known["error"] is None and known["suite"] == "test"
    metrics = known["metrics"]
    time = metrics["time_per_op_ns"]
    assert {"median", "mean", "stdev", "samples"} <= set(time)
    details = known["passes"]["timing"]["details"]
    assert details["timing_processes"] == 3  # --quick: 3 timing processes, the same number of values in each
    assert len(time["samples"]) == 3 * details["values_per_process"]
    assert all(v > 0 for v in time["samples"])
    assert metrics["ops_per_sec"]["median"] == pytest.approx(1e9 / time["median"])
    for name in ("retained_bytes_per_op", "allocated_bytes_per_op", "allocs_per_op"):
        assert {"median", "samples"} <= set(metrics[name])
    assert metrics["retained_bytes_per_op"]["median"] == pytest.approx(sys.getsizeof(bytearray(1000)), rel=0.02)
    assert metrics["allocs_per_op"]["median"] == pytest.approx(2, abs=0.1)
    targets = {t["metric"]: t for t in known["targets"]}
    assert targets["retained_bytes_per_op"]["met"] is False and targets["retained_bytes_per_op"]["max"] == 100
    assert targets["retained_bytes_per_op"]["value"] == metrics["retained_bytes_per_op"]["median"]
    assert targets["time_per_op_ns"]["met"] is True


@pytest.mark.e2e
def test_json_and_markdown_formats(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("known-size", "calib_ops:bytearray_1000", body='[measure]\npasses = ["memory"]\n')
    as_json = run_cli("run", "known-size.toml", "--debug-single-value", "--format", "json", "-o", "a.json",
                      cwd=scenario_dir.path)
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.json() == json.loads((scenario_dir.path / "a.json").read_text())
    settings = as_json.json()["settings"]  # the file says it is no measurement
    assert settings["debug_single_value"] is True and settings["mode"] == "debug-single-value"
    as_md = run_cli("run", "known-size.toml", "--debug-single-value", "--format", "md", "-o", "b.json",
                    cwd=scenario_dir.path)
    assert as_md.returncode == 0
    assert "| scenario" in as_md.stdout and "| known-size" in as_md.stdout
    assert "debug-single-value run" in as_md.stdout and "not a measurement" in as_md.stdout


@pytest.mark.e2e
def test_default_results_path_is_under_results(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("k", "calib_ops:noop", body='[measure]\npasses = ["memory"]\n')
    result = run_cli("run", "k.toml", "--debug-single-value", cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    files = sorted((scenario_dir.path / "results").glob("run-*.json"))
    assert len(files) == 1 and (scenario_dir.path / "results" / "latest.json").is_file()


@pytest.mark.e2e
def test_setup_result_is_passed_to_the_operation(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("with-setup", "calib_ops:uses_setup",
                       body='setup = "calib_ops:make_state"\n[measure]\npasses = ["memory"]\n')
    result = run_cli("run", "with-setup.toml", "--debug-single-value", "-o", "o.json", cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr


@pytest.mark.e2e
def test_failures_are_recorded_and_the_other_results_kept(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("raises", "calib_ops:raises")
    scenario_dir.write("crashes", "calib_ops:crashes")
    scenario_dir.write("hangs", "calib_ops:sleeps_forever", body="[measure]\ntimeout_s = 3\n")
    scenario_dir.write("too-big", "calib_ops:allocates_gigabytes", body="[measure]\nmemory_limit_mb = 1024\n")
    scenario_dir.write("wrong-result", "calib_ops:noop", body='check = "calib_ops:returns_false_check"\n')
    scenario_dir.write("fine", "calib_ops:bytearray_1000", body='[measure]\npasses = ["memory"]\n')
    names = ["raises", "crashes", "hangs", "too-big", "wrong-result", "fine"]
    out = scenario_dir.path / "out.json"
    result = run_cli("run", *[f"{n}.toml" for n in names], "--debug-single-value", "-o", str(out),
                     cwd=scenario_dir.path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    scenarios = {s["name"]: s for s in json.loads(out.read_text())["scenarios"]}
    assert list(scenarios) == names
    assert scenarios["fine"]["status"] == "ok" and scenarios["fine"]["metrics"]["retained_bytes_per_op"]["median"] > 0
    failed = {name: s["error"] for name, s in scenarios.items() if s["status"] == "failed"}
    assert set(failed) == set(names) - {"fine"}
    assert "boom from the operation" in failed["raises"]
    assert "status 3" in failed["crashes"]
    assert "timed out" in failed["hangs"]
    assert "out of memory" in failed["too-big"]
    assert "returned False" in failed["wrong-result"]
    for name in failed:
        assert scenarios[name]["metrics"] == {}  # a failed run never contributes figures


@pytest.mark.parametrize("text, field", [
    ('name = "x"\ndescription = "d"\nsuite = "s"\noperation = \n', None),
    ('name = "x"\ndescription = "d"\nsuite = "s"\n', "operation"),
    ('name = "x"\ndescription = "d"\nsuite = "s"\noperation = "calib_ops:nope"\n', "operation"),
    ('name = "x"\ndescription = "d"\nsuite = "s"\noperation = "no_such_module:f"\n', "operation"),
    ('name = "x"\ndescription = "d"\nsuite = "s"\noperation = "calib_ops:noop"\nsetup = "calib_ops:nada"\n', "setup"),
])
def test_bad_input_is_one_line_and_exit_2(scenario_dir: ScenarioDir, text: str, field: str | None) -> None:
    path = scenario_dir.path / "bad.toml"
    path.write_text(text)
    # refused at load: in this process, but for the first case, which keeps the subprocess a user runs
    cli = run_cli if field is None else run_cli_in_process
    result = cli("run", "bad.toml", "--quick", "-o", "o.json", cwd=scenario_dir.path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "bad.toml" in lines[0]
    if field:
        assert f": {field}:" in lines[0]


@pytest.mark.e2e
def test_operation_failing_to_import_in_the_worker_is_bad_input(scenario_dir: ScenarioDir) -> None:
    (scenario_dir.path / "broken_mod.py").write_text("raise ImportError('broken on import')\ndef op():\n    pass\n")
    scenario_dir.write("broken", "broken_mod:op")
    scenario_dir.write("fine", "calib_ops:noop", body='[measure]\npasses = ["memory"]\n')
    out = scenario_dir.path / "out.json"
    result = run_cli("run", "broken.toml", "fine.toml", "--debug-single-value", "-o", str(out), cwd=scenario_dir.path)
    assert result.returncode == 2
    assert "broken.toml: operation: cannot import module 'broken_mod'" in result.stderr
    statuses = {s["name"]: s["status"] for s in json.loads(out.read_text())["scenarios"]}
    assert statuses == {"broken": "failed", "fine": "ok"}


def test_unknown_scenario_name_is_bad_input() -> None:
    result = run_cli_in_process("run", "no-such-scenario", "--quick")
    assert result.returncode == 2 and "no-such-scenario" in result.stderr


@pytest.mark.e2e
def test_fail_on_target_exits_1(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("misses", "calib_ops:bytearray_1000",
                       body='[targets]\nretained_bytes_per_op = { max = 10 }\n[measure]\npasses = ["memory"]\n')
    plain = run_cli("run", "misses.toml", "--debug-single-value", "-o", "a.json", cwd=scenario_dir.path)
    assert plain.returncode == 0
    gated = run_cli("run", "misses.toml", "--debug-single-value", "--fail-on-target", "-o", "b.json",
                    cwd=scenario_dir.path)
    assert gated.returncode == 1 and "targets missed" in gated.stderr
