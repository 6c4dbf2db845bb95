"""Reliability, cases 7 and 8: scenario fields are bad input at load, named by file and field, before any run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ScenarioDir
from reliability import assert_clean, error_line, run_marked

FAST = '[measure]\npasses = ["memory"]\n'
# Refused before any worker starts: the CLI runs in this process (tests/conftest.py:run_cli_in_process), except
# the first case of each kind, which keeps the subprocess a user runs: exit 2, one line, no traceback end to end.
END_TO_END = ("[measure]\ntimeout_s = nan\n", ("mod:VALUE", "operation"), "fifo")


@pytest.mark.parametrize("body, field, words", [
    ("[measure]\ntimeout_s = nan\n", "measure.timeout_s", "must be a finite number, got nan"),
    ("[measure]\ntimeout_s = inf\n", "measure.timeout_s", "must be a finite number, got inf"),
    ("[measure]\ntimeout_s = 1e9\n", "measure.timeout_s", "above the maximum"),
    ("[measure]\nmemory_limit_mb = 8\n", "measure.memory_limit_mb", "below the minimum of 256 MB: the worker itself"),
    ("[measure]\nmemory_limit_mb = 1000000000000000\n", "measure.memory_limit_mb", "above the maximum of 16777216 MB"),
    ("[measure]\npasses = []\n", "measure.passes", "must name at least one pass"),
    ('[measure]\npasses = ["memory", "memory"]\n', "measure.passes", "'memory' is listed twice"),
    ('[measure]\npasses = ["instructions"]\n', "measure.passes", "'instructions' is not a per-scenario pass"),
    ("[measure]\npasses = [1]\n", "measure.passes", "must be a list of pass names"),
    ("[measure]\nhold = 0\n", "measure.hold", "must be positive"),
    ("[targets]\ntime_per_op_ns = { max = nan }\n", "targets.time_per_op_ns.max", "finite"),
    ("[targets]\ntime_per_op_ns = { min = 5, max = 1 }\n", "targets.time_per_op_ns", "min (5) is above max (1)"),
    ("[thresholds]\ntime_per_op_ns = -3\n", "thresholds.time_per_op_ns", "0 or more"),
    ("[thresholds]\ntime_per_op_ns = inf\n", "thresholds.time_per_op_ns", "finite"),
    ("[reference.go]\ntime_per_op_ns = nan\n", "reference.go.time_per_op_ns", "finite"),
])
def test_bad_field_values_are_refused_at_load(scenario_dir: ScenarioDir, body: str, field: str, words: str) -> None:
    scenario_dir.write("good", "calib_ops:noop", body=FAST)
    scenario_dir.write("bad", "calib_ops:noop", body=body)
    result = run_marked("run", "good.toml", "bad.toml", "--quick", "-o", "out.json", cwd=scenario_dir.path,
                        in_process=body not in END_TO_END)
    assert_clean(result, 2, scenario_dir.path, one_line=True)
    line = error_line(result)
    assert line.startswith(f"error: bad.toml: {field}: ") and words in line, line
    assert ": operation:" not in line  # a tiny memory limit is not blamed on the operation field
    assert not (scenario_dir.path / "out.json").exists()  # refused before the good one ran: nothing to lose


@pytest.mark.parametrize("module_text, reference, kind", [
    ("VALUE = 5\n", "mod:VALUE", "an int"),
    ("NAME = 'op'\n", "mod:NAME", "a str"),
    ("import os\n", "mod:os", "a module"),
    ("class Holder:\n    LIMIT = [1, 2]\n", "mod:Holder.LIMIT", "a list"),
])
@pytest.mark.parametrize("field", ["operation", "setup", "check"])
def test_a_reference_that_is_surely_not_callable_is_caught_before_any_scenario_runs(
        scenario_dir: ScenarioDir, module_text: str, reference: str, kind: str, field: str) -> None:
    (scenario_dir.path / "mod.py").write_text(module_text)
    scenario_dir.write("first", "calib_ops:noop", body=FAST)
    operation = reference if field == "operation" else "calib_ops:noop"
    extra = "" if field == "operation" else f'{field} = "{reference}"\n'
    scenario_dir.write("second", operation, body=extra + FAST)
    result = run_marked("run", "first.toml", "second.toml", "--quick", "-o", "out.json", cwd=scenario_dir.path,
                        in_process=(reference, field) not in END_TO_END)
    assert_clean(result, 2, scenario_dir.path, one_line=True)
    assert error_line(result) == (f"error: second.toml: {field}: {reference!r} is not callable "
                                  f"({kind} in {scenario_dir.path / 'mod.py'}): point it at a function")
    assert not (scenario_dir.path / "out.json").exists()


@pytest.mark.e2e
def test_a_non_callable_found_only_in_the_worker_is_printed_once_and_the_others_kept(scenario_dir: ScenarioDir) -> None:
    (scenario_dir.path / "made.py").write_text("def _make():\n    return 42\nTHING = _make()\n")
    scenario_dir.write("fine", "calib_ops:noop", body=FAST)
    scenario_dir.write("late", "made:THING", body=FAST)  # a call's result: only the worker can tell
    result = run_marked("run", "fine.toml", "late.toml", "--quick", "-o", "out.json", cwd=scenario_dir.path)
    assert_clean(result, 2, scenario_dir.path)
    message = "error: late.toml: operation: 'made:THING' is not callable"
    assert result.stderr.count(message) == 1 and error_line(result).startswith(message)
    statuses = {s["name"]: s["status"] for s in json.loads((scenario_dir.path / "out.json").read_text())["scenarios"]}
    assert statuses == {"fine": "ok", "late": "failed"}


@pytest.mark.parametrize("kind", ["fifo", "fifo-in-a-directory", "device"])
def test_a_scenario_file_that_is_not_a_regular_file_is_refused_without_hanging(scenario_dir: ScenarioDir,
                                                                              kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(scenario_dir.path / "pipe.toml")
        selector, named = "pipe.toml", "pipe.toml"
    elif kind == "fifo-in-a-directory":
        (scenario_dir.path / "dir").mkdir()
        scenario_dir.write("fine", "calib_ops:noop", body=FAST, filename="dir/a.toml")
        os.mkfifo(scenario_dir.path / "dir" / "b.toml")
        selector, named = "./dir", "dir/b.toml"
    else:
        selector = named = "/dev/zero"
    result = run_marked("run", selector, "--quick", "-o", "out.json", cwd=scenario_dir.path, timeout=60,
                        in_process=kind not in END_TO_END)
    assert_clean(result, 2, scenario_dir.path, one_line=True)
    assert error_line(result).startswith(f"error: {named}: is ") and "must be a regular .toml file" in error_line(result)
    assert not Path(scenario_dir.path / "out.json").exists()


def test_a_suite_name_must_be_one_word(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("spaced", "calib_ops:noop", body=FAST, suite="my suite")
    result = run_marked("run", "spaced.toml", "--quick", "-o", "out.json", cwd=scenario_dir.path, in_process=True)
    assert_clean(result, 2, scenario_dir.path, one_line=True)
    assert error_line(result).startswith("error: spaced.toml: suite: 'my suite' must be letters")
