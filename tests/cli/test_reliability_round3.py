"""Reliability, third round (issue 24): what the worker server, the service suite and the pages let through.

One test (or a few) per defect, each through the real command line where the
defect was seen, asserting the exit code, one line, no traceback, every other
scenario's result kept, and nothing left running or lying in $TMPDIR.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from agnobench.harness import containment
from conftest import TESTS_DIR, ScenarioDir
from reliability import MARKER, assert_clean, error_line, processes_with, run_marked

MEMORY_ONLY = '[measure]\npasses = ["memory"]\n'
SERVICE = ('[measure]\npasses = ["service"]\n[measure.params]\nconnections = [2]\nduration_s = 0.3\nwarmup_s = 0.1\n'
           'generator = "builtin"\nexpect_body = "echo: {token}"\n')


def _cgroups_usable() -> bool:
    group = containment.make()
    group.remove()
    return group.path is not None


needs_cgroup = pytest.mark.skipif(not _cgroups_usable(), reason="no writable cgroup v2 here: docs/harness.md says "
                                                                "what holds without one")


@pytest.fixture
def ops(scenario_dir: ScenarioDir) -> ScenarioDir:
    for name in ("round3_ops.py", "service_apps.py"):
        shutil.copy(TESTS_DIR / name, scenario_dir.path / name)
    return scenario_dir


def _scenarios(out: Path) -> dict[str, dict]:
    return {s["name"]: s for s in json.loads(out.read_text())["scenarios"]}


def _tmp_env(tmp: Path) -> dict[str, str]:
    tmp.mkdir(exist_ok=True)
    return {"TMPDIR": str(tmp)}


def _leftovers(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.iterdir() if p.name.startswith("agnobench-"))


# ---- D1: text reaches the terminal as written, never as rich markup ------------------------------------

@pytest.mark.e2e
def test_markup_shaped_errors_and_paths_are_printed_as_written(ops: ScenarioDir) -> None:
    ops.write("bracketed", "round3_ops:raises_bracketed", body=MEMORY_ONLY)
    ops.write("after", "calib_ops:noop", body=MEMORY_ONLY)
    out = ops.path / "[red]out[/red].json"
    result = run_marked("run", "bracketed.toml", "after.toml", "--quick", "-o", str(out), cwd=ops.path)
    assert_clean(result, 1, ops.path)
    scenarios = _scenarios(out)
    assert [scenarios[n]["status"] for n in ("bracketed", "after")] == ["failed", "ok"]
    assert "cannot read [/etc/app.conf] [bold]x[/bold] :x:" in result.stdout  # the table, verbatim
    assert f"Results written to {out}" in result.stderr.replace("\n", "")

    compared = run_marked("compare", str(out), str(out), cwd=ops.path, in_process=True)
    assert_clean(compared, 0, ops.path)
    assert str(out) in compared.stdout.replace("\n", "")


def test_help_keeps_its_square_brackets() -> None:
    run_help = run_marked("run", "--help", cwd=Path.cwd())
    list_help = run_marked("list", "--help", cwd=Path.cwd())
    assert "agnobench[html]" in run_help.stdout.replace("\n", "")
    assert "[requires]" in list_help.stdout


# ---- D2, D12: one kill reaches every process a scenario started -----------------------------------------

@needs_cgroup
@pytest.mark.parametrize("fresh", [False, True], ids=["forked", "fresh"])
@pytest.mark.parametrize("op", ["starts_a_helper", "starts_a_new_session"])
@pytest.mark.e2e
def test_no_process_a_scenario_started_outlives_it(ops: ScenarioDir, fresh: bool, op: str) -> None:
    ops.write("starter", f"round3_ops:{op}", body=MEMORY_ONLY)
    ops.write("after", "calib_ops:noop", body=MEMORY_ONLY)
    out = ops.path / "out.json"
    result = run_marked("run", "starter.toml", "after.toml", "--debug-single-value", "-o", str(out),
                        *(["--fresh-workers"] if fresh else []), cwd=ops.path)
    assert_clean(result, 0, ops.path)  # asserts that no process with the run's marker is left
    details = _scenarios(out)["starter"]["details"]
    assert details["containment"] == "cgroup"


@pytest.mark.e2e
def test_without_a_cgroup_a_forked_workers_helpers_still_go(ops: ScenarioDir) -> None:
    """D2 in the fallback: the worker's session is killed even once the worker itself has exited."""
    ops.write("starter", "round3_ops:starts_a_helper", body=MEMORY_ONLY)
    out = ops.path / "out.json"
    result = run_marked("run", "starter.toml", "--debug-single-value", "-o", str(out), cwd=ops.path,
                        env={containment.DISABLE_ENV: "1"})
    assert_clean(result, 0, ops.path)
    details = _scenarios(out)["starter"]["details"]
    assert details["containment"] == f"process group only ({containment.DISABLE_ENV} is set)"
    assert details["worker_start"] == "forked from the worker server"


@needs_cgroup
@pytest.mark.e2e
def test_a_sigkilled_agnobench_leaves_no_new_session_behind(ops: ScenarioDir, tmp_path: Path) -> None:
    ops.write("hangs", "round3_ops:hangs_after_a_new_session", body=MEMORY_ONLY + "timeout_s = 300\n")
    marker, case = tmp_path / "started", uuid.uuid4().hex
    proc = subprocess.Popen([sys.executable, "-m", "agnobench", "run", "hangs.toml", "--quick",
                             "-o", str(ops.path / "out.json")], cwd=ops.path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            env={**os.environ, "AGNOBENCH_TEST_MARKER": str(marker), MARKER: case})
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), "the op never started"
        assert len(processes_with(case)) >= 4  # agnobench, the server, the worker, its helpers
        proc.kill()
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    deadline = time.monotonic() + 15
    while processes_with(case) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert processes_with(case) == []


def test_without_a_cgroup_the_results_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(containment, "own_cgroup", lambda: None)
    group = containment.make()
    assert group.path is None and group.describe() == "process group only (no cgroup v2 mounted)"
    group.kill()  # nothing to do, and no error
    group.remove()


# ---- D3, D13, D15: the service server ------------------------------------------------------------------

@needs_cgroup
@pytest.mark.e2e
def test_a_process_the_app_starts_in_the_server_goes_with_it(ops: ScenarioDir) -> None:
    ops.write("svc", "round3_ops:app_with_a_helper", suite="service", body=SERVICE)
    out = ops.path / "out.json"
    result = run_marked("run", "svc.toml", "-o", str(out), cwd=ops.path, timeout=180)
    assert_clean(result, 0, ops.path)
    assert _scenarios(out)["svc"]["status"] == "ok"


@needs_cgroup
@pytest.mark.e2e
def test_a_process_the_app_starts_goes_when_the_scenario_times_out(ops: ScenarioDir) -> None:
    body = SERVICE.replace("duration_s = 0.3", "duration_s = 60").replace("[measure]\n", "[measure]\ntimeout_s = 8\n")
    ops.write("svc", "round3_ops:app_with_a_helper", suite="service", body=body)
    out = ops.path / "out.json"
    result = run_marked("run", "svc.toml", "-o", str(out), cwd=ops.path, timeout=180)
    assert_clean(result, 1, ops.path)  # the worker, its server and the helper in its own session: all gone
    assert "timed out" in _scenarios(out)["svc"]["error"]


@pytest.mark.e2e
def test_a_factory_that_returns_no_app_is_named(ops: ScenarioDir) -> None:
    ops.write("svc", "round3_ops:not_an_app", suite="service", body=SERVICE)
    out = ops.path / "out.json"
    result = run_marked("run", "svc.toml", "-o", str(out), cwd=ops.path, timeout=180)
    assert_clean(result, 1, ops.path)
    error = _scenarios(out)["svc"]["error"]
    assert "round3_ops:not_an_app returned dict, not an ASGI app" in error and "\n" not in error


@pytest.mark.e2e
def test_a_server_that_fails_to_start_gives_one_line_and_its_output_in_the_details(ops: ScenarioDir) -> None:
    ops.write("svc", "round3_ops:fails_in_the_server", suite="service", body=SERVICE)
    out = ops.path / "out.json"
    result = run_marked("run", "svc.toml", "-o", str(out), cwd=ops.path, timeout=180)
    assert_clean(result, 1, ops.path)
    scenario = _scenarios(out)["svc"]
    assert "\n" not in scenario["error"]
    assert scenario["error"].endswith("RuntimeError: the app cannot start in the server")
    assert 'raise RuntimeError("the app cannot start in the server")' in scenario["details"]["worker_output"]


@pytest.mark.e2e
def test_a_uvicorn_worker_restarted_under_load_fails_the_level(ops: ScenarioDir, tmp_path: Path) -> None:
    ops.write("svc", "round3_ops:app_losing_a_worker", suite="service",
              body=SERVICE + "uvicorn_workers = [2]\n")
    out = ops.path / "out.json"
    result = run_marked("run", "svc.toml", "-o", str(out), cwd=ops.path, timeout=180,
                        env={"AGNOBENCH_TEST_MARKER": str(tmp_path / "svc")})
    assert_clean(result, 1, ops.path)
    error = _scenarios(out)["svc"]["error"]
    assert re.search(r"uvicorn worker\(s\) \d+ died .* and uvicorn started another", error), error


# ---- D4: every page escapes data for its HTML context ---------------------------------------------------

EVIL = "x</SCRIPT><script>alert(1)</script><!--"


def _evil_results(path: Path, evil: str = EVIL) -> Path:
    """A results file whose scenario name, suite, reference label and environment all carry ``evil``."""
    scenario = {"name": evil, "suite": evil, "status": "ok", "error": None,
                "metrics": {"time_per_op_ns": {"median": 100.0, "samples": [99.0, 100.0, 101.0]}},
                "references": [{"key": "k", "label": evil, "source": evil, "values": {"time_per_op_ns": 90.0}}]}
    path.write_text(json.dumps({"schema": "agnobench/2", "created": "2026-01-01T00:00:00+00:00",
                                "environment": {"python": evil}, "scenarios": [scenario]}))
    return path


def _assert_inert(page: str) -> None:
    """No data ended a script element or opened one; the figures' JSON still reads back the name."""
    assert "alert(1)" not in re.sub(r"&lt;script&gt;alert\(1\)|\\u003cscript\\u003ealert\(1\)", "", page)
    assert len(re.findall(r"<script", page, re.IGNORECASE)) == len(re.findall(r"</script>", page, re.IGNORECASE))
    data = re.search(r'<script type="application/json" id="agnobench-figures">(.*?)</script>', page, re.S)
    assert data is not None and "<" not in data.group(1)


@pytest.mark.parametrize("command", ["report", "history", "compare"])
def test_pages_keep_script_shaped_data_inert(tmp_path: Path, command: str) -> None:
    pytest.importorskip("plotly")
    results = _evil_results(tmp_path / "evil.json")
    page = tmp_path / "page.html"
    args = [str(results), str(results)] if command == "compare" else [str(results)]
    result = run_marked(command, *args, "--html", str(page), cwd=tmp_path, in_process=True)  # reads files only
    assert result.returncode == 0, result.stderr
    _assert_inert(page.read_text())


def test_the_run_page_escapes_reference_labels(tmp_path: Path) -> None:
    pytest.importorskip("plotly")
    from agnobench.reporters.html.report import render_run_html
    from agnobench.results import load_results

    _assert_inert(render_run_html(load_results(_evil_results(tmp_path / "evil.json")), EVIL))


RUNS = "x</SCRIPT><SCRIPT>document.body.dataset.pwned=1</SCRIPT><img src=x onerror=document.body.dataset.pwned=2>"


@pytest.mark.parametrize("command", ["report", "history", "compare", "run-page"])
def test_chromium_runs_no_script_from_the_data(tmp_path: Path, command: str) -> None:
    """What the battery did: open the page in headless Chromium and see whether the data's script ran."""
    pytest.importorskip("plotly")
    from browser import FLAGS, find_chromium

    chromium = find_chromium()
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    results = _evil_results(tmp_path / "evil.json", RUNS)
    page = tmp_path / "page.html"
    if command == "run-page":
        from agnobench.reporters.html.report import render_run_html
        from agnobench.results import load_results

        page.write_text(render_run_html(load_results(results), RUNS))
    else:
        args = [str(results), str(results)] if command == "compare" else [str(results)]
        assert run_marked(command, *args, "--html", str(page), cwd=tmp_path, in_process=True).returncode == 0
    flags = [f for f in FLAGS if not f.startswith("--remote-debugging")]
    profile = tmp_path / "chromium-profile"
    dom = subprocess.run([chromium, *flags, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
                          "--dump-dom", page.resolve().as_uri()], capture_output=True, text=True, timeout=120).stdout
    body = re.search(r"<body[^>]*>", dom)
    assert body is not None and "data-pwned" not in body.group(0), body
    assert 'data-charts-rendered="' in body.group(0)  # the figures' JSON still parsed and every chart drew


def test_script_data_reads_back_unchanged() -> None:
    from agnobench.reporters.html.escaping import script_code, script_data

    value = {"name": EVIL, "line": "a\u2028b & c > d"}
    assert json.loads(script_data(value)) == value
    assert "</" not in script_code("var s = '</SCRIPT>'; // <!-- x").upper()


# ---- D5, D6: readers refuse what is not a regular file of sane size and depth ---------------------------

def _fifo(tmp: Path) -> Path:
    path = tmp / "fifo.json"
    os.mkfifo(path)
    return path


def _huge(tmp: Path) -> Path:
    from agnobench.inputfile import MAX_BYTES

    path = tmp / "huge.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: no disk used
    return path


def _deep(tmp: Path) -> Path:
    path = tmp / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    return path


@pytest.mark.parametrize("kind, words", [("fifo", "is a FIFO: must be a regular file"),
                                         ("zero", "is a character device: must be a regular file"),
                                         ("huge", "more than the"),
                                         ("deep", "nests more than 64 levels deep")])
@pytest.mark.parametrize("command", ["report", "compare", "merge", "history"])
def test_readers_refuse_bad_files_with_one_line(tmp_path: Path, kind: str, words: str, command: str) -> None:
    bad = {"fifo": _fifo, "huge": _huge, "deep": _deep, "zero": lambda _t: Path("/dev/zero")}[kind](tmp_path)
    good = _evil_results(tmp_path / "good.json")
    args = {"report": [str(bad)], "compare": [str(good), str(bad)], "history": [str(bad)],
            "merge": [str(good), str(bad), "-o", str(tmp_path / "merged.json")]}[command]
    # in this process but for the first case, which keeps the subprocess: exit 2, one line, no traceback end to end
    result = run_marked(command, *args, cwd=tmp_path, timeout=60, in_process=(kind, command) != ("fifo", "report"))
    assert_clean(result, 2, tmp_path, one_line=True)
    assert error_line(result).startswith(f"error: {bad}: ") and words in error_line(result)


def test_history_of_a_directory_keeps_the_valid_files_beside_a_bad_one(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    _evil_results(runs / "good.json")
    _deep(runs)
    os.mkfifo(runs / "pipe.json")  # not a file: not even listed
    result = run_marked("history", str(runs), "--format", "json", cwd=tmp_path, in_process=True)
    assert_clean(result, 0, tmp_path)
    history = json.loads(result.stdout)
    assert [Path(p["path"]).name for p in history["points"]] == ["good.json"]
    assert any("deep.json" in s and "nests more than" in s for s in history["skipped"])


# ---- D7: the machine record is validated on load and rebuilt ---------------------------------------------

@pytest.mark.parametrize("record", [
    "[]", "{}", '{"KEY": []}', '{"KEY": {"best_kernel_ns": 100.0}}', '{"KEY": {"best_kernel_ns": NaN, '
    '"recorded": "x"}}', '{"KEY": {"best_kernel_ns": -5, "recorded": "x"}}', '{"KEY": {"best_kernel_ns": '
    'Infinity, "recorded": "x", "recent": [[1, NaN]]}}', '{"KEY": {"best_kernel_ns": 0, "recorded": "x"}}',
    '{"KEY": {"best_kernel_ns": 100, "recorded": "x", "scenarios": "many"}}', "[" * 5000 + "]" * 5000])
def test_an_invalid_machine_record_is_ignored_and_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          record: str) -> None:
    from agnobench.measure import machine

    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(tmp_path))
    (tmp_path / machine.FILE_NAME).write_text(record.replace("KEY", machine.machine_key().replace('"', '\\"')))
    assert machine.known() == (None, None)
    speed = machine.record_kernel(250.0)
    assert speed.best_before_ns is None and speed.best_ns == 250.0
    assert machine.known()[0] == 250.0
    assert machine.record_kernel(300.0).best_ns == 250.0  # rebuilt: a valid record that works as before


# ---- D9: a signal during a save is not a write failure --------------------------------------------------

def test_sigterm_right_after_the_rename_is_an_interruption_not_a_write_failure(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from agnobench.commands._run_output import RunOutput
    from agnobench.harness.signals import Interrupted, interruptible
    from agnobench.results import ResultsFile, load_results

    real_replace = os.replace

    def replace_then_sigterm(src: str, dst: str) -> None:
        real_replace(src, dst)
        os.kill(os.getpid(), signal.SIGTERM)  # lands in the save, just after its rename

    out = RunOutput(tmp_path / "out.json", default=False)
    results = ResultsFile(environment={}, scenarios=[])
    monkeypatch.setattr(os, "replace", replace_then_sigterm)
    with pytest.raises(Interrupted), interruptible():
        out.save(results)
    assert out.failure is None and out.rescued is None
    assert load_results(out.path).scenarios == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no staged temporary left


# ---- D11: temporary directories of killed processes are swept --------------------------------------------

def test_the_sweep_removes_directories_of_dead_owners_only(tmp_path: Path) -> None:
    from agnobench import tempdirs

    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = tmp_path / f"agnobench-child-{dead.pid}-abc"
    mine = tmp_path / f"{tempdirs.prefix('memray')}abc"
    foreign = tmp_path / f"agnobench-rescue-{dead.pid}-1.json"
    for path in (stale, mine):
        path.mkdir()
    foreign.write_text("{}")
    assert tempdirs.sweep_stale(tmp_path) == [stale]
    assert mine.exists() and foreign.exists()


@pytest.mark.e2e
def test_an_interrupted_run_leaves_no_temporary_directory(ops: ScenarioDir, tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    env = _tmp_env(tmp)
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp / f"agnobench-child-{dead.pid}-left").mkdir()  # what a SIGKILLed agnobench left
    ops.write("memray", "round3_ops:hangs_under_memray", body=MEMORY_ONLY + "timeout_s = 300\n")
    marker, case = tmp_path / "started", uuid.uuid4().hex
    proc = subprocess.Popen([sys.executable, "-m", "agnobench", "run", "memray.toml", "--quick",
                             "-o", str(ops.path / "out.json")], cwd=ops.path, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env, "AGNOBENCH_TEST_MARKER": str(marker), MARKER: case})
    try:
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), "the op never reached the memray pass"
        assert any(name.startswith("agnobench-memray-") for name in _leftovers(tmp))
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert _leftovers(tmp) == []
