"""No harness cost inside a timed op (issue 25).

The network guard's audit hook is called for every audited event (``id()``
in each deepcopy step among them), so measuring processes must not carry it
where a network namespace guards them; the hook lives in the check run's
forked child alone, which names a Python network call and counts the events
one op fires. These tests look from inside the measuring processes, and
check that the guard still catches what it caught before.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from agnobench.reporters.harness_notes import hook_notes, thread_notes
from agnobench.results import ScenarioResult
from conftest import TESTS_DIR, ScenarioDir, run_cli
from test_reliability_harness import needs_netns, run_in_netns

TIMING_ONLY = '[measure]\npasses = ["timing"]\n'


@pytest.fixture
def cost_dir(scenario_dir: ScenarioDir) -> ScenarioDir:
    shutil.copy(TESTS_DIR / "harness_cost_ops.py", scenario_dir.path / "harness_cost_ops.py")
    return scenario_dir


def _run_probed(cost_dir: ScenarioDir, name: str, operation: str, body: str) -> tuple[list[dict[str, object]], Path]:
    """``agnobench run`` of an op that writes a probe record from every process that runs it."""
    cost_dir.write(name, operation, body=body)
    probe_file = cost_dir.path / "probes.jsonl"
    out = cost_dir.path / "out.json"
    result = run_cli("run", f"{name}.toml", "--quick", "-o", str(out), cwd=cost_dir.path,
                     env={"AGNOBENCH_TEST_PROBE": str(probe_file)})
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in probe_file.read_text().splitlines()], out


@needs_netns
@pytest.mark.e2e
def test_timing_children_carry_no_hook_and_the_check_run_does(cost_dir: ScenarioDir) -> None:
    probes, out = _run_probed(cost_dir, "probe", "harness_cost_ops:probes_harness", TIMING_ONLY)
    hooked = [p for p in probes if p["hook_saw_event"]]
    clean = [p for p in probes if not p["hook_saw_event"]]
    # The check run's child alone saw the event; the worker, the sizing child and every timing child did not.
    assert len(hooked) == 1, probes
    assert len(clean) >= 4, probes  # the sizing child and 3 timing children under --quick (the worker never calls)
    for probe in clean:
        assert probe["trace"] is False and probe["profile"] is False, probe
        assert probe["thread_trace"] is False and probe["thread_profile"] is False, probe
        assert probe["tracemalloc"] is False and probe["gc_callbacks"] == 0 and probe["signals"] == [], probe
        assert probe["switch_interval"] == pytest.approx(0.005), probe  # CPython's default, untouched
    scenario = json.loads(out.read_text())["scenarios"][0]
    assert scenario["details"]["network_guard"]["audit_hook"] is False
    assert scenario["details"]["network_guard"]["check_run_hook"] is True
    assert scenario["details"]["check_run"] == "forked child"


@needs_netns
@pytest.mark.e2e
def test_audited_events_per_op_are_counted_exactly(cost_dir: ScenarioDir) -> None:
    cost_dir.write("ids", "harness_cost_ops:calls_id_1000_times", body=TIMING_ONLY)
    out = cost_dir.path / "out.json"
    result = run_cli("run", "ids.toml", "--debug-single-value", "-o", str(out), cwd=cost_dir.path)
    assert result.returncode == 0, result.stderr
    details = json.loads(out.read_text())["scenarios"][0]["details"]
    assert details["audited_events_per_op"] == 1000.0
    assert details["top_audited_events"] == {"builtins.id": 1000.0}
    assert details["audit_hook_during_measurement"] is False
    assert "audit hook ran during measurement" not in result.stdout  # nothing to warn about


@needs_netns
def test_a_late_swallowed_attempt_is_caught_by_the_namespace(cost_dir: ScenarioDir) -> None:
    """The check run sees nothing (the op tries only after ten calls); the namespace sees the timing."""
    cost_dir.write("late", "harness_cost_ops:connects_late_and_swallows_it", body=TIMING_ONLY)
    out = cost_dir.path / "out.json"
    result = run_in_netns("run", "late.toml", "--debug-single-value", "-o", str(out), cwd=cost_dir.path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    scenario = json.loads(out.read_text())["scenarios"][0]
    assert scenario["status"] == "failed" and "network access attempted" in scenario["error"], scenario
    assert "network namespace" in scenario["error"]


@pytest.mark.e2e
def test_without_a_namespace_the_hook_stays_and_the_table_says_what_it_costs(cost_dir: ScenarioDir) -> None:
    """As for a user who is not root: the hook guards measurement, and the results say what it cost."""
    cost_dir.write("ids", "harness_cost_ops:calls_id_1000_times", body=TIMING_ONLY)
    out = cost_dir.path / "out.json"
    plain = run_cli("run", "ids.toml", "--debug-single-value", "-o", str(out), cwd=cost_dir.path,
                    env={"AGNOBENCH_NETNS": "0"})
    assert plain.returncode == 0, plain.stderr
    details = json.loads(out.read_text())["scenarios"][0]["details"]
    assert details["network_guard"]["audit_hook"] is True and details["network_guard"]["namespace"] is False
    assert details["audit_hook_during_measurement"] is True
    assert details["audited_events_per_op"] == 1000.0
    assert "audit hook ran during measurement" in plain.stdout and "ids 1,000" in plain.stdout


def test_the_note_names_the_scenarios_whose_ops_fire_events() -> None:
    guard = {"audit_hook": True, "namespace": False, "namespace_error": "unshare(CLONE_NEWNET): denied"}
    busy = ScenarioResult(name="busy", suite="s", details={"network_guard": guard, "audited_events_per_op": 2257.0})
    idle = ScenarioResult(name="idle", suite="s", details={"network_guard": guard, "audited_events_per_op": 0.0})
    free = ScenarioResult(name="free", suite="s", details={"network_guard": {**guard, "audit_hook": False}})
    [note] = hook_notes([busy, idle, free])
    assert "busy 2,257" in note and "idle" not in note and "denied" in note
    assert hook_notes([free]) == []
    [quiet] = hook_notes([idle])
    assert "costs them nothing" in quiet


def test_count_events_gives_events_per_call() -> None:
    """In a fresh interpreter: the hook in, then a known number of audited events per call."""
    code = ("import sys\nfrom agnobench.measure import netguard\nfrom agnobench.measure.check_run import count_events\n"
            "netguard.add_hook()\n"
            "def op():\n    for _ in range(7):\n        sys.audit('agnobench.test.seven')\n"
            "print(count_events(op, calls=3, budget_s=60))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "(7.0, {'agnobench.test.seven': 7.0})", proc.stderr


@pytest.mark.e2e
def test_every_measuring_process_runs_the_threads_the_op_starts(cost_dir: ScenarioDir) -> None:
    """An op whose first call starts a thread (CrewAI's event loop): no fork may run it without that thread."""
    probes, out = _run_probed(cost_dir, "handler", "harness_cost_ops:hands_events_to_a_thread",
                              '[measure]\npasses = ["timing", "memory"]\n')
    assert len(probes) >= 5 and all(p["handler_alive"] for p in probes), probes
    details = json.loads(out.read_text())["scenarios"][0]["details"]
    assert details["threads_before_measuring"] == [] and details["check_run"] == "forked child"


def test_threads_running_after_setup_are_named_under_the_table() -> None:
    threaded = ScenarioResult(name="crew", suite="s", details={"threads_before_measuring": ["CrewAIEventsLoop"]})
    calm = ScenarioResult(name="calm", suite="s", details={"threads_before_measuring": []})
    [note] = thread_notes([threaded, calm])
    assert "crew (CrewAIEventsLoop)" in note and "calm" not in note
    assert thread_notes([calm]) == []
