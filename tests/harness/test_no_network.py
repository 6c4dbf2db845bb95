"""No network at run time: telemetry is off, and a guard proves nothing connects."""

from __future__ import annotations

import json

import pytest

from conftest import ScenarioDir, run_cli


@pytest.mark.e2e
def test_agent_runs_open_no_socket_and_forced_telemetry_is_caught(scenario_dir: ScenarioDir) -> None:
    memory_only = '[measure]\npasses = ["memory"]\n'
    scenario_dir.write("agent-run", "calib_ops:runs_agent", body=memory_only)
    scenario_dir.write("telemetry-on", "calib_ops:runs_agent_with_telemetry_forced_on", body=memory_only)
    scenario_dir.write("raw-socket", "calib_ops:opens_socket", body=memory_only)
    out = scenario_dir.path / "out.json"
    result = run_cli("run", "agent-run.toml", "telemetry-on.toml", "raw-socket.toml", "--debug-single-value",
                     "-o", str(out), cwd=scenario_dir.path,
                     env={"AGNO_TELEMETRY": "true"})  # the user's own setting is overridden
    scenarios = {s["name"]: s for s in json.loads(out.read_text())["scenarios"]}

    # A full agno run (telemetry would post after it) completed with no socket use at all.
    assert scenarios["agent-run"]["status"] == "ok"
    assert scenarios["agent-run"]["details"]["network_events"] == []
    # The guard sees agno's telemetry when it is forced back on, and any direct connection.
    assert scenarios["telemetry-on"]["status"] == "failed"
    assert "network access attempted" in scenarios["telemetry-on"]["error"]
    assert "agno.com" in scenarios["telemetry-on"]["error"]
    assert scenarios["raw-socket"]["status"] == "failed"
    assert "192.0.2.1" in scenarios["raw-socket"]["error"]
    assert result.returncode == 1
