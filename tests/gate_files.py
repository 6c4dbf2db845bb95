"""Results files built in memory for the gate's tests: known samples, known shifts."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Iterable

from agnobench.results import STATUS_FAILED, Metric, ResultsFile, ScenarioResult, save_results

# shared/ sits beside the repository (in CI's fresh clone too)
REFERENCE_GO = Path(__file__).resolve().parents[2] / "shared" / "reference" / "agno-go-f572ee1-linux-2vcpu.txt"

ENVIRONMENT = {"python": "3.11.7", "agno": "3.1.10", "platform": "Linux-test", "cpu_count": 2, "cpu_model": "test"}


def noisy(center: float, n: int = 48, spread: float = 0.01, seed: int = 1) -> list[float]:
    """n samples around center, relative spread ~spread (uniform), reproducible."""
    rng = random.Random(seed)
    return [center * (1 + rng.uniform(-spread, spread)) for _ in range(n)]


def scenario(name: str = "s", *, time: Iterable[float] | None = None, rel: Iterable[float] | None = None,
             retained: Iterable[float] | None = None, instructions: Iterable[float] | None = None,
             thresholds: dict[str, float] | None = None, **extra: Iterable[float]) -> ScenarioResult:
    metrics: dict[str, Metric] = {}
    for metric, values, unit in (("time_per_op_ns", time, "ns"), ("time_per_op_rel", rel, "ratio"),
                                 ("retained_bytes_per_op", retained, "B"),
                                 ("instructions_per_op", instructions, "count")):
        if values is not None:
            metrics[metric] = Metric.from_samples(list(values), unit)
    for metric, values in extra.items():
        metrics[metric] = Metric.from_samples(list(values))
    details = {"thresholds": thresholds} if thresholds else {}
    return ScenarioResult(name=name, suite="test", metrics=metrics, details=details)


def failed(name: str, error: str = "boom") -> ScenarioResult:
    return ScenarioResult(name=name, suite="test", status=STATUS_FAILED, error=error)


def results(*scenarios: ScenarioResult, mode: str = "full") -> ResultsFile:
    return ResultsFile(environment=dict(ENVIRONMENT), scenarios=list(scenarios),
                       settings={"mode": mode, "complete": True})


def write(path: Path, *scenarios: ScenarioResult) -> Path:
    save_results(results(*scenarios), path)
    return path


def invoke(*args: str, env: dict[str, str] | None = None):
    """The CLI in this process (conftest.run_cli_in_process): the same code path as `python -m agnobench`,
    without paying for a fresh interpreter and scipy's import on every call."""
    from conftest import run_cli_in_process

    return run_cli_in_process(*args, env=env)
