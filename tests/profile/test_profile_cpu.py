"""``agnobench profile --cpu`` end to end, and its clean failures when py-spy cannot sample."""

from __future__ import annotations

import json
import stat
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from conftest import ScenarioDir, run_cli

CPU_OPS = '''
def busy_inner(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def busy():
    """About a millisecond of pure Python, all of it in busy_inner."""
    return busy_inner(20000)
'''


@pytest.fixture
def cpu_scenario(scenario_dir: ScenarioDir) -> ScenarioDir:
    (scenario_dir.path / "cpu_ops.py").write_text(CPU_OPS)
    scenario_dir.write("busy", "cpu_ops:busy")
    return scenario_dir


@pytest.mark.e2e
def test_cpu_profile_writes_parsable_artifacts_and_finds_the_hot_function(cpu_scenario: ScenarioDir) -> None:
    out = cpu_scenario.path / "cpu"
    result = run_cli("profile", "--cpu", "busy.toml", "--quick", "-o", str(out), cwd=cpu_scenario.path)
    assert result.returncode == 0, result.stderr

    speedscope = json.loads((out / "profile.speedscope.json").read_text())
    assert speedscope["profiles"] and all(p["type"] == "sampled" for p in speedscope["profiles"])
    assert speedscope["shared"]["frames"]
    assert ElementTree.parse(out / "flamegraph.svg").getroot().tag.endswith("svg")

    summary = json.loads((out / "summary.json").read_text())
    tables = summary["tables"]
    assert summary["kind"] == "cpu" and summary["ops"] > 0 and tables["samples"] > 0
    assert tables["startup_samples"] >= 0
    assert sum(row["share"] for row in tables["origins"]) == pytest.approx(1.0)
    top = tables["top_own"][0]  # nearly every sample is inside busy_inner's loop
    assert top["name"].endswith("busy_inner") and top["origin"] == "scenario"
    assert summary["harness_share"] < 0.1  # a millisecond op: the loop around it is noise
    assert not tables["agno_sites"]  # no agno in this op, and none invented

    assert "busy_inner" in result.stdout and "harness" in result.stdout
    tail = result.stdout[result.stdout.index("Open:"):]
    for name in ("flamegraph.svg", "profile.speedscope.json", "summary.json"):
        assert str(out / name) in tail


@pytest.mark.e2e
def test_missing_py_spy_is_one_line_and_exit_2(cpu_scenario: ScenarioDir) -> None:
    missing = cpu_scenario.path / "no-such-dir" / "py-spy"
    result = run_cli("profile", "--cpu", "busy.toml", "--quick", "-o", "cpu", cwd=cpu_scenario.path,
                     env={"AGNOBENCH_PY_SPY": str(missing)})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr  # exactly one line
    assert result.stderr.startswith("error: py-spy not found") and "pip install py-spy" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (cpu_scenario.path / "cpu").exists() or not any((cpu_scenario.path / "cpu").iterdir())


@pytest.mark.e2e
def test_py_spy_without_ptrace_rights_is_one_line_and_exit_2(cpu_scenario: ScenarioDir) -> None:
    fake = cpu_scenario.path / "py-spy"
    fake.write_text(f"#!{sys.executable}\nimport sys\n"
                    "print('Error: Failed to suspend process', file=sys.stderr)\n"
                    "print('Reason: Operation not permitted (os error 1)', file=sys.stderr)\n"
                    "sys.exit(1)\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    result = run_cli("profile", "--cpu", "busy.toml", "--quick", "-o", "cpu", cwd=cpu_scenario.path,
                     env={"AGNOBENCH_PY_SPY": str(fake)})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "ptrace" in result.stderr and "SYS_PTRACE" in result.stderr


@pytest.mark.e2e
def test_failing_scenario_under_py_spy_is_its_own_error(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("boom", "calib_ops:raises")
    result = run_cli("profile", "--cpu", "boom.toml", "--quick", "-o", "cpu", cwd=scenario_dir.path)
    assert result.returncode == 1
    assert "boom from the operation" in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr and "py-spy" not in result.stderr


@pytest.mark.e2e
def test_duration_must_be_positive(cpu_scenario: ScenarioDir) -> None:
    result = run_cli("profile", "--cpu", "busy.toml", "--duration", "0", cwd=cpu_scenario.path)
    assert result.returncode == 2
    assert not (Path(cpu_scenario.path) / "results").exists()
