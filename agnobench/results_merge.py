"""Pool several runs of one side into one results file (``agnobench merge``), beside ``results.py``.

On these machines most of the noise in a wall-time figure is fixed for a
whole run: the worker process's memory layout and the machine's mood while
it ran. More values inside a run do not average that away; more runs do,
and interleaving them with the other side's runs (base, head, base, head,
...) cancels slow drift as well. Merging keeps every sample (the median of
them all is the figure compare reports and tests), and each run's own
median in ``details.run_medians``, to see at a glance whether one run
stood out.

Why not test run medians against each other, which are independent where
the values of one run are not? Measured (docs/ci-gate.md): with 3-5 runs a
side one outlier run, which these VMs produce about once in 80, makes the
rank test miss a 10 % slowdown, while the pooled median barely moves. The
threshold, set above the pooled median's run-to-run noise, is what keeps
false alarms out.
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Sequence

from agnobench.runs import RUN_IDS, check_distinct_runs, check_unique_names
from agnobench.debug_run import KEY as DEBUG_KEY, is_debug_run
from agnobench.errors import InputError
from agnobench.results import STATUS_FAILED, Metric, ResultsFile, ScenarioResult, TargetResult


RUN_MEDIANS = "run_medians"
def _run_medians(run: ScenarioResult, name: str) -> list[float]:
    """A run's median; a file that was itself merged contributes the medians of its runs."""
    nested = run.details.get(RUN_MEDIANS, {}).get(name)
    return [float(x) for x in nested] if nested else [run.metrics[name].median]


def _merge_metric(metrics: Sequence[Metric]) -> Metric:
    samples = [x for m in metrics for x in m.samples]
    unit = metrics[0].unit
    if samples:
        return Metric.from_samples(samples, unit)
    return Metric.single(float(statistics.median(m.median for m in metrics)), unit)


def _retarget(targets: Sequence[TargetResult], metrics: dict[str, Metric]) -> list[TargetResult]:
    out = []
    for target in targets:
        metric = metrics.get(target.metric)
        if metric is None:
            out.append(target)
            continue
        value = metric.median
        met = not ((target.max is not None and value > target.max) or (target.min is not None and value < target.min))
        out.append(TargetResult(target.metric, value, met, target.min, target.max))
    return out


def merge_scenario(runs: Sequence[ScenarioResult]) -> ScenarioResult:
    ok = [r for r in runs if r.ok]
    first = ok[0] if ok else runs[0]
    if not ok and all(r.skipped for r in runs):
        return first  # skipped in every run: still skipped, with its install line
    if not ok:
        return ScenarioResult(first.name, first.suite, STATUS_FAILED, first.error, first.description,
                              references=first.references, details={**first.details, "merged_runs": len(runs)})
    names = [name for name in first.metrics if all(name in r.metrics for r in ok)]
    metrics = {name: _merge_metric([r.metrics[name] for r in ok]) for name in names}
    time = metrics.get("time_per_op_ns")
    if time is not None and time.median > 0 and "ops_per_sec" in metrics:  # derived, as the runner derives it
        metrics["ops_per_sec"] = Metric.single(1e9 / time.median, "1/s")
        metrics["ops_per_sec"].samples = [1e9 / v for v in time.samples if v > 0]
    details = dict(first.details)
    details["merged_runs"] = len(ok)
    details[RUN_MEDIANS] = {name: [m for r in ok for m in _run_medians(r, name)] for name in names
                            if all(r.metrics[name].samples for r in ok)}
    if len(ok) < len(runs):
        details["merged_failed_runs"] = [r.error for r in runs if not r.ok]
    wall = sum(r.wall_s or 0.0 for r in runs)
    return ScenarioResult(first.name, first.suite, description=first.description, metrics=metrics,
                          targets=_retarget(first.targets, metrics), references=first.references,
                          details=details, wall_s=round(wall, 3))


def merge_results(files: Sequence[ResultsFile], paths: Sequence[str | Path]) -> ResultsFile:
    """One results file whose every scenario holds the samples of all runs that measured it."""
    if not files:
        raise InputError("merge", None, "no results files given")
    ids = check_distinct_runs(files, paths)
    for results, path in zip(files, paths):
        check_unique_names(results, path)
    order: list[str] = []
    by_name: dict[str, list[ScenarioResult]] = {}
    for results in files:
        for scenario in results.scenarios:
            if scenario.name not in by_name:
                order.append(scenario.name)
            by_name.setdefault(scenario.name, []).append(scenario)
    settings = dict(files[0].settings)
    settings["merged_from"] = [str(p) for p in paths]
    settings[RUN_IDS] = ids
    settings["complete"] = all(f.settings.get("complete", True) for f in files)
    modes = {f.settings.get("mode") for f in files}
    if len(modes) > 1:
        settings["mode"] = "mixed: " + ", ".join(sorted(str(m) for m in modes))
    if any(is_debug_run(f.settings) for f in files):  # one debug file's values make the pool no measurement
        settings[DEBUG_KEY] = True
    return ResultsFile(environment=dict(files[0].environment),
                       scenarios=[merge_scenario(by_name[name]) for name in order], settings=settings)
