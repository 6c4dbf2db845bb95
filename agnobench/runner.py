"""Run scenarios, each in its own worker process, and collect their results.

The parent never imports agno or the user's code: a scenario that crashes,
hangs, or eats all memory takes only its own worker down, and is recorded as
failed while the other scenarios' results are kept.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable

from agnobench.environment import worker_environment
from agnobench.measure.settings import MeasureSettings
from agnobench.measure.pipeline import assemble
from agnobench.requirements import unavailable
from agnobench.results import STATUS_FAILED, STATUS_SKIPPED, ScenarioResult
from agnobench.scenario import Scenario
from agnobench.targets import evaluate_targets, references

ProgressCallback = Callable[[Scenario, str], None]
_LOG_TAIL = 1500


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def _log_tail(log: Any) -> str:
    log.flush()
    log.seek(0)
    text = log.read().decode("utf-8", errors="replace").strip()
    return text[-_LOG_TAIL:]


def _read_events(proc: subprocess.Popen[bytes], read_fd: int, timeout_s: float,
                 on_event: Callable[[dict[str, Any]], None]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """Follow the worker's JSON lines until it finishes; (result, error event)."""
    deadline = time.monotonic() + timeout_s
    buffer = b""
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    with os.fdopen(read_fd, "rb", buffering=0) as events:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                _kill_group(proc)
                return None, {"error": f"timed out after {timeout_s:g} s (measure.timeout_s)"}
            ready, _, _ = select.select([events], [], [], min(remaining, 0.5))
            if not ready:
                continue
            chunk = events.read(65536)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                event = json.loads(line)
                kind = event.pop("event")
                if kind == "result":
                    result = event
                elif kind == "error":
                    error = event
                else:
                    on_event(event)
    return result, error


def _death_message(returncode: int, output: str) -> str:
    """Why a worker ended without a result or an error of its own."""
    if returncode < 0:
        name = signal.Signals(-returncode).name
        message = f"worker died with {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
    else:
        message = f"worker exited with status {returncode} without a result"
    return message + (f"; last output: {output.splitlines()[-1]}" if output else "")


def skipped_result(scenario: Scenario) -> ScenarioResult | None:
    """A ``skipped`` result when the scenario's [requires] are not installed (checked without importing)."""
    missing = unavailable(scenario.requires)
    if missing is None:
        return None
    return ScenarioResult(name=scenario.name, suite=scenario.suite, description=scenario.description,
                          status=STATUS_SKIPPED, references=references(scenario),
                          details={"requires": missing.to_dict()}, wall_s=0.0)


def run_scenario(scenario: Scenario, settings: MeasureSettings,
                 on_progress: ProgressCallback = lambda s, m: None) -> ScenarioResult:
    skipped = skipped_result(scenario)
    if skipped is not None:
        return skipped
    started = time.monotonic()
    outcome = ScenarioResult(name=scenario.name, suite=scenario.suite, description=scenario.description,
                             references=references(scenario))
    read_fd, write_fd = os.pipe()
    spec = {"scenario_path": str(scenario.path), "settings": settings.to_dict(), "events_fd": write_fd,
            "cwd": os.getcwd()}
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "agnobench.measure.worker"],
            stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT, pass_fds=[write_fd],
            env=worker_environment(), start_new_session=True,  # its own group, so a timeout kills its children too
        )
        os.close(write_fd)
        assert proc.stdin is not None
        proc.stdin.write(json.dumps(spec).encode())
        proc.stdin.close()
        result, error_event = _read_events(proc, read_fd, scenario.measure.timeout_s,
                                           lambda event: on_progress(scenario, event.get("message", "")))
        returncode = proc.wait()
        tail = _log_tail(log)
        if error_event is None and result is not None:
            outcome.metrics, outcome.passes, outcome.details = assemble(result)
            outcome.targets = evaluate_targets(scenario, outcome.metrics)
        else:
            outcome.status = STATUS_FAILED
            outcome.error = error_event["error"] if error_event else _death_message(returncode, tail)
            outcome.details["bad_input"] = bool(error_event and error_event.get("bad_input"))
            if tail:
                outcome.details["worker_output"] = tail
    outcome.wall_s = round(time.monotonic() - started, 3)
    return outcome


def run_scenarios(scenarios: list[Scenario], settings: MeasureSettings,
                  on_progress: ProgressCallback = lambda s, m: None,
                  on_done: Callable[[ScenarioResult], None] = lambda r: None) -> list[ScenarioResult]:
    results = []
    for scenario in scenarios:
        result = run_scenario(scenario, settings, on_progress)
        on_done(result)
        results.append(result)
    return results
