"""Reliability battery, the child-harness cases (issue 9, cases 1-3 and the worker-side small ones).

Each test asserts the exit code, that no traceback is printed, that no result
is lost and that no process is left behind. The network tests aim only at
192.0.2.0/24 (documentation addresses) and run agnobench inside a network
namespace of their own (``unshare -n``), so no packet can leave the machine
even if the guard failed; where namespaces are not available they skip.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from agnobench.measure.netguard import is_local
from conftest import TESTS_DIR, ScenarioDir, run_cli
from reliability import MARKER, alive, processes_with, wait_dead

MEMORY_ONLY = '[measure]\npasses = ["memory"]\n'


def _namespaces_available() -> bool:
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


needs_netns = pytest.mark.skipif(not _namespaces_available(),
                                 reason="needs `unshare -n` (root or user namespaces) so no packet can leave")


def marked_pids(marker: Path) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for path in marker.parent.glob(marker.name + ".*"):
        kind, pid = path.name.split(".")[-2:]
        found.setdefault(kind, []).append(int(pid))
    return found


@pytest.fixture
def ops_dir(scenario_dir: ScenarioDir) -> ScenarioDir:
    shutil.copy(TESTS_DIR / "harness_ops.py", scenario_dir.path / "harness_ops.py")
    return scenario_dir


# ---- case 1: a worker's whole life is bounded, interpreter exit included ------------------------------

@pytest.mark.e2e
def test_a_thread_left_running_by_the_op_does_not_hang_the_run(ops_dir: ScenarioDir, tmp_path: Path) -> None:
    # The thread starts in setup: the worker never calls the op itself (its forks do), so setup is what runs there.
    ops_dir.write("thread", "harness_ops:returns_its_state",
                  body='setup = "harness_ops:leaves_a_thread"\n' + MEMORY_ONLY + "timeout_s = 120\n")
    ops_dir.write("after", "calib_ops:bytearray_1000", body=MEMORY_ONLY)
    marker = tmp_path / "mark"
    out = ops_dir.path / "out.json"
    result = run_cli("run", "thread.toml", "after.toml", "--debug-single-value", "-o", str(out), cwd=ops_dir.path,
                     env={"AGNOBENCH_TEST_MARKER": str(marker)}, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    scenarios = {s["name"]: s for s in json.loads(out.read_text())["scenarios"]}
    assert [scenarios[n]["status"] for n in ("thread", "after")] == ["ok", "ok"]
    details = scenarios["thread"]["details"]
    assert "killed_after_result" not in details  # it exited by itself, right after its result
    assert "sleeper-left-by-op" in details["threads_left_running"]  # and says what it cut short
    assert details["threads_before_measuring"] == ["sleeper-left-by-op"]  # forks of it run without: said
    assert wait_dead(marked_pids(marker)["worker"]) == []


# ---- case 2: workers die with their parent, on every exit path -----------------------------------------

@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143), (signal.SIGKILL, -9)])
@pytest.mark.e2e
def test_workers_and_their_children_die_with_agnobench(ops_dir: ScenarioDir, tmp_path: Path, sig: int,
                                                       code: int) -> None:
    ops_dir.write("fine", "calib_ops:bytearray_1000", body=MEMORY_ONLY)
    ops_dir.write("hangs", "harness_ops:hangs_with_a_child", body=MEMORY_ONLY + "timeout_s = 300\n")
    marker = tmp_path / "mark"
    case = uuid.uuid4().hex
    out = ops_dir.path / "out.json"
    proc = subprocess.Popen([sys.executable, "-m", "agnobench", "run", "fine.toml", "hangs.toml",
                             "--debug-single-value", "-o", str(out)], cwd=ops_dir.path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE,
                            text=True, env={**os.environ, "AGNOBENCH_TEST_MARKER": str(marker), "COLUMNS": "200",
                                            MARKER: case})
    try:
        deadline = time.monotonic() + 120
        while {"worker", "sleep"} - set(marked_pids(marker)) and time.monotonic() < deadline:
            time.sleep(0.1)
        pids = marked_pids(marker)
        assert {"worker", "sleep"} <= set(pids), "the hanging op never started"
        proc.send_signal(sig)
        _stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == code
    assert wait_dead(pids["worker"] + pids["sleep"]) == []  # the worker, and what its op started
    assert wait_dead(processes_with(case)) == []  # and the worker server, and every other process of the run
    scenarios = json.loads(out.read_text())["scenarios"]
    assert [s["name"] for s in scenarios] == ["fine"] and scenarios[0]["status"] == "ok"  # kept
    if sig != signal.SIGKILL:
        assert "Traceback" not in stderr
        last = stderr.strip().splitlines()[-1]
        assert f"interrupted by {signal.Signals(sig).name}" in last and "kept 1 of 2" in last and str(out) in last


# ---- case 3: the network guard covers child processes and native code ---------------------------------

def test_local_names_match_exactly_not_by_prefix() -> None:
    for host in ("localhost", "LOCALHOST.", "api.localhost", "127.0.0.1", "127.8.9.10", "::1", "0.0.0.0", "",
                 "::ffff:127.0.0.1", b"localhost"):
        assert is_local(host), host
    for host in ("localhost.example.org", "localhostx", "127.example.org", "::1.example.org", "192.0.2.1",
                 "2001:db8::1", "example.org", None):
        assert not is_local(host), host


def run_in_netns(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """agnobench inside a fresh network namespace: whatever the guard does, nothing leaves the machine."""
    return subprocess.run(["unshare", "-n", sys.executable, "-m", "agnobench", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "COLUMNS": "200"})


@needs_netns
@pytest.mark.e2e
def test_connections_from_subprocesses_and_native_code_fail_the_scenario(ops_dir: ScenarioDir) -> None:
    names = {"from-subprocess": "connects_from_a_subprocess", "through-ctypes": "connects_through_ctypes",
             "in-python": "connects_in_python", "loopback": "serves_on_loopback"}
    for name, function in names.items():
        ops_dir.write(name, f"harness_ops:{function}", body=MEMORY_ONLY)
    out = ops_dir.path / "out.json"
    result = run_in_netns("run", *[f"{n}.toml" for n in names], "--debug-single-value", "-o", str(out),
                          cwd=ops_dir.path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    scenarios = {s["name"]: s for s in json.loads(out.read_text())["scenarios"]}
    assert list(scenarios) == list(names)  # every result kept
    loopback = scenarios["loopback"]
    assert loopback["status"] == "ok"  # loopback servers work in the worker's own namespace
    guard = loopback["details"]["network_guard"]
    # The namespace guards the measurement; the audit hook is in the check run's child alone (issue 25).
    assert guard["audit_hook"] is False and guard["namespace"] is True and guard["check_run_hook"] is True, guard
    for name in ("from-subprocess", "through-ctypes"):
        failed = scenarios[name]
        assert failed["status"] == "failed" and "network access attempted" in failed["error"], failed
        assert "child process or native code" in failed["error"]
        assert failed["details"]["network_events"]  # failed network scenarios carry what was attempted
    python = scenarios["in-python"]
    assert python["status"] == "failed" and "192.0.2.1" in python["error"]
    assert any("192.0.2.1" in event for event in python["details"]["network_events"])


def test_guard_refuses_python_calls_before_the_system_call(tmp_path: Path) -> None:
    """The audit hook raises before connect() or a DNS lookup is made: safe without a namespace."""
    code = ("import socket\nfrom agnobench.measure import netguard\nnetguard.install()\n"
            "for host in ('localhost.example.org', '192.0.2.1'):\n"
            "    try:\n        socket.create_connection((host, 80), timeout=1)\n"
            "    except netguard.NetworkBlocked as exc:\n        print('blocked', host)\n"
            "print(len(netguard.violations()))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert proc.stdout.split("\n")[:3] == ["blocked localhost.example.org", "blocked 192.0.2.1", "2"], proc.stderr


# ---- the worker-side small ones --------------------------------------------------------------------

@pytest.mark.e2e
def test_async_setup_is_awaited(ops_dir: ScenarioDir) -> None:
    ops_dir.write("async-setup", "harness_ops:uses_async_state",
                  body='setup = "harness_ops:async_setup"\n' + MEMORY_ONLY)
    out = ops_dir.path / "out.json"
    result = run_cli("run", "async-setup.toml", "--debug-single-value", "-o", str(out), cwd=ops_dir.path)
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["scenarios"][0]["status"] == "ok"


@pytest.mark.e2e
def test_failed_network_scenario_carries_its_network_events(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("raw-socket", "calib_ops:opens_socket", body=MEMORY_ONLY)  # refused before connect()
    out = scenario_dir.path / "out.json"
    result = run_cli("run", "raw-socket.toml", "--debug-single-value", "-o", str(out), cwd=scenario_dir.path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    failed = json.loads(out.read_text())["scenarios"][0]
    assert failed["status"] == "failed"
    assert failed["details"]["network_events"] == ["socket.getaddrinfo to '192.0.2.1'"]
