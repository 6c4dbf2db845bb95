"""The concurrency pass: every mode runs the calls it says, checks every answer, and catches cross-talk."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agnobench.adapters.agno.concurrency import create_per_call, run_agent_per_task, run_shared_agent
from agnobench.passes.concurrency.engine import (CELLS, CrossTalkError, Plan, headline_cell, run_matrix,
                                           summarize_matrix)
from agnobench.errors import ScenarioError
from agnobench.passes.concurrency.contract import ConcurrencyParams
from conftest import TESTS_DIR, ScenarioDir, run_cli
import concurrency_ops


@pytest.mark.parametrize("mode", ["threads", "processes", "asyncio"])
def test_every_mode_makes_and_checks_every_call(mode: str) -> None:
    cell = CELLS[mode](concurrency_ops.echo(), 3, 5, f"t-{mode}")
    assert cell.ops == 15 and cell.checked == 15 and cell.problems == []
    assert cell.wall_s > 0


@pytest.mark.parametrize("mode", ["threads", "processes", "asyncio"])
def test_answers_for_another_caller_are_caught_in_every_mode(mode: str) -> None:
    cell = CELLS[mode](concurrency_ops.leaky(), 2, 4, f"t-{mode}")
    assert cell.problems, "a workload that answers the wrong caller must be caught"
    with pytest.raises(CrossTalkError, match=f"answered wrongly under {mode} with 1 worker "):
        run_matrix({"leaky": concurrency_ops.leaky()}, Plan([mode], [1, 2], 1, {"leaky": 4}), lambda _: None)


@pytest.mark.parametrize("mode", ["threads", "asyncio"])
def test_real_agno_runs_carry_their_own_token(mode: str) -> None:
    for workload in (run_agent_per_task(), run_shared_agent()):
        cell = CELLS[mode](workload, 2, 3, f"real-{mode}")
        assert cell.problems == [] and cell.checked == 6
    created = CELLS[mode](create_per_call(), 2, 3, f"create-{mode}")
    assert created.problems == [] and created.checked == 6


def test_a_shared_agent_behind_a_broken_cache_is_cross_talk() -> None:
    cell = CELLS["threads"](concurrency_ops.shared_agent_behind_broken_cache(), 2, 3, "cache")
    assert len(cell.problems) >= 4  # at most each worker's first call misses the cache and gets its own answer
    assert "RunCheckError" in next(p for p in cell.problems if p)


def _cells(speedups: dict[int, float], mode: str = "threads", variant: str = "v") -> list[dict]:
    """Synthetic cells whose throughput at N workers is speedup(N) × that at one worker."""
    return [{"round": 0, "mode": mode, "variant": variant, "workers": n, "ops": 100 * n,
             "wall_s": 100 * n / (1000 * s), "checked": 0} for n, s in speedups.items()]


def test_verdicts_follow_the_stated_criterion() -> None:
    cells = (_cells({1: 1.0, 2: 1.9, 4: 1.85}, "processes") + _cells({1: 1.0, 2: 1.5, 4: 1.4}, "asyncio")
             + _cells({1: 1.0, 2: 1.0, 4: 0.7}, "threads"))
    rows, verdicts = summarize_matrix(cells, {"v": False}, cpus=2, threshold=0.8)
    by_mode = {v["mode"]: v["verdict"] for v in verdicts}
    assert by_mode == {"processes": "linear", "asyncio": "sub-linear", "threads": "no scaling, slows down"}
    row = next(r for r in rows if r["mode"] == "processes" and r["workers"] == 2)
    assert row["speedup"] == pytest.approx(1.9) and row["efficiency"] == pytest.approx(0.95)
    assert row["ops_per_sec"] == pytest.approx(1900) and row["time_per_op_ns"] == pytest.approx(1e9 / 1900)
    assert row["ideal_speedup"] == 2
    # the same numbers for work that waits (I/O-bound): the ideal at 4 workers is 4, not the core count
    io_rows, io_verdicts = summarize_matrix(_cells({1: 1.0, 2: 1.9, 4: 1.85}), {"v": True}, cpus=2, threshold=0.8)
    assert io_verdicts[0]["verdict"] == "sub-linear"
    assert next(r for r in io_rows if r["workers"] == 4)["ideal_speedup"] == 4


def test_headline_cell_is_fixed_by_the_scenario_and_validated() -> None:
    workloads = {"a": concurrency_ops.echo(), "b": concurrency_ops.echo()}
    modes = ["threads", "processes", "asyncio"]
    assert headline_cell(ConcurrencyParams(), [1, 2, 4, 8], modes, workloads, cpus=2) == ("a", "processes", 2)
    assert headline_cell(ConcurrencyParams(headline_mode="asyncio", headline_variant="b", headline_workers=8),
                         [1, 2, 4, 8], modes, workloads, cpus=2) == ("b", "asyncio", 8)
    with pytest.raises(ScenarioError):
        headline_cell(ConcurrencyParams(headline_workers=3), [1, 2, 4, 8], modes, workloads, cpus=2)


MATRIX = """
[measure]
passes = ["concurrency"]
[measure.params]
workers = [1, 2]
modes = ["threads", "processes", "asyncio"]
rounds = 1
ops_per_worker = 10
control = false
"""


@pytest.mark.e2e
def test_cli_cross_talk_fails_that_scenario_and_keeps_the_others(scenario_dir: ScenarioDir) -> None:
    shutil.copy(TESTS_DIR / "concurrency_ops.py", scenario_dir.path / "concurrency_ops.py")
    scenario_dir.write("leaky", "calib_ops:noop", body=MATRIX + '[measure.params.variants]\nv = "concurrency_ops:leaky"\n')
    scenario_dir.write("echo", "calib_ops:noop", body=MATRIX + '[measure.params.variants]\nv = "concurrency_ops:echo"\n')
    scenario_dir.write("cache", "calib_ops:noop",
                       body=MATRIX + '[measure.params.variants]\nv = "concurrency_ops:shared_agent_behind_broken_cache"\n')
    scenario_dir.write("not-workload", "calib_ops:noop",
                       body=MATRIX + '[measure.params.variants]\nv = "concurrency_ops:not_a_workload"\n')
    out = scenario_dir.path / "out.json"
    result = run_cli("run", "leaky.toml", "echo.toml", "cache.toml", "not-workload.toml", "--quick", "-o", str(out),
                     cwd=scenario_dir.path)
    scenarios = {s["name"]: s for s in json.loads(Path(out).read_text())["scenarios"]}
    assert result.returncode == 1  # failed scenarios; none is bad input
    assert scenarios["leaky"]["status"] == "failed" and "answered wrongly" in scenarios["leaky"]["error"]
    assert scenarios["cache"]["status"] == "failed" and "RunCheckError" in scenarios["cache"]["error"]
    assert "not_a_workload" in scenarios["not-workload"]["error"] or "Workload" in scenarios["not-workload"]["error"]
    echo = scenarios["echo"]
    assert echo["status"] == "ok", echo["error"]
    matrix = echo["passes"]["concurrency"]["details"]
    assert {(r["mode"], r["workers"]) for r in matrix["rows"]} == {(m, w) for m in ("threads", "processes", "asyncio")
                                                                  for w in (1, 2)}
    ops = matrix["variants"]["v"]["ops_per_worker"]  # --quick scales the scenario's 10 down
    assert 3 <= ops < 10
    assert matrix["calls_checked"] == 3 * (1 + 2) * ops and matrix["crosstalk"] == 0
    assert {v["mode"] for v in matrix["verdicts"]} == {"threads", "processes", "asyncio"}
    assert "criterion" in matrix and matrix["headline"] == {"variant": "v", "mode": "processes", "workers": 2}
    assert {"time_per_op_ns", "speedup", "efficiency", "ops_per_sec"} <= set(echo["metrics"])
    assert "workers × mode" in result.stdout
