"""The frameworks suite: every adapter really runs its framework, offline, and a broken one fails.

One probe process runs each adapter under a strict socket audit and reports
what each mock model was handed; the CLI tests go through the real harness
at tiny counts (``--quick``). The three processes (the probe and two CLI runs)
start together when the first test needs one, so they share the machine's
cores instead of queueing; each test then reads its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest

from agnobench.adapters import contract
from agnobench.catalog import builtin_scenario_dir
from agnobench.environment import PEER_TELEMETRY_OFF, worker_environment
from agnobench.passes.cold_import.report import FRAMEWORKS, frameworks_sections
from agnobench.requirements import Requirements, unavailable
from agnobench.results import load_results
from agnobench.scenario import load_scenario
from conftest import TESTS_DIR, CliResult, ScenarioDir

ALL = list(FRAMEWORKS)
TURNS = [contract.turn_prompt(t) for t in range(contract.TURNS)]
# Installed with the `dev` extra (CI); a venv without one skips its tests, as `agnobench run` skips its scenarios.
REQUIRES = {"agno": Requirements(packages=("agno",)),
            **{name: load_scenario(next(builtin_scenario_dir().rglob(f"*-{name}-run.toml"))).requires for name in ALL[1:]}}
INSTALLED = [name for name in ALL if unavailable(REQUIRES[name]) is None]


def _needs(name: str) -> None:
    missing = unavailable(REQUIRES[name])
    if missing is not None:
        pytest.skip(f"{name} not installed: {missing.install}")


class Background:
    """A process started now and read when a test needs it (stopped by the fixture that started it)."""

    def __init__(self, argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self._result: CliResult | None = None

    def result(self, timeout: float = 900) -> CliResult:
        if self._result is None:
            out, err = self.proc.communicate(timeout=timeout)
            self._result = CliResult(self.proc.returncode, out, err)
        return self._result

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


def _cli(*args: str, cwd: Path) -> Background:
    """``python -m agnobench ARGS`` as conftest.run_cli runs it, in the background."""
    return Background([sys.executable, "-m", "agnobench", *args], cwd, {**os.environ, "COLUMNS": "200"})


BROKEN = {name: f"broken_frameworks:{name.replace('-', '_')}" for name in ALL}
# Every adapter's scenarios through the real harness at tiny counts; the peers' cold imports (seconds of fresh
# interpreters each) are left to `agnobench run --suite frameworks`, Agno's stay.
QUICK = [f"{fw}-{suffix}" for fw in ALL for suffix in ("create-tool", "run", "run-tool", "conversation-5")]
QUICK += ["agno-import", "agno-import-package"]


@pytest.fixture(scope="module")
def launched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The probe, the broken adapters' run and the quick suite's run, started at once."""
    broken = ScenarioDir(tmp_path_factory.mktemp("broken"))
    (broken.path / "broken_frameworks.py").write_text((TESTS_DIR / "broken_frameworks.py").read_text())
    for name in INSTALLED:
        prefix = BROKEN[name]
        broken.write(f"{name}-broken-tool", f"{prefix}_run_tool", body=f'setup = "{prefix}_tool_agent"\n')
        broken.write(f"{name}-no-history", f"{prefix}_conversation", body=f'setup = "{prefix}_conversation_agent"\n')
    quick = tmp_path_factory.mktemp("quick")
    started = {
        "probe": Background([sys.executable, str(TESTS_DIR / "frameworks_probe.py"), *INSTALLED],
                            env=worker_environment()),
        "broken": _cli("run", ".", "--quick", "-o", str(broken.path / "out.json"), cwd=broken.path),
        "quick": _cli("run", *QUICK, "--quick", "-o", str(quick / "fw.json"), cwd=quick),
    }
    try:
        yield {**started, "broken_out": broken.path / "out.json", "quick_out": quick / "fw.json"}
    finally:
        for process in started.values():
            process.stop()


@pytest.fixture(scope="module")
def probe(launched: dict[str, Any]) -> dict[str, Any]:
    proc = launched["probe"].result(timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("framework", ALL)
def test_tool_ran_and_its_result_reached_the_models_second_turn(probe: dict[str, Any], framework: str) -> None:
    _needs(framework)
    seen = probe["frameworks"][framework]
    assert "error" not in seen, seen
    assert seen["tool_results"] == [contract.TOOL_RESULT]  # add_numbers(2, 3), as the framework handed it back
    if framework != "agno":
        assert seen["tool_model_calls"] == 2 and seen["single_model_calls"] == 1


@pytest.mark.parametrize("framework", ALL)
def test_history_reached_the_model_on_turn_five(probe: dict[str, Any], framework: str) -> None:
    _needs(framework)
    assert probe["frameworks"][framework]["turn5_users"] == TURNS


def test_no_connection_is_attempted_and_no_socket_is_opened(probe: dict[str, Any]) -> None:
    events = probe["network"]
    # urllib3 probes IPv6 support at import by binding a socket to ::1 (no traffic): the only socket allowed
    binds = [e for e in events if e.startswith("socket.bind")]
    assert all("'::1'" in e or "'127." in e for e in binds), events
    others = [e for e in events if not e.startswith(("socket.bind", "socket.__new__"))]
    assert others == [], events
    assert len([e for e in events if e.startswith("socket.__new__")]) == len(binds), events


def test_agno_mock_and_the_contract_reply_alike() -> None:
    from agnobench.adapters.agno.execution import expected_reply
    from agnobench.adapters.agno.mock_model import REPLY_PREFIX

    assert REPLY_PREFIX == contract.REPLY_PREFIX
    assert expected_reply("x", "5") == contract.reply_to("x", ["5"])


def test_worker_environment_turns_every_peer_telemetry_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREWAI_TRACING_ENABLED", "true")  # the user's shell does not win
    monkeypatch.setenv("LANGSMITH_TRACING", "true")
    env = worker_environment()
    for name, value in PEER_TELEMETRY_OFF.items():
        assert env[name] == value
    assert env["AGNO_TELEMETRY"] == "false"


@pytest.mark.e2e
def test_broken_adapters_fail_their_scenarios(launched: dict[str, Any]) -> None:
    out = launched["broken_out"]
    result = launched["broken"].result()
    assert result.returncode == 1, result.stderr
    scenarios = {s.name: s for s in load_results(out).scenarios}
    assert len(scenarios) == 2 * len(INSTALLED)
    for name, scenario in scenarios.items():
        assert scenario.failed, name
        # a check caught it, or the framework let the tool's exception through: never a timed run
        assert "RunCheckError" in (scenario.error or "") or "broken tool" in (scenario.error or ""), scenario.error
        assert not scenario.metrics, name  # nothing timed on the error path


@pytest.mark.e2e
def test_quick_suite_runs_every_adapter_and_builds_the_table(launched: dict[str, Any]) -> None:
    """Every adapter's scenarios (QUICK) through the real harness at tiny counts; Agno's cold imports too."""
    names, out = QUICK, launched["quick_out"]
    result = launched["quick"].result()
    assert result.returncode == 0, result.stderr[-3000:]
    results = load_results(out)
    versions = results.environment["frameworks"]
    by_name = {s.name: s for s in results.scenarios}
    for name in names:
        framework = next(fw for fw in ALL if name.startswith(fw + "-"))
        scenario = by_name[name]
        if framework not in INSTALLED:
            assert scenario.skipped and "pip install 'agnobench[" in scenario.skip_message
            continue
        assert scenario.ok, (scenario.name, scenario.error)
        assert scenario.passes[next(iter(scenario.passes))].metrics
        assert scenario.details.get("network_events") == [], scenario.details
    assert {p for name in INSTALLED[1:] for p in REQUIRES[name].packages} <= set(versions)
    creation = by_name["agno-create-tool"]
    assert creation.metrics["retained_bytes_per_op"].median > 0
    imported = by_name["agno-import"].result_of("cold_import")
    assert imported.statement == "from agno.agent import Agent" and imported.top_modules
    assert len(by_name["agno-import"].metrics["import_time_ns"].samples) == 3  # --quick
    assert imported.stopped == "fixed" and imported.interval_pct is None  # 3 pairs: too few for a 95 % interval
    assert "Frameworks side by side" in result.stdout and "Agno (reference)" in result.stdout
    table = frameworks_sections(results.scenarios)[0]
    assert [row[0] for row in table.rows[:len(ALL)]] == list(FRAMEWORKS.values())
    assert "×" not in table.rows[0][2]  # Agno's own cells carry no ratio
    if "langgraph" in INSTALLED:
        assert "×" in table.rows[1][2]
