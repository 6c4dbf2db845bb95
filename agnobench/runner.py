"""Run scenarios in child processes and assemble their results: the one place a ScenarioResult is made.

The parent never imports agno or the user's code: a scenario that crashes,
hangs, or eats all memory takes only its own worker down, and is recorded as
failed while the other scenarios' results are kept. Starting, following and
cleaning up children is :mod:`agnobench.harness`'s job; this module turns
what they report (a worker's samples, callgrind's counts, a failure) into
``ScenarioResult``s and checks the scenario's targets.
"""

from __future__ import annotations

import time
from contextlib import nullcontext
from typing import Any, Callable

from agnobench.harness.forkserver import ForkServer
from agnobench.harness.spawn import ChildFailure, ChildJob, ChildOutcome, run_child
from agnobench.core.registry import package_of
from agnobench.core.settings import MeasureSettings
from agnobench.importing import import_reference
from agnobench.measure.pipeline import assemble, metrics_from_samples
from agnobench.measure.whole_run import Measured, WholeRun
from agnobench.packages import record_packages
from agnobench.requirements import unavailable
from agnobench.results import STATUS_FAILED, STATUS_SKIPPED, Metric, PassRecord, ScenarioResult
from agnobench.scenario import Scenario
from agnobench.targets import evaluate_targets, references

ProgressCallback = Callable[[Scenario, str], None]


def new_result(scenario: Scenario) -> ScenarioResult:
    return ScenarioResult(name=scenario.name, suite=scenario.suite, description=scenario.description,
                          references=references(scenario), wall_s=0.0)


def fail(result: ScenarioResult, failure: ChildFailure, prefix: str = "") -> ScenarioResult:
    """Mark the result failed with the child's one-line reason; bad input keeps its own wording."""
    result.status = STATUS_FAILED
    result.error = failure.message if failure.bad_input or not prefix else f"{prefix}{failure.message}"
    result.details.update(failure.details)
    result.details["bad_input"] = failure.bad_input
    result.details.setdefault("network_events", [])
    return result


def _record_outcome(result: ScenarioResult, scenario: Scenario, outcome: ChildOutcome) -> None:
    if outcome.ok:
        assert outcome.result is not None
        result.metrics, result.passes, details = assemble(outcome.result)
        record_packages(details)  # the versions of what the measured code imported (pydantic, httpx, ...)
        result.details = {**details, **outcome.harness}
        result.targets = evaluate_targets(scenario, result.metrics)
        return
    assert outcome.failure is not None
    fail(result, outcome.failure)
    if outcome.output:
        result.details["worker_output"] = outcome.output


def skipped_result(scenario: Scenario) -> ScenarioResult | None:
    """A ``skipped`` result when the scenario's [requires] are not installed (checked without importing)."""
    missing = unavailable(scenario.requires)
    if missing is None:
        return None
    result = new_result(scenario)
    result.status, result.details = STATUS_SKIPPED, {"requires": missing.to_dict()}
    return result


def run_scenario(scenario: Scenario, settings: MeasureSettings,
                 on_progress: ProgressCallback = lambda s, m: None, server: ForkServer | None = None) -> ScenarioResult:
    """Measure one scenario in its own worker (timing, memory and the other passes it asks for): forked
    from the run's worker ``server`` if there is one, else a fresh interpreter."""
    skipped = skipped_result(scenario)
    if skipped is not None:
        return skipped
    started = time.monotonic()
    job = ChildJob("agnobench.measure.worker", {"scenario_path": str(scenario.path), "settings": settings.to_dict()},
                   scenario.measure.timeout_s, memory_limit_mb=scenario.measure.memory_limit_mb,
                   work="agnobench.measure.worker:measure")

    def on_event(event: dict[str, Any]) -> None:
        on_progress(scenario, str(event.get("message", "")))

    result = new_result(scenario)
    _record_outcome(result, scenario, run_child(job, on_event, server))
    result.wall_s = round(time.monotonic() - started, 3)
    return result


def add_whole_run_pass(result: ScenarioResult, scenario: Scenario, name: str,
                       measured: Measured | ChildFailure) -> ScenarioResult:
    """Add what a whole-run pass (``PassPlugin.once``) measured of a scenario, or its failure, and check targets
    again."""
    if not result.ok:
        return result
    if isinstance(measured, ChildFailure):
        return fail(result, measured, prefix=f"{name}: ")
    output, wall_s = measured
    metrics = metrics_from_samples(output.samples)
    result.passes[name] = PassRecord(metrics=metrics, details=output.details, wall_s=wall_s)
    for metric, value in metrics.items():
        result.metrics.setdefault(metric, value)
    result.targets = evaluate_targets(scenario, result.metrics)
    result.wall_s = round((result.wall_s or 0.0) + wall_s, 3)
    return result


def run_all(selected: list[Scenario], settings: MeasureSettings, *, timing: bool = True, once: tuple[str, ...] = (),
            on_progress: Callable[[str], None] = lambda _m: None,
            on_result: Callable[[Scenario, ScenarioResult], None] = lambda _s, _r: None,
            fresh_workers: bool = False) -> list[ScenarioResult]:
    """Every selected scenario: its worker (unless ``timing`` is off), then each whole-run pass named in ``once``
    (``run --instructions``: the instruction counts of all of them in one callgrind process). ``on_result`` hears
    each result as soon as it is known, and again when a whole-run pass adds to it. Workers are forked from one
    worker server that imported agno once (:mod:`agnobench.harness.zygote`), or with ``fresh_workers`` each is a
    fresh interpreter."""
    results: dict[str, ScenarioResult] = {}
    if timing:
        with nullcontext() if fresh_workers else ForkServer() as server:
            for index, scenario in enumerate(selected, start=1):
                label = f"{scenario.name} ({index}/{len(selected)})"
                on_progress(label)
                results[scenario.name] = run_scenario(
                    scenario, settings, lambda _s, message: on_progress(f"{label} {message}"), server)
                on_result(scenario, results[scenario.name])
    for name in once:
        for scenario in selected:
            if scenario.name not in results and (skipped := skipped_result(scenario)) is not None:
                results[scenario.name] = skipped
                on_result(scenario, skipped)
        to_measure = {s.name: s for s in selected if s.name not in results or (timing and results[s.name].ok)}

        def on_each(scenario_name: str, measured: Measured | ChildFailure, name: str = name) -> None:
            scenario = to_measure[scenario_name]
            base = results.get(scenario_name) or new_result(scenario)
            results[scenario_name] = add_whole_run_pass(base, scenario, name, measured)
            on_result(scenario, results[scenario_name])

        if to_measure:
            whole_run: WholeRun = import_reference(f"{package_of(name)}.whole_run:run_once")
            whole_run(list(to_measure.values()), settings.quick, on_progress, on_each)
    return [results[s.name] for s in selected if s.name in results]
