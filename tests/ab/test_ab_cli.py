"""``agnobench ab`` end to end with real side workers (``current`` sides: nothing to install)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from agnobench.ab.envs import SideEnv
from agnobench.ab.measure import STATUS_NOT_COMPARABLE, STATUS_OK, ABSettings, measure_bursts
from agnobench.ab.sides import Side, SideKind
from agnobench.scenario import load_scenario
from conftest import ScenarioDir, run_cli
from reliability import MARKER, processes_with
from reliability import wait_dead

TIMING = '[measure]\npasses = ["timing"]\n'
TINY = ["--quick", "--pairs", "2", "--threshold", "1000"]  # the least measuring that proves the path: no verdict


@pytest.mark.e2e
def test_current_against_current_compares_time_and_memory(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("objects", "calib_ops:k_objects", body=TIMING)
    out = scenario_dir.path / "ab.json"
    result = run_cli("ab", "current", "current", "objects.toml", *TINY, "-o", str(out), "--format", "json",
                     cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "packages that differ (A → B): none" in result.stderr
    data = json.loads(out.read_text())
    assert data == result.json()
    assert data["schema"] == "agnobench-ab/1" and data["complete"] is True and data["packages_differ"] == []
    [scenario] = data["scenarios"]
    assert scenario["status"] == "ok" and scenario["method"] == "interleaved bursts"
    metrics = {m["metric"]: m for m in scenario["metrics"]}
    time_row = metrics["time_per_op_ns"]
    assert time_row["low"] <= time_row["ratio"] <= time_row["high"]
    assert len(scenario["details"]["estimate"]["per_pair"]) == 2
    allocs = metrics["allocs_per_op"]  # the same code allocates the same: compared exactly
    assert allocs["a"] == allocs["b"] and allocs["ratio"] == 1.0 and allocs["verdict"] == "unchanged"


@pytest.mark.e2e
def test_markdown_for_a_pull_request(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("objects", "calib_ops:k_objects", body=TIMING)
    result = run_cli("ab", "current", "current", "objects.toml", *TINY, "--format", "md",
                     "-o", str(scenario_dir.path / "ab.json"), cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("### agnobench ab: ✓ no regression")
    assert "| objects" in result.stdout and "B ÷ A" in result.stdout


def _side(root: Path) -> SideEnv:
    return SideEnv(Side(SideKind.current, "current", f"current@{root.name}"), Path(sys.executable), root)


def test_a_scenario_missing_on_one_side_is_not_comparable(tmp_path: Path) -> None:
    """As a git side's worktree would be at a commit without the file, or without the op's function."""
    old, new, gone = tmp_path / "old", tmp_path / "new", tmp_path / "gone"
    for root in (old, new, gone):
        root.mkdir()
    scenario = 'name = "s"\ndescription = "d"\nsuite = "t"\noperation = "ops_here:op"\n' + TIMING
    for root in (old, new):
        (root / "s.toml").write_text(scenario)
    (old / "ops_here.py").write_text("def op():\n    return [0] * 10\n")
    (new / "ops_here.py").write_text("def renamed():\n    return [0] * 10\n")
    loaded = load_scenario(old / "s.toml")
    settings = ABSettings.quick(pairs=2, memory=False)
    renamed = measure_bursts(loaded, _side(old), _side(new), old, settings, lambda _: None)
    assert renamed.status == STATUS_NOT_COMPARABLE and "op" in (renamed.reason or ""), renamed
    assert renamed.reason and renamed.reason.startswith("current@new")
    missing = measure_bursts(loaded, _side(old), _side(gone), old, settings, lambda _: None)
    assert missing.status == STATUS_NOT_COMPARABLE and "no scenario file" in (missing.reason or "")
    same = measure_bursts(loaded, _side(old), _side(old), old, settings, lambda _: None)
    assert same.status == STATUS_OK and same.metrics


@pytest.mark.e2e
def test_a_side_that_does_not_install_is_bad_input_with_the_installers_last_lines(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'proj'\nversion = '0'\n")
    fake_uv = tmp_path / "uv"
    fake_uv.write_text("#!/bin/bash\nif [ \"$1\" = venv ]; then exec python3 -m venv --without-pip \"${@: -1}\"; fi\n"
                       "echo 'Resolving...' >&2\necho 'error: no version of proj-dependency==9 exists' >&2\nexit 1\n")
    fake_uv.chmod(0o755)
    result = run_cli("ab", "current", "./proj", "agent-create-simple", "--quick", "-o", str(tmp_path / "ab.json"),
                     cwd=tmp_path, env={"AGNOBENCH_UV": str(fake_uv), "AGNOBENCH_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "side ./proj: does not install" in result.stderr
    assert "no version of proj-dependency==9 exists" in result.stderr
    assert not any((tmp_path / "cache" / "ab-envs").glob("*/bin"))  # the half-built environment is gone


@pytest.mark.e2e
def test_ctrl_c_stops_both_sides_workers_and_leaves_nothing(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("slow", "calib_ops:k_objects", body=TIMING)
    marker = uuid.uuid4().hex
    env = {**os.environ, MARKER: marker, "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "agnobench", "ab", "current", "current", "slow.toml", "--pairs",
                             "50", "-o", str(scenario_dir.path / "ab.json")], cwd=scenario_dir.path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        deadline = time.monotonic() + 120
        for line in proc.stderr:
            if "interleaved bursts, pair 2" in line or time.monotonic() > deadline:
                break
        workers = [pid for pid in processes_with(marker) if pid != proc.pid]
        assert len(workers) >= 4  # both sides' workers and their burst children at least
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130
    assert "Traceback" not in stderr and "interrupted by SIGINT" in stderr
    assert wait_dead(workers) == []
    assert wait_dead(processes_with(marker)) == []
    data = json.loads((scenario_dir.path / "ab.json").read_text())
    assert data["complete"] is False and data["scenarios"] == []
