"""The creation suite against real agno, --quick: every scenario measured, figures coherent."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from agnobench.adapters.agno.creation import create_python_floor, shared_parts
from conftest import run_cli


@pytest.fixture(scope="module")
def creation_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("creation") / "creation.json"
    result = run_cli("run", "--suite", "creation", "--quick", "-o", str(out))  # time_per_op_rel needs fast pairs
    assert result.returncode == 0, result.stderr
    return {s["name"]: s for s in json.loads(Path(out).read_text())["scenarios"]}


@pytest.mark.e2e
def test_every_creation_scenario_is_measured(creation_results: dict[str, dict]) -> None:
    assert set(creation_results) >= {"agent-create-simple", "agent-create-tools", "agent-create-memory",
                                     "python-floor"}
    for scenario in creation_results.values():
        assert scenario["status"] == "ok", scenario["error"]
        assert {"time_per_op_ns", "retained_bytes_per_op", "allocated_bytes_per_op", "allocs_per_op",
                "ops_per_sec", "time_per_op_rel"} <= set(scenario["metrics"])
        assert {t["metric"] for t in scenario["targets"]} == {"time_per_op_ns", "retained_bytes_per_op"}
        assert scenario["details"]["network_events"] == []


@pytest.mark.e2e
def test_python_floor_retains_exactly_its_object(creation_results: dict[str, dict]) -> None:
    expected = sys.getsizeof(create_python_floor(shared_parts()))
    assert creation_results["python-floor"]["metrics"]["retained_bytes_per_op"]["median"] == pytest.approx(expected,
                                                                                                        abs=1)


@pytest.mark.e2e
def test_an_agno_agent_holds_and_allocates_more_than_the_floor(creation_results: dict[str, dict]) -> None:
    floor = creation_results["python-floor"]["metrics"]
    for name in ("agent-create-simple", "agent-create-tools", "agent-create-memory"):
        metrics = creation_results[name]["metrics"]
        for metric in ("retained_bytes_per_op", "allocated_bytes_per_op", "allocs_per_op"):
            assert metrics[metric]["median"] > floor[metric]["median"], (name, metric)
    tools = creation_results["agent-create-tools"]["metrics"]["allocs_per_op"]["median"]
    simple = creation_results["agent-create-simple"]["metrics"]["allocs_per_op"]["median"]
    assert tools > simple  # attaching a tool list costs allocations


@pytest.mark.e2e
def test_table_shows_reference_figures(creation_results: dict[str, dict]) -> None:
    simple = creation_results["agent-create-simple"]
    go = next(r for r in simple["references"] if r["key"] == "go-doc")
    assert go["values"] == {"time_per_op_ns": 184.5, "allocated_bytes_per_op": 1272, "allocs_per_op": 8}
