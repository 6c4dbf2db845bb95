"""Walk two results files scenario by scenario and metric by metric.

Everything the reporters and the exit code need is decided here, once, so
the table, the markdown in a pull request and the JSON never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from agnobench.compare.judgeable import Judgement, invalid_figure, judge
from agnobench.compare.stats import TEST_NONE, Significance, change_pct, significance
from agnobench.compare.thresholds import TIME_RAW, TIME_REL, Rule, ThresholdPolicy
from agnobench.compare.verdict import Verdict, decide
from agnobench.errors import EXIT_FAILED, EXIT_INCONCLUSIVE, EXIT_OK, InputError
from agnobench.core.registry import is_known, metric_info
from agnobench.packages import package_changes
from agnobench.results import Metric, ResultsFile, ScenarioResult
from agnobench.runs import check_unique_names

# Facts about the two runs worth a warning when they differ: a comparison across
# machines or versions measures the change of machine as much as the change of code.
ENVIRONMENT_KEYS = ("python", "agno", "cpu_model", "cpu_count", "platform")


def lower_is_better(metric: str) -> bool:
    """From the metric registry; for an unknown metric a rate (``..._per_s``) is better higher."""
    info = metric_info(metric)  # a pass-qualified name (variants.time_per_op_ns) takes its base metric's
    if is_known(metric) or info.unit:
        return info.lower_is_better
    return not (metric.endswith("_per_s") or metric.endswith("_per_sec"))


@dataclass
class MetricComparison:
    scenario: str
    metric: str
    baseline: float
    current: float
    change_pct: float | None
    rule: Rule
    significance: Significance
    verdict: Verdict
    n_baseline: int
    n_current: int
    lower_is_better: bool = True
    reason: str = ""  # why the verdict is inconclusive, or why the rule is not the policy's

    @property
    def unit(self) -> str:
        return metric_info(self.metric).unit

    @property
    def gated(self) -> bool:
        return self.rule.gated

    @property
    def fails(self) -> bool:
        return self.gated and self.verdict is Verdict.regression

    @property
    def inconclusive(self) -> bool:
        """A gated metric the machine (or a figure that is no measurement) left unjudged."""
        return self.gated and self.verdict is Verdict.inconclusive

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario, "metric": self.metric, "unit": self.unit,
            "baseline": self.baseline, "current": self.current, "change_pct": self.change_pct,
            "threshold_pct": self.rule.threshold_pct, "threshold_source": self.rule.source,
            "gated": self.gated, "test": self.significance.test, "p_value": self.significance.p_value,
            "significant": self.significance.significant, "test_note": self.significance.reason,
            "n_baseline": self.n_baseline, "n_current": self.n_current,
            "lower_is_better": self.lower_is_better, "verdict": self.verdict.value, "fails": self.fails,
            "reason": self.reason,
        }


@dataclass
class ScenarioComparison:
    name: str
    suite: str
    metrics: list[MetricComparison] = field(default_factory=list)
    package_changes: list[str] = field(default_factory=list)  # what this scenario's code imported, changed


@dataclass
class FailedScenario:
    """A scenario that did not run on one side; failing only in current fails the gate."""

    name: str
    side: str  # "baseline", "current" or "both"
    error: str

    @property
    def fails(self) -> bool:
        return self.side == "current"


@dataclass
class Comparison:
    baseline_path: str
    current_path: str
    policy: ThresholdPolicy
    scenarios: list[ScenarioComparison] = field(default_factory=list)
    only_baseline: list[str] = field(default_factory=list)
    only_current: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # skipped on either side: not compared, never a regression
    failed: list[FailedScenario] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    package_changes: list[str] = field(default_factory=list)  # "pydantic 2.14.4 → 2.12.5": the environments differ

    @property
    def rows(self) -> list[MetricComparison]:
        return [m for s in self.scenarios for m in s.metrics]

    @property
    def regressions(self) -> list[MetricComparison]:
        return [m for m in self.rows if m.fails]

    @property
    def broken(self) -> list[FailedScenario]:
        return [f for f in self.failed if f.fails]

    @property
    def inconclusive(self) -> list[MetricComparison]:
        return [m for m in self.rows if m.inconclusive]

    @property
    def exit_code(self) -> int:
        """1 for a regression or a broken scenario; else 3 when a gated metric could not be judged; else 0."""
        if self.regressions or self.broken:
            return EXIT_FAILED
        return EXIT_INCONCLUSIVE if self.inconclusive else EXIT_OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline": self.baseline_path, "current": self.current_path,
            "policy": {"threshold_pct": self.policy.default_pct, "metric_thresholds": dict(self.policy.per_metric),
                       "time_mode": self.policy.time_mode.value, "alpha": self.policy.alpha},
            "comparisons": [m.to_dict() for m in self.rows],
            "only_in_baseline": self.only_baseline, "only_in_current": self.only_current, "skipped": self.skipped,
            "failed": [{"scenario": f.name, "side": f.side, "error": f.error, "fails": f.fails} for f in self.failed],
            "notes": self.notes,
            "environment_changes": self.package_changes,
            "scenario_package_changes": {s.name: s.package_changes for s in self.scenarios if s.package_changes},
            "regressions": len(self.regressions), "inconclusive": len(self.inconclusive),
            "exit_code": self.exit_code,
        }


def _scenario_thresholds(*results: ScenarioResult) -> Mapping[str, float]:
    """The scenario file's [thresholds], as ``agnobench run`` stored them (current wins)."""
    for result in results:
        stored = result.details.get("thresholds")
        if isinstance(stored, dict) and stored:
            return {str(k): float(v) for k, v in stored.items() if isinstance(v, (int, float))}
    return {}


def _samples(metric: Metric) -> list[float]:
    return metric.samples if metric.samples else []


def compare_metric(scenario: str, name: str, base: Metric, cur: Metric, rule: Rule | Judgement,
                   alpha: float) -> MetricComparison:
    judgement = rule if isinstance(rule, Judgement) else Judgement(rule)
    rule = judgement.rule
    base_samples, cur_samples = _samples(base), _samples(cur)
    better_low = lower_is_better(name)
    if judgement.invalid:
        sig = Significance(TEST_NONE, False, None, judgement.inconclusive)
        change = None
        verdict = Verdict.inconclusive
    else:
        sig = significance(base_samples, cur_samples, alpha)
        change = change_pct(base.median, cur.median)
        verdict = decide(change, rule.threshold_pct, sig.significant, better_low, cur.median,
                         inconclusive=bool(judgement.inconclusive))
    reason = judgement.inconclusive if verdict in (Verdict.inconclusive, Verdict.not_significant) and \
        judgement.inconclusive else judgement.note
    return MetricComparison(scenario=scenario, metric=name, baseline=base.median, current=cur.median,
                            change_pct=change, rule=rule, significance=sig, verdict=verdict,
                            n_baseline=len(base_samples), n_current=len(cur_samples), lower_is_better=better_low,
                            reason=reason)


def compare_scenario(base: ScenarioResult, cur: ScenarioResult, policy: ThresholdPolicy,
                     only_metrics: Iterable[str] = ()) -> ScenarioComparison:
    wanted = set(only_metrics)
    thresholds = _scenario_thresholds(cur, base)
    both_have_rel = TIME_REL in base.metrics and TIME_REL in cur.metrics
    out = ScenarioComparison(cur.name, cur.suite or base.suite, package_changes=package_changes(base.details,
                                                                                                 cur.details))
    for name, cur_metric in cur.metrics.items():  # the current run's order: the order of the table
        base_metric = base.metrics.get(name)
        if base_metric is None or (wanted and name not in wanted):
            continue
        judgement = judge(name, policy.rule(name, thresholds, both_have_rel), base, cur)
        out.metrics.append(compare_metric(cur.name, name, base_metric, cur_metric, judgement, policy.alpha))
    return out


def lost_metrics(base: ScenarioResult, cur: ScenarioResult, policy: ThresholdPolicy,
                 only_metrics: Iterable[str] = ()) -> str | None:
    """Why a current scenario marked ok cannot be judged, or None: a gate must not pass what it cannot see.

    A scenario with no metrics at all, or one that lost a gated metric the
    baseline has (or holds it as NaN/inf), would otherwise show no
    regression and pass. Raw time standing in for a lost kernel-normalised
    time is not a loss: the rule gates raw time when a side lacks the kernel.
    """
    if not cur.metrics:
        return "marked ok but holds no metrics (lost them?)"
    wanted = set(only_metrics)
    thresholds = _scenario_thresholds(cur, base)
    both_have_rel = TIME_REL in base.metrics and TIME_REL in cur.metrics
    lost = []
    for name in base.metrics:
        if (wanted and name not in wanted) or not policy.rule(name, thresholds, both_have_rel).gated:
            continue
        if name == TIME_REL and TIME_RAW in base.metrics and TIME_RAW in cur.metrics and name not in cur.metrics:
            continue
        metric = cur.metrics.get(name)
        if metric is None:
            lost.append(name)
        elif not math.isfinite(metric.median):
            lost.append(f"{name} (median {metric.median})")
        elif (why := invalid_figure(name, metric.median)) and metric_info(name).unit not in ("B", "count"):
            lost.append(f"{name} ({why})")  # a zero time is a broken measurement, never an improvement
    if lost:
        return f"marked ok but lost gated metric(s) the baseline has: {', '.join(lost)}"
    return None


def _environment_notes(baseline: ResultsFile, current: ResultsFile) -> list[str]:
    notes = []
    for key in ENVIRONMENT_KEYS:
        a, b = baseline.environment.get(key), current.environment.get(key)
        if a is not None and b is not None and a != b:
            notes.append(f"environment differs: {key} {a} → {b}")
    a_mode, b_mode = baseline.settings.get("mode"), current.settings.get("mode")
    if a_mode and b_mode and a_mode != b_mode:
        notes.append(f"measured with different settings: {a_mode} → {b_mode}")
    if baseline.settings.get("complete") is False:
        notes.append("the baseline run did not finish: it holds only the scenarios it measured")
    return notes


INTERRUPTED = "the current run was interrupted (settings.complete is false)"


def interrupted_run(current: ResultsFile, only_baseline: list[str]) -> list[FailedScenario]:
    """An interrupted current run fails the gate: what it never measured must not pass as unchanged.

    Each baseline scenario it lacks is failed by name; when it lacks none (it
    was stopped after its last scenario) the run itself is.
    """
    if current.settings.get("complete") is not False:
        return []
    if only_baseline:
        return [FailedScenario(name, "current", f"not measured: {INTERRUPTED}") for name in only_baseline]
    return [FailedScenario("(current run)", "current", f"{INTERRUPTED}; rerun it to completion")]


def compare_results(baseline: ResultsFile, current: ResultsFile, policy: ThresholdPolicy | None = None, *,
                    baseline_path: str | Path = "baseline", current_path: str | Path = "current",
                    only_metrics: Iterable[str] = ()) -> Comparison:
    """Compare every scenario and metric present in both files; list the rest."""
    policy = policy or ThresholdPolicy()
    only_metrics = list(only_metrics)
    check_unique_names(baseline, baseline_path)
    check_unique_names(current, current_path)
    if not {s.name for s in baseline.scenarios} & {s.name for s in current.scenarios}:
        raise InputError(current_path, "scenarios", f"no scenario in common with {baseline_path} "
                                                    f"({_names(baseline)} against {_names(current)}): nothing to compare")
    comparison = Comparison(str(baseline_path), str(current_path), policy,
                            notes=_environment_notes(baseline, current),
                            package_changes=package_changes(baseline.environment, current.environment))
    comparison.skipped = list(dict.fromkeys(s.name for s in [*current.scenarios, *baseline.scenarios] if s.skipped))
    skipped = set(comparison.skipped)  # a framework not installed on one side: neither lost nor regressed
    baseline = replace(baseline, scenarios=[s for s in baseline.scenarios if s.name not in skipped])
    current = replace(current, scenarios=[s for s in current.scenarios if s.name not in skipped])
    base_names = {s.name for s in baseline.scenarios}
    cur_names = {s.name for s in current.scenarios}
    comparison.only_baseline = [s.name for s in baseline.scenarios if s.name not in cur_names]
    comparison.only_current = [s.name for s in current.scenarios if s.name not in base_names]
    comparison.failed.extend(interrupted_run(current, comparison.only_baseline))
    if current.settings.get("complete") is False:
        comparison.only_baseline = []  # failed above, by name
    for cur in current.scenarios:
        base = baseline.scenario(cur.name)
        if base is None:
            continue
        if not base.ok or not cur.ok:
            side = "both" if not base.ok and not cur.ok else ("baseline" if not base.ok else "current")
            error = (cur.error if not cur.ok else base.error) or "failed"
            comparison.failed.append(FailedScenario(cur.name, side, error))
            continue
        lost = lost_metrics(base, cur, policy, only_metrics)
        if lost:
            comparison.failed.append(FailedScenario(cur.name, "current", lost))
        comparison.scenarios.append(compare_scenario(base, cur, policy, only_metrics))
    return comparison


def _names(results: ResultsFile, at_most: int = 3) -> str:
    names = [s.name for s in results.scenarios]
    if not names:
        return "none"
    return ", ".join(names[:at_most]) + (f" and {len(names) - at_most} more" if len(names) > at_most else "")
