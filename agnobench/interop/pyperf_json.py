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

Made for ``pyperf compare_to`` (issue 20: it printed "ERROR when testing if
values are significant" for every benchmark, and ``pyperf stats`` a total
duration of 78 days for a one-minute run):

- pyperf's significance test is Student's t on two samples of *equal size*
  (``pyperf._utils.tscore`` raises otherwise), and agnobench's runs hold
  different numbers of values (a timing that ran slow times extra children).
  So a time benchmark carries exactly ``EXPORT_VALUES`` of its measured
  values, taken at evenly spaced positions of the recorded order (every value
  a real one, the processes' values interleaved as they were), grouped into
  runs by the timing process each came from; a benchmark with fewer values
  exports them all and is named on stderr: compare_to can then only compare
  it with an export of the same size;
- the t-test divides by the samples' variance, so it fails on memory and
  instruction figures that are the same to the byte in every round: those go
  out only with ``metrics="all"`` (``--pyperf-metrics all``), with a note;
- pyperf sums a run's raw values as its duration when told nothing else,
  which turns bytes into seconds: every run states its ``duration``, the wall
  time of the pass that measured it (the timing pass for time; the scenario's
  when no timing pass ran), shared among the benchmark's runs.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Sequence

import pyperf

from agnobench.core.registry import metrics_with
from agnobench.results import ResultsFile, ScenarioResult

# The benchmark named after the scenario holds its time; every other exported metric is NAME:metric.
HEADLINE_METRIC = "time_per_op_ns"
EXPORT_VALUES = 20  # values per time benchmark: the same in every export, as pyperf's t-test needs
METRICS_TIME, METRICS_ALL = "time", "all"
_PASS_OF = {"time_per_op_ns": "timing", "retained_bytes_per_op": "memory", "allocated_bytes_per_op": "memory", "allocs_per_op": "memory",
            "instructions_per_op": "instructions"}

# Environment keys pyperf knows and shows in `pyperf metadata`
_ENV_METADATA = {"python": "python_version", "cpu_model": "cpu_model_name", "cpu_count": "cpu_count",
                 "platform": "platform", "python_implementation": "python_implementation"}


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


def evenly_spaced(count: int, keep: int) -> list[int]:
    """``keep`` indexes of ``range(count)`` at evenly spaced positions (all of them when there are fewer)."""
    if count <= keep:
        return list(range(count))
    return [int((i + 0.5) * count / keep) for i in range(keep)]


def _time_runs(values: Sequence[float], per_process: Any) -> list[list[float]]:
    """EXPORT_VALUES of the values, grouped by the timing process each came from."""
    size = per_process if isinstance(per_process, int) and per_process > 0 else len(values)
    groups: dict[int, list[float]] = {}
    for index in evenly_spaced(len(values), EXPORT_VALUES):
        groups.setdefault(index // size, []).append(values[index])
    return list(groups.values())


def _pass_wall_s(scenario: ScenarioResult, metric: str) -> float:
    record = scenario.passes.get(_PASS_OF.get(metric, ""))
    wall = record.wall_s if record is not None else None
    return float(wall) if isinstance(wall, (int, float)) and wall > 0 else 0.0


def scenario_benchmarks(results: ResultsFile, scenario: ScenarioResult, skipped: list[str],
                        metrics: str = METRICS_TIME) -> list[pyperf.Benchmark]:
    benchmarks = []
    timing = scenario.result_of("timing")
    per_process = timing.values_per_process if timing is not None else None
    for info in metrics_with(lambda m: bool(m.pyperf_unit), scenario.metrics):
        metric, unit, factor = info.name, info.pyperf_unit, info.pyperf_factor
        if metric != HEADLINE_METRIC and metrics != METRICS_ALL:
            continue
        suffix = "" if metric == HEADLINE_METRIC else f":{metric}"
        data = scenario.metrics[metric]
        values = data.samples or [data.median]
        if any(v <= 0 for v in values):
            skipped.append(f"not exported: {scenario.name}: {metric} (pyperf takes only values above zero)")
            continue
        name = scenario.name + suffix
        if metric == HEADLINE_METRIC:
            loops = timing.loops if timing is not None and isinstance(timing.loops, int) and timing.loops else 1
            if len(values) < EXPORT_VALUES:
                skipped.append(f"{scenario.name}: exported with its {len(values)} value(s), fewer than "
                               f"{EXPORT_VALUES}: pyperf compare_to can compare it only with an export of as many")
            chunks = _time_runs(values, per_process)
            wall = _pass_wall_s(scenario, metric) or float(scenario.wall_s or 0.0)
            durations = [wall / len(chunks)] * len(chunks)
        else:
            loops = None
            chunks = [list(values)]
            durations = [_pass_wall_s(scenario, metric)]
        runs = [pyperf.Run([v * factor for v in chunk],
                           metadata={**_metadata(results, name, unit, loops), "duration": duration},
                           collect_metadata=False)
                for chunk, duration in zip(chunks, durations)]
        benchmarks.append(pyperf.Benchmark(runs))
    return benchmarks


def to_pyperf_suite(results: ResultsFile, metrics: str = METRICS_TIME) -> tuple[pyperf.BenchmarkSuite | None,
                                                                                 list[str]]:
    """The suite, and what had to be left out (failed scenarios, metrics with zeros) or holds fewer values."""
    skipped: list[str] = []
    benchmarks: list[pyperf.Benchmark] = []
    for scenario in results.scenarios:
        if not scenario.ok:
            skipped.append(f"not exported: {scenario.name}: {scenario.status}, nothing to export")
            continue
        benchmarks.extend(scenario_benchmarks(results, scenario, skipped, metrics))
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
