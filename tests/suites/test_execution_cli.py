"""The built-in execution, concurrency, real-world and pattern scenarios end to end, --quick."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agnobench.catalog import builtin_scenarios
from conftest import run_cli

SCENARIOS = ["agent-run-tool", "agent-run-stream", "parallel-run", "team-overhead", "batch-create-1000",
             "response-cache", "llm-latency-100ms"]

BROKEN = """name = "agent-run-broken"
description = "a run whose check fails"
suite = "execution"
setup = "agnobench.adapters.agno.execution:simple_agent"
operation = "agnobench.adapters.agno.execution:run_simple"
check = "agnobench.adapters.agno.execution:check_stream_text"
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    directory = tmp_path_factory.mktemp("execution")
    (directory / "broken.toml").write_text(BROKEN)
    out = directory / "out.json"
    result = run_cli("run", *SCENARIOS[:3], "broken.toml", *SCENARIOS[3:], "--debug-single-value", "-o", str(out),
                     "--format", "md", cwd=directory)
    data = json.loads(Path(out).read_text())
    return {"returncode": result.returncode, "stdout": result.stdout, "stderr": result.stderr,
            "scenarios": {s["name"]: s for s in data["scenarios"]}}


@pytest.mark.e2e
def test_a_failing_check_fails_only_its_scenario(run: dict) -> None:
    assert run["returncode"] == 1, run["stderr"]
    broken = run["scenarios"]["agent-run-broken"]
    assert broken["status"] == "failed" and "check" in broken["error"] and not broken["metrics"]
    for name in SCENARIOS:
        assert run["scenarios"][name]["status"] == "ok", (name, run["scenarios"][name]["error"])
        assert run["scenarios"][name]["details"]["network_events"] == []


@pytest.mark.e2e
def test_execution_scenarios_report_latency_and_allocations(run: dict) -> None:
    for name in ("agent-run-tool", "agent-run-stream"):
        metrics = run["scenarios"][name]["metrics"]
        assert {"time_per_op_ns", "ops_per_sec", "latency_p50_ns", "latency_p95_ns", "latency_p99_ns",
                "allocated_bytes_per_op", "allocs_per_op", "retained_bytes_per_op"} <= set(metrics)
        assert metrics["latency_p50_ns"]["median"] <= metrics["latency_p99_ns"]["median"]
    tool, stream = run["scenarios"]["agent-run-tool"]["metrics"], run["scenarios"]["agent-run-stream"]["metrics"]
    assert tool["allocs_per_op"]["median"] > 0 and stream["allocs_per_op"]["median"] > 0


@pytest.mark.e2e
def test_concurrency_real_world_and_patterns_land_in_results_and_tables(run: dict) -> None:
    scenarios = run["scenarios"]
    matrix = scenarios["parallel-run"]["passes"]["concurrency"]["details"]
    assert {r["variant"] for r in matrix["rows"]} == {"agent-per-worker", "shared-agent", "control"}
    assert {r["mode"] for r in matrix["rows"]} == {"threads", "processes", "asyncio"}
    assert {r["workers"] for r in matrix["rows"]} == {1, 2, 4, 8}
    assert matrix["calls_checked"] > 0 and matrix["crosstalk"] == 0
    batch = scenarios["batch-create-1000"]["metrics"]
    assert batch["total_retained_bytes"]["median"] == pytest.approx(1000 * batch["retained_bytes_per_op"]["median"])
    team = scenarios["team-overhead"]["metrics"]
    assert team["overhead_ratio"]["median"] > 0 and "baseline_time_ns" in team
    cache = scenarios["response-cache"]["passes"]["variants"]["details"]
    assert [r["name"] for r in cache["rows"]] == ["no-cache", "cache-miss", "cache-hit"]
    llm = scenarios["llm-latency-100ms"]["metrics"]
    assert llm["model_time_ns"]["median"] >= 100_000_000  # the simulated wait, as measured around the sleep
    assert 0 < llm["framework_share_pct"]["median"] < 100
    for title in ("Suite: execution", "Suite: concurrency", "parallel-run: workers × mode",
                  "Comparisons (variants measured side by side)",
                  "Real-world scenarios beside the document's arithmetic"):
        assert title in run["stdout"]


def test_default_run_covers_every_suite_and_keeps_slow_ones_on_request() -> None:
    catalog = builtin_scenarios()
    default = {s.name for s in catalog if s.default}
    assert {"agent-run-simple", "parallel-run", "batch-create-1000", "agent-pool"} <= default
    assert {"agent-run-durable", "conversation-25", "parallel-run-io"}.isdisjoint(default)
    assert [s.suite for s in catalog][:1] == ["creation"]
