"""The worker server: scenario workers forked from one process that imported agno once.

What must hold is what held for fresh interpreters: each worker in its own
session, nothing of one scenario seen by the next, every process gone at the
end, and a run that goes on (with fresh interpreters) when the server cannot
be used. The figures it saves are the benchmark's business, not a test's.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest

from agnobench.harness.forkserver import FORKED, FRESH, ForkServer
from agnobench.harness.spawn import ChildJob, run_child
from conftest import TESTS_DIR, ScenarioDir, run_cli
from reliability import alive, wait_dead
from test_reliability_harness import marked_pids

MEMORY_ONLY = '[measure]\npasses = ["memory"]\n'
JOB = ChildJob("harness_ops", {}, timeout_s=120, work="harness_ops:work_identity")


@pytest.fixture
def ops_dir(scenario_dir: ScenarioDir) -> ScenarioDir:
    (scenario_dir.path / "harness_ops.py").write_text((TESTS_DIR / "harness_ops.py").read_text())
    for name in ("one", "two"):
        scenario_dir.write(name, "harness_ops:records_its_worker", body=MEMORY_ONLY)
    return scenario_dir


def _identities(marker: Path) -> list[dict]:
    return [json.loads(path.read_text()) for path in sorted(marker.parent.glob(marker.name + ".identity.*"))]


def _run_two(ops_dir: ScenarioDir, tmp_path: Path, *extra: str) -> tuple[list[dict], dict[str, dict]]:
    marker = tmp_path / "mark"
    out = ops_dir.path / "out.json"
    result = run_cli("run", "one.toml", "two.toml", "--debug-single-value", "-o", str(out), *extra, cwd=ops_dir.path,
                     env={"AGNOBENCH_TEST_MARKER": str(marker)}, timeout=300)
    assert result.returncode == 0, result.stderr
    scenarios = {s["name"]: s for s in json.loads(out.read_text())["scenarios"]}
    return _identities(marker), scenarios


@pytest.mark.e2e
def test_workers_are_forked_from_one_server_each_in_its_own_session_and_clean(ops_dir: ScenarioDir,
                                                                                tmp_path: Path) -> None:
    identities, scenarios = _run_two(ops_dir, tmp_path)
    assert [scenarios[n]["details"]["worker_start"] for n in ("one", "two")] == [FORKED, FORKED]
    assert len(identities) == 2
    first, second = identities
    assert first["pid"] != second["pid"] and first["ppid"] == second["ppid"]  # one server, two workers
    assert "agnobench.harness.zygote" in first["parent"]
    assert all(i["sid"] == i["pid"] for i in identities)  # its own session: one killpg takes its tree
    assert all(i["agno_preloaded"] for i in identities)  # agno was imported before the op's module
    assert [i["taint_seen"] for i in identities] == [None, None]  # the first worker's state did not reach the second
    assert wait_dead([first["ppid"]]) == []  # the server is gone with the run


@pytest.mark.e2e
def test_fresh_workers_are_fresh_interpreters(ops_dir: ScenarioDir, tmp_path: Path) -> None:
    identities, scenarios = _run_two(ops_dir, tmp_path, "--fresh-workers")
    assert [scenarios[n]["details"]["worker_start"] for n in ("one", "two")] == [FRESH, FRESH]
    assert [i["agno_preloaded"] for i in identities] == [False, False]
    assert all("agnobench.harness.zygote" not in i["parent"] and " run " in i["parent"] for i in identities)


def test_a_dead_server_means_fresh_workers_not_failures(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS_DIR)  # the server and fresh children import harness_ops from their cwd
    with ForkServer() as server:
        forked = run_child(JOB, server=server)
        assert forked.ok and forked.harness["worker_start"] == FORKED
        assert server.proc is not None and forked.result["ppid"] == server.proc.pid
        os.killpg(server.proc.pid, signal.SIGKILL)
        server.proc.wait()
        fresh = run_child(JOB, server=server)
    assert fresh.ok, fresh.failure
    assert fresh.result["ppid"] == os.getpid()
    assert fresh.harness["worker_start"].startswith(FRESH + " (")  # and says why


def test_a_forked_worker_that_times_out_is_killed_and_the_server_serves_on(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(TESTS_DIR)
    marker = tmp_path / "mark"
    monkeypatch.setenv("AGNOBENCH_TEST_MARKER", str(marker))
    hanging = ChildJob("harness_ops", {"hang_s": 300}, timeout_s=3, work="harness_ops:work_identity")
    with ForkServer() as server:
        started = time.monotonic()
        timed_out = run_child(hanging, server=server)
        assert time.monotonic() - started < 120  # bounded by the job's timeout, not the op's 300 s sleep
        assert timed_out.timed_out and "timed out after 3 s" in timed_out.failure.message
        assert wait_dead(marked_pids(marker)["worker"]) == []
        after = run_child(JOB, server=server)
        assert after.ok and after.harness["worker_start"] == FORKED
        server_pid = server.proc.pid
    assert not alive(server_pid)


def test_a_server_with_a_thread_after_its_imports_is_not_forked_from(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "starts_a_thread.py").write_text("import threading, time\n"
                                                 "threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n")
    (tmp_path / "harness_ops.py").write_text((TESTS_DIR / "harness_ops.py").read_text())
    monkeypatch.chdir(tmp_path)
    with ForkServer(preload=("starts_a_thread",)) as server:
        outcome = run_child(JOB, server=server)
    assert outcome.ok, outcome.failure
    assert outcome.result["ppid"] == os.getpid()
    assert "2 threads after its imports" in outcome.harness["worker_start"]


def _hash_with_seed(seed: str) -> int:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "print(hash('agnobench'))"], capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": seed}, check=True)
    return int(out.stdout)


@pytest.mark.e2e
def test_workers_get_the_same_layout_in_every_run_unless_asked_for_a_random_one(ops_dir: ScenarioDir,
                                                                                  tmp_path: Path) -> None:
    for name in ("fixed", "seed7", "random"):
        (tmp_path / name).mkdir()
    identities, _ = _run_two(ops_dir, tmp_path / "fixed")
    assert [i["hash_of_text"] for i in identities] == [_hash_with_seed("0")] * 2
    assert [i["addresses_randomized"] for i in identities] == [False, False]
    layout = json.loads((ops_dir.path / "out.json").read_text())["environment"]["worker_layout"]
    assert layout == {"hash_seed": "0", "address_randomization": False}

    identities, _ = _run_two(ops_dir, tmp_path / "seed7", "--hash-seed", "7")
    assert [i["hash_of_text"] for i in identities] == [_hash_with_seed("7")] * 2

    identities, _ = _run_two(ops_dir, tmp_path / "random", "--random-layout", "--fresh-workers")
    assert [i["addresses_randomized"] for i in identities] == [True, True]
    assert identities[0]["hash_of_text"] != identities[1]["hash_of_text"]  # two interpreters, two seeds
