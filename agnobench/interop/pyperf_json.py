"""A results file as pyperf JSON, for ``pyperf stats``, ``pyperf hist`` and ``pyperf compare_to``.

pyperf's model is a suite of benchmarks, each made of runs (one per worker
process) of values. agnobench keeps the values of each timing process
together (``values_per_process`` in the timing pass's result), so each
process becomes one pyperf run, as it would have been under pyperf itself.
Time goes out in seconds; memory and instruction figures become benchmarks
of their own (``NAME:retained_bytes_per_op``) in pyperf's ``byte`` and
``integer`` units, because a pyperf benchmark has a single unit.

pyperf accepts only values above zero, so a metric holding a 0 (Go's
``0 allocs/op``) is left out and reported.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Sequence

import pyperf

from agnobench.metrics import metrics_with
from agnobench.results import ResultsFile, ScenarioResult

# The benchmark named after the scenario holds its time; every other exported metric is NAME:metric.
HEADLINE_METRIC = "time_per_op_ns"

# Environment keys pyperf knows and shows in `pyperf metadata`
_ENV_METADATA = {"python": "python_version", "cpu_model": "cpu_model_name", "cpu_count": "cpu_count",
                 "platform": "platform", "python_implementation": "python_implementation"}


def _chunks(values: Sequence[float], size: int) -> list[list[float]]:
    if size <= 0 or size >= len(values):
        return [list(values)]
    return [list(values[i:i + size]) for i in range(0, len(values), size)]


def _metadata(results: ResultsFile, name: str, unit: str, loops: Any) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "unit": unit}
    if isinstance(loops, int) and loops >= 1:
        meta["loops"] = loops
    for key, pyperf_key in _ENV_METADATA.items():
        value = results.environment.get(key)
        if value not in (None, ""):
            meta[pyperf_key] = value if pyperf_key == "cpu_count" else str(value)
    if results.environment.get("agno"):
        meta["agno_version"] = str(results.environment["agno"])
    return meta


def scenario_benchmarks(results: ResultsFile, scenario: ScenarioResult,
                        skipped: list[str]) -> list[pyperf.Benchmark]:
    benchmarks = []
    timing = scenario.result_of("timing")
    per_process = timing.values_per_process if timing is not None else None
    for info in metrics_with(lambda m: bool(m.pyperf_unit), scenario.metrics):
        metric, unit, factor = info.name, info.pyperf_unit, info.pyperf_factor
        suffix = "" if metric == HEADLINE_METRIC else f":{metric}"
        data = scenario.metrics[metric]
        values = data.samples or [data.median]
        if any(v <= 0 for v in values):
            skipped.append(f"{scenario.name}: {metric} (pyperf takes only values above zero)")
            continue
        size = per_process if metric == HEADLINE_METRIC and isinstance(per_process, int) else len(values)
        loops = timing.loops if metric == HEADLINE_METRIC and timing is not None else None
        name = scenario.name + suffix
        runs = [pyperf.Run([v * factor for v in chunk], metadata=_metadata(results, name, unit, loops),
                           collect_metadata=False)
                for chunk in _chunks(values, size)]
        benchmarks.append(pyperf.Benchmark(runs))
    return benchmarks


def to_pyperf_suite(results: ResultsFile) -> tuple[pyperf.BenchmarkSuite | None, list[str]]:
    """The suite, and what had to be left out (failed scenarios, metrics with zeros)."""
    skipped: list[str] = []
    benchmarks: list[pyperf.Benchmark] = []
    for scenario in results.scenarios:
        if not scenario.ok:
            skipped.append(f"{scenario.name}: {scenario.status}, nothing to export")
            continue
        benchmarks.extend(scenario_benchmarks(results, scenario, skipped))
    if not benchmarks:
        return None, skipped
    return pyperf.BenchmarkSuite(benchmarks), skipped


def write_pyperf_json(suite: pyperf.BenchmarkSuite, path: str | Path) -> Path:
    """pyperf's own writer (``.json.gz`` compresses), replacing the file if it exists."""
    path = Path(path)
    suite.dump(str(path), replace=True)
    return path


def pyperf_json_text(suite: pyperf.BenchmarkSuite) -> str:
    """The same JSON as a string, for stdout."""
    buffer = io.StringIO()
    suite.dump(buffer)
    return buffer.getvalue()
