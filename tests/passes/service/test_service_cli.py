"""The service pass through the CLI, as a user runs it: results, a wrong server, a timeout, bad input.

Every run carries a unique marker in its environment, which the worker and
the server inherit, so a test can prove no process of the run is left (no
process, hence no listening socket either) even when the scenario failed and
recorded no pid.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from pathlib import Path

import pytest
from conftest import TESTS_DIR, ScenarioDir, run_cli, run_cli_in_process
from service_checks import listening

BUILTIN = 'generator = "builtin"\n'
PARAMS = ('connections = [1, 3]\nduration_s = 0.3\nwarmup_s = 0.1\nrates = [20]\n'
          'expect_body = "echo: {token}"\nslo_start_rate = 20\nslo_max_trials = 2\nslo_repeats = 1\n')


def _marked_processes(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _none_left(mark: str, wait_s: float = 5.0) -> bool:
    deadline = time.monotonic() + wait_s
    while _marked_processes(mark):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _scenario(scenario_dir: ScenarioDir, operation: str, params: str, measure: str = "") -> Path:
    shutil.copy(TESTS_DIR / "service_apps.py", scenario_dir.path / "service_apps.py")
    return scenario_dir.write("svc", operation, suite="service",
                              body=f'[measure]\npasses = ["service"]\n{measure}\n[measure.params]\n{params}')


def _run(scenario: Path, *args: str, timeout: float = 120, in_process: bool = False):  # type: ignore[no-untyped-def]
    """``in_process``: bad input refused before anything starts, the CLI in this process (conftest)."""
    mark = f"AGNOBENCH_TEST_MARK={uuid.uuid4().hex}"
    out = scenario.parent / "out.json"
    run_args = ("run", str(scenario), "-o", str(out), "--format", "json", *args)
    env = {mark.split("=")[0]: mark.split("=")[1]}
    result = (run_cli_in_process(*run_args, cwd=scenario.parent, env=env) if in_process
              else run_cli(*run_args, cwd=scenario.parent, env=env, timeout=timeout))
    return result, out, mark.split("=")[1]


@pytest.mark.e2e
def test_a_service_run_measures_every_level_and_leaves_nothing(scenario_dir: ScenarioDir) -> None:
    result, out, mark = _run(_scenario(scenario_dir, "service_apps:echo_app", BUILTIN + PARAMS))
    assert result.returncode == 0, result.stderr
    scenario = json.loads(out.read_text())["scenarios"][0]
    assert scenario["status"] == "ok"
    metrics = scenario["metrics"]
    for name in ("service_capacity_rps", "service_rps", "service_p50_ns", "service_p99_ns",
                 "service_rss_idle_bytes", "service_generator_cpu_share_pct"):
        assert metrics[name]["median"] > 0, name
    # CPU time comes from /proc in clock ticks (10 ms): the few requests of these tiny windows may use less.
    assert metrics["service_cpu_per_request_ns"]["median"] >= 0
    details = scenario["passes"]["service"]["details"]
    assert details["app"] == "service_apps:echo_app" and details["generator"] == "builtin"
    (run,) = details["runs"]
    assert [lv["load"]["connections"] for lv in run["levels"]] == [1, 3] and len(run["rates"]) == 1
    best = max(lv["load"]["good"] / lv["load"]["duration_s"] for lv in run["levels"])
    assert metrics["service_rps"]["median"] == pytest.approx(best)
    # the headline: every figure from the same windows, those at the capacity rate (found, then repeated once)
    capacity = run["capacity"]
    windows = capacity["windows"]
    assert capacity["rate"] is not None and len(windows) == 2
    assert {w["load"]["rate"] for w in windows} == {capacity["rate"]}
    assert metrics["service_capacity_rps"]["samples"] == pytest.approx([w["load"]["good"] / w["load"]["duration_s"]
                                                                         for w in windows])
    assert metrics["service_p99_ns"]["samples"] == pytest.approx([w["load"]["latency"]["p99"] for w in windows])
    assert metrics["service_cpu_per_request_ns"]["samples"] == pytest.approx(
        [w["server_cpu_per_request_ns"] for w in windows])
    top = run["levels"][-1]
    assert top["in_flight"] == 3
    assert top["memory_per_in_flight_bytes"] == pytest.approx((top["rss_peak_bytes"] - run["rss_idle_bytes"]) / 3)
    assert _none_left(mark) and not listening(run["port"])
    _check_tables(out)


def _check_tables(out: Path) -> None:
    """The saturation table has one row per level, the knee named; the claims table sets both figures side by side."""
    from agnobench.passes.service.report import service_sections
    from agnobench.results import load_results

    saturation, capacity, plan, claims = service_sections(load_results(out).scenarios)
    assert saturation.title == "svc: saturation"
    assert capacity.title == "Capacity at the latency goal" and capacity.rows[0][0] == "svc"
    assert "req/s" in capacity.rows[0][3] and capacity.rows[0][1] == "1"
    assert plan.rows[0][0] == "svc" and "cores at 100% scaling" in plan.rows[0][2]
    assert [row[1].split(" ◀")[0] for row in saturation.rows] == ["1 conn", "3 conn", "20/s open"]
    assert any("knee" in note for note in saturation.notes)
    assert [row[0] for row in claims.rows] == ["10,000 req/s", "< 1 ms per request excluding the LLM call"]
    assert claims.rows[0][3] == "10,000 req/s"


def test_quick_keeps_a_smoke_run_small() -> None:
    from agnobench.passes.service.contract import ServiceParams, quick

    small = quick(ServiceParams(connections=(1, 10, 100), rates=(50.0, 100.0), uvicorn_workers=(1, 2),
                                duration_s=3.0, warmup_s=1.0, scale_to_cores=True))
    assert small.connections == (10,) and small.rates == () and small.uvicorn_workers == (1,)
    assert not small.scale_to_cores and small.slo_max_trials == 1 and small.slo_repeats == 0
    assert small.duration_s == 0.5 and small.warmup_s == 0.0
    assert quick(ServiceParams(connections=(100, 1000))).connections == (10,)
    assert quick(ServiceParams(rates=(50.0, 100.0), capacity=False)).rates == (50.0,)


@pytest.mark.e2e
def test_a_server_that_answers_wrong_fails_the_scenario(scenario_dir: ScenarioDir) -> None:
    result, out, mark = _run(_scenario(scenario_dir, "service_apps:stale_app", BUILTIN + PARAMS))
    assert result.returncode == 1
    scenario = json.loads(out.read_text())["scenarios"][0]
    assert scenario["status"] == "failed" and "answered wrong" in scenario["error"]
    assert not scenario.get("metrics")
    assert _none_left(mark)


@pytest.mark.e2e
def test_a_server_that_cannot_start_fails_with_its_output(scenario_dir: ScenarioDir) -> None:
    params = BUILTIN + PARAMS + 'app = "service_apps:broken_app"\n'
    result, out, mark = _run(_scenario(scenario_dir, "service_apps:echo_app", params))
    assert result.returncode == 1
    error = json.loads(out.read_text())["scenarios"][0]["error"]
    assert "broken_app cannot start" in error and "exited with status" in error
    assert _none_left(mark)


@pytest.mark.e2e
def test_a_timeout_kills_worker_and_server(scenario_dir: ScenarioDir) -> None:
    params = BUILTIN + 'connections = [2]\nduration_s = 60\nwarmup_s = 0\nexpect_body = "echo: {token}"\n'
    scenario = _scenario(scenario_dir, "service_apps:echo_app", params, measure="timeout_s = 6")
    result, out, mark = _run(scenario)
    assert result.returncode == 1
    assert "timed out" in json.loads(out.read_text())["scenarios"][0]["error"]
    assert _none_left(mark)


@pytest.mark.parametrize(("operation", "params", "field"), [
    ("no_such_module:create_app", PARAMS, "operation"),
    ("service_apps:echo_app", PARAMS + "conections = [1]\n", "measure.params.conections"),
    ("service_apps:echo_app", "connections = [0]\n", "measure.params.connections"),
    ("service_apps:echo_app", 'generator = "ab"\n', "measure.params.generator"),
    ("service_apps:echo_app", "duration_s = \"3\"\n", "measure.params.duration_s"),
    ("service_apps:echo_app", PARAMS.replace("slo_start_rate = 20", "slo_p99_ms = 0"), "measure.params.slo_p99_ms"),
    ("service_apps:echo_app", PARAMS.replace("slo_start_rate = 20", "slo_p99_ms = -5"), "measure.params.slo_p99_ms"),
    ("service_apps:echo_app", PARAMS.replace("slo_start_rate = 20", "slo_p99_ms = nan"), "measure.params.slo_p99_ms"),
    ("service_apps:echo_app", PARAMS.replace("slo_start_rate = 20", 'slo_p99_ms = "fast"'),
     "measure.params.slo_p99_ms"),
])
def test_bad_input_stops_before_anything_starts(scenario_dir: ScenarioDir, operation: str, params: str,
                                                field: str) -> None:
    # in this process but for the first case, which keeps the subprocess: exit 2, no traceback end to end
    result, out, mark = _run(_scenario(scenario_dir, operation, params), in_process=field != "operation")
    assert result.returncode == 2
    assert field in result.stderr and "Traceback" not in result.stderr
    assert not out.exists() or not json.loads(out.read_text())["scenarios"]
    assert _none_left(mark)


def _start_until(scenario: Path, mark: str, needle: str, limit_s: float):  # type: ignore[no-untyped-def]
    """``agnobench run SCENARIO`` in the background, returned once a process of its run has ``needle`` in its
    command line (the load has started)."""
    import os
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "agnobench", "run", str(scenario), "-o",
                             str(scenario.parent / "out.json")], cwd=scenario.parent,
                            env={**os.environ, "AGNOBENCH_TEST_MARK": mark},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + limit_s
    while not any(needle in Path(f"/proc/{p}/cmdline").read_bytes().decode(errors="replace")
                  for p in _marked_processes(mark) if Path(f"/proc/{p}").exists()):
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            proc.wait()
            raise AssertionError(f"{needle!r} never started")
        time.sleep(0.1)
    return proc


@pytest.mark.e2e
def test_ctrl_c_stops_worker_server_and_generator(scenario_dir: ScenarioDir) -> None:
    import signal

    params = BUILTIN + 'connections = [2]\nduration_s = 60\nwarmup_s = 0\nexpect_body = "echo: {token}"\n'
    scenario = _scenario(scenario_dir, "service_apps:echo_app", params)
    mark = uuid.uuid4().hex
    proc = _start_until(scenario, mark, "agnobench.passes.service.loadgen", 60)
    try:
        proc.send_signal(signal.SIGINT)  # what Ctrl-C sends to the foreground process
        proc.wait(timeout=30)
        assert _none_left(mark, wait_s=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _namespaces() -> set[str]:
    import subprocess

    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split()
    return {name for name in listed if name.startswith("agnobench-")}


def _devices() -> set[str]:
    import subprocess

    lines = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout.splitlines()
    return {line.split(":")[1].strip().split("@")[0] for line in lines} - {"lo"}


@pytest.mark.skipif(__import__("importlib.util").util.find_spec("locust") is None, reason="needs agnobench[locust]")
@pytest.mark.e2e
def test_ctrl_c_during_a_locust_run_removes_its_namespaces_and_devices(scenario_dir: ScenarioDir) -> None:
    import signal

    from agnobench.passes.service import netns

    if netns.usable():
        pytest.skip(netns.usable())
    params = ('generator = "locust"\nconnections = []\nrates = [20]\nduration_s = 30\nwarmup_s = 0\n'
              'capacity = false\nexpect_body = "echo: {token}"\n')
    scenario = _scenario(scenario_dir, "service_apps:echo_app", params)
    mark = uuid.uuid4().hex
    names_before, devices_before = _namespaces(), _devices()
    proc = _start_until(scenario, mark, "\0-m\0locust\0", 90)
    try:
        assert _namespaces() - names_before  # the run's namespaces exist while Locust runs
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        assert _none_left(mark, wait_s=15)
        deadline = time.monotonic() + 10
        while (_namespaces() - names_before or _devices() - devices_before) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _namespaces() - names_before and not _devices() - devices_before
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.e2e
def test_run_generator_reaches_the_worker_and_locust_needs_its_extra(scenario_dir: ScenarioDir) -> None:
    params = 'generator = "wrk"\nconnections = [2]\nduration_s = 0.3\nwarmup_s = 0\ncapacity = false\n' \
             'expect_body = "echo: {token}"\n'
    result, out, mark = _run(_scenario(scenario_dir, "service_apps:echo_app", params), "--generator", "builtin")
    assert result.returncode == 0, result.stderr
    assert json.loads(out.read_text())["scenarios"][0]["passes"]["service"]["details"]["generator"] == "builtin"
    assert _none_left(mark)

    from agnobench.scenario import load_scenario
    from agnobench.passes.service.override import with_generator

    scenario = load_scenario(scenario_dir.path / "svc.toml")
    locust = with_generator(scenario, "locust")
    assert locust.measure.pass_params["service"].generator == "locust"
    assert locust.requires is not None and "locust" in locust.requires.packages
    assert locust.requires.install_line() == "pip install 'agnobench[locust]'"


@pytest.mark.skipif(shutil.which("unshare") is None or shutil.which("ip") is None,
                    reason="needs `unshare -n` (so no packet can leave) and `ip`")
@pytest.mark.parametrize("netns", ["1", "0"])
@pytest.mark.e2e
def test_a_network_attempt_the_app_swallows_fails_the_scenario(scenario_dir: ScenarioDir, netns: str) -> None:
    """Issue 24, D8: in the worker's namespace the kernel counts the refused packet; without one
    (AGNOBENCH_NETNS=0) the server's audit hook refuses and names the call and reports it to the worker.
    agnobench itself runs in a namespace of the test's own, so nothing can leave the machine either way."""
    import os
    import subprocess
    import sys

    scenario = _scenario(scenario_dir, "service_apps:sneaky_app", BUILTIN + PARAMS)
    out = scenario.parent / "out.json"
    # lo up in the test's namespace: without a namespace of its own the worker serves on this one's loopback.
    command = f"ip link set lo up && exec {sys.executable} -m agnobench run {scenario} -o {out} --format json"
    proc = subprocess.run(["unshare", "-n", "sh", "-c", command], cwd=scenario.parent, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "AGNOBENCH_NETNS": netns})
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    failed = json.loads(out.read_text())["scenarios"][0]
    assert failed["status"] == "failed" and "network access attempted" in failed["error"], failed["error"]
    if netns == "0":
        assert "192.0.2.1" in failed["error"]  # the hook names the call
    else:
        assert "network namespace" in failed["error"]
