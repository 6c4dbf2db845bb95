"""One scenario measured on both sides: interleaved bursts for time, each side's memory pass, or ABBA runs.

Time goes burst by burst (:mod:`agnobench.ab.interleave`) wherever the
scenario's op can be called again and again: every scenario whose passes
include ``timing``. Allocations and retained bytes do not depend on the
machine's speed: each side's memory pass measures them and they are compared
exactly. A scenario whose passes cannot be cut into bursts (a service under
load, a cold import, a growing corpus, concurrency) is run whole on each side
in ABBA order — A, B, B, A — so a drift of the machine over the four runs
falls on both sides alike, and the pooled runs are compared by the gate's
rule (:mod:`agnobench.compare`).
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from agnobench.ab.envs import SideEnv, side_environ
from agnobench.ab.interleave import Estimate, PairBursts, estimate, schedule, side_medians
from agnobench.ab.worker_proc import SideWorker, SideWorkerError
from agnobench.compare.verdict import Verdict, decide
from agnobench.core.metrics import MEMORY_THRESHOLD_PCT, TIME_THRESHOLD_PCT
from agnobench.scenario import Scenario

STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_NOT_COMPARABLE = "not comparable"
BURSTS = "interleaved bursts"
ABBA = "ABBA whole runs"
MEMORY = "memory pass, exact"
MEMORY_METRICS = ("allocs_per_op", "allocated_bytes_per_op", "retained_bytes_per_op")


@dataclass(frozen=True)
class ABSettings:
    """How much to measure. The defaults took ~20 s a scenario here; ``quick`` is a smoke test."""

    pairs: int = 12  # process pairs, spread over the layouts
    layouts: int = 4  # pairs of workers per scenario, each with its own hash seed (interleave.py: why)
    rounds: int = 30  # interleaved bursts per pair, after the warm-up
    warmup: int = 5  # bursts per pair run and discarded first (page faults after the fork, caches)
    burst_ns: float = 5e5  # a burst's length: short beside the machine's speed phases and a time slice
    repeat: int = 3  # each side's turn is the fastest of this many bursts: a burst another process cut is dropped
    threshold_pct: float = TIME_THRESHOLD_PCT
    memory_threshold_pct: float = MEMORY_THRESHOLD_PCT
    memory: bool = True
    hold: int = 10
    timeout_s: float = 300.0
    isolate_network: bool = True

    @classmethod
    def quick(cls, **overrides: Any) -> "ABSettings":
        return cls(**{"pairs": 4, "layouts": 2, "rounds": 10, "warmup": 2, **overrides})


@dataclass
class MetricAB:
    """One metric of one scenario on both sides."""

    metric: str
    a: float
    b: float
    ratio: float  # B ÷ A
    low: float | None  # the 95 % interval of the ratio (None where it was compared exactly)
    high: float | None
    threshold_pct: float
    verdict: Verdict
    method: str

    @property
    def change_pct(self) -> float:
        return (self.ratio - 1.0) * 100.0

    @property
    def fails(self) -> bool:
        return self.verdict is Verdict.regression

    def to_dict(self) -> dict[str, Any]:
        finite = math.isfinite(self.ratio)  # a metric that was 0 on A: no ratio (JSON has no Infinity)
        return {"metric": self.metric, "a": self.a, "b": self.b, "ratio": self.ratio if finite else None,
                "low": self.low, "high": self.high, "change_pct": self.change_pct if finite else None,
                "threshold_pct": self.threshold_pct, "verdict": self.verdict.value, "method": self.method,
                "fails": self.fails}


@dataclass
class ScenarioAB:
    name: str
    suite: str
    status: str = STATUS_OK
    reason: str | None = None
    method: str = BURSTS
    metrics: list[MetricAB] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def fails(self) -> bool:
        return self.status == STATUS_FAILED or any(m.fails for m in self.metrics)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "suite": self.suite, "status": self.status, "reason": self.reason,
                "method": self.method, "metrics": [m.to_dict() for m in self.metrics], "details": self.details}


def time_metric(est: Estimate, a_ns: float, b_ns: float, threshold_pct: float) -> MetricAB:
    verdict = decide(est.change_pct, threshold_pct, est.significant, lower_is_better=True)
    return MetricAB("time_per_op_ns", a_ns, b_ns, est.ratio, est.low, est.high, threshold_pct, verdict, BURSTS)


def exact_metric(name: str, a: float, b: float, threshold_pct: float) -> MetricAB | None:
    """A metric that does not depend on the machine's speed: the change is the change."""
    if a <= 0:
        return None if b <= 0 else MetricAB(name, a, b, float("inf"), None, None, threshold_pct,
                                            Verdict.regression, MEMORY)
    ratio = b / a
    verdict = decide((ratio - 1.0) * 100.0, threshold_pct, True, lower_is_better=True)
    return MetricAB(name, a, b, ratio, None, None, threshold_pct, verdict, MEMORY)


def side_scenario_path(scenario: Scenario, env: SideEnv, repo: Path | None) -> Path:
    """Where a side finds the scenario file: a git side's worktree holds the repository's files as at REF."""
    path = Path(scenario.path).resolve()
    if repo is not None and env.root != repo:
        try:
            return env.root / path.relative_to(repo)
        except ValueError:
            pass
    return path


def bursts_mode(scenario: Scenario) -> bool:
    return "timing" in scenario.measure.passes


def _pair(a: SideWorker, b: SideWorker, index: int, layout: int, calls: int, settings: ABSettings) -> PairBursts:
    first, cpu = schedule(index, os.cpu_count() or 1)
    x, y = (a, b) if first == "a" else (b, a)
    pair = PairBursts(first=first, cpu=cpu, layout=layout)
    x.ask(cmd="fork", cpu=cpu)
    y.ask(cmd="fork", cpu=cpu)
    def turn(worker: SideWorker) -> float:
        return float(worker.ask(cmd="burst", calls=calls, repeat=settings.repeat)["ns"]) / calls

    for step in range(settings.warmup + settings.rounds):
        xn, yn = turn(x), turn(y)
        if step >= settings.warmup:
            pair.first_ns.append(xn)
            pair.second_ns.append(yn)
    pair.first_ns.append(turn(x))
    x.ask(cmd="end")
    y.ask(cmd="end")
    return pair


def _memory(worker: SideWorker, hold: int) -> dict[str, float]:
    samples = worker.ask(cmd="memory", hold=hold)["samples"]
    return {name: statistics.median(values) for name, values in samples.items() if values and name in MEMORY_METRICS}


def measure_bursts(scenario: Scenario, a_env: SideEnv, b_env: SideEnv, repo: Path | None, settings: ABSettings,
                   progress: Callable[[str], None]) -> ScenarioAB:
    result = ScenarioAB(scenario.name, scenario.suite, method=BURSTS)
    timeout = min(settings.timeout_s, scenario.measure.timeout_s)
    paths = [side_scenario_path(scenario, env, repo) for env in (a_env, b_env)]
    for env, path in zip((a_env, b_env), paths):
        if not path.is_file():
            result.status, result.reason = STATUS_NOT_COMPARABLE, f"{env.side.label}: no scenario file {path}"
            return result
    pairs: list[PairBursts] = []
    memory: tuple[dict[str, float], dict[str, float]] = ({}, {})
    facts: list[dict[str, Any]] = []
    calls = 0
    layouts = max(1, min(settings.layouts, settings.pairs))
    try:
        for layout in range(layouts):
            with SideWorker(a_env, paths[0], timeout, settings.isolate_network, hash_seed=layout + 1) as a, \
                    SideWorker(b_env, paths[1], timeout, settings.isolate_network, hash_seed=layout + 1) as b:
                progress(f"{scenario.name}: layout {layout + 1} of {layouts}: building and checking the op "
                         f"on both sides")
                a.launch()
                b.launch()
                facts = [a.wait_ready().get("facts", {}), b.wait_ready().get("facts", {})]
                if not calls:  # sized once, by the first layout: every burst of the scenario has the same calls
                    calls = min(a.ask(cmd="size", target_ns=settings.burst_ns)["calls"],
                                b.ask(cmd="size", target_ns=settings.burst_ns)["calls"])
                for local in range(len(range(layout, settings.pairs, layouts))):
                    progress(f"{scenario.name}: layout {layout + 1} of {layouts}: interleaved bursts, "
                             f"pair {len(pairs) + 1} of {settings.pairs}")
                    # which side opens and the CPU alternate within a layout, and from one layout to the next
                    pairs.append(_pair(a, b, local + layout, layout, calls, settings))
                if settings.memory and layout == 0:
                    progress(f"{scenario.name}: memory pass on each side")
                    memory = (_memory(a, settings.hold), _memory(b, settings.hold))
    except SideWorkerError as exc:
        result.status = STATUS_NOT_COMPARABLE if exc.missing else STATUS_FAILED
        result.reason = str(exc)
        return result
    est = estimate(pairs)
    a_ns, b_ns = side_medians(pairs)
    result.metrics.append(time_metric(est, a_ns, b_ns, settings.threshold_pct))
    for name in MEMORY_METRICS:
        if name in memory[0] and name in memory[1]:
            metric = exact_metric(name, memory[0][name], memory[1][name], settings.memory_threshold_pct)
            if metric is not None:
                result.metrics.append(metric)
    result.details = {"pairs": len(pairs), "layouts": layouts, "rounds": settings.rounds,
                      "calls_per_burst": calls, "estimate": est.to_dict(),
                      "audited_events_per_op": [f.get("audited_events_per_op") for f in facts]}
    return result


def _side_run(env: SideEnv, path: Path, out: Path, quick: bool) -> dict[str, Any]:
    command = [str(env.python), "-m", "agnobench", "run", str(path), "-o", str(out), "--format", "json"]
    if quick:
        command.append("--quick")
    proc = subprocess.run(command, cwd=str(env.root), env=side_environ(), capture_output=True, text=True)
    if not out.is_file():
        tail = (proc.stderr.strip().splitlines() or [f"exit status {proc.returncode}"])[-1]
        raise SideWorkerError(f"{env.side.label}: {tail}")
    return dict(json.loads(out.read_text()))


def measure_abba(scenario: Scenario, a_env: SideEnv, b_env: SideEnv, repo: Path | None, settings: ABSettings,
                 quick: bool, progress: Callable[[str], None]) -> ScenarioAB:
    """A, B, B, A whole ``agnobench run``s of the scenario, each side's two pooled, compared by the gate's rule."""
    from agnobench.compare.core import compare_results
    from agnobench.compare.thresholds import ThresholdPolicy
    from agnobench.results import results_from_dict
    from agnobench.results_merge import merge_results

    result = ScenarioAB(scenario.name, scenario.suite, method=ABBA)
    envs = {"a": a_env, "b": b_env}
    paths = {k: side_scenario_path(scenario, env, repo) for k, env in envs.items()}
    runs: dict[str, list[Any]] = {"a": [], "b": []}
    with tempfile.TemporaryDirectory(prefix="agnobench-ab-") as tmp:
        for step, side in enumerate("abba"):
            progress(f"{scenario.name}: whole run {step + 1} of 4 ({side.upper()})")
            out = Path(tmp) / f"{step}-{side}.json"
            try:
                data = _side_run(envs[side], paths[side], out, quick)
            except SideWorkerError as exc:
                result.status, result.reason = STATUS_FAILED, str(exc)
                return result
            scenarios = data.get("scenarios") or [{}]
            if scenarios[0].get("status") != "ok":
                failed = scenarios[0].get("error") or scenarios[0].get("status", "no result")
                result.status, result.reason = STATUS_FAILED, f"{envs[side].side.label}: {failed}"
                return result
            runs[side].append((results_from_dict(data, out), out))
    pooled = {k: merge_results([r for r, _ in v], [p for _, p in v]) for k, v in runs.items()}
    comparison = compare_results(pooled["a"], pooled["b"], ThresholdPolicy(default_pct=settings.threshold_pct))
    for row in comparison.rows:
        if not row.gated or not row.baseline:
            continue
        ratio = row.current / row.baseline
        result.metrics.append(MetricAB(row.metric, row.baseline, row.current, ratio, None, None,
                                       row.rule.threshold_pct, row.verdict, ABBA))
    return result
