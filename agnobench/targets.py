"""Targets and reference figures, attached to a measured scenario."""

from __future__ import annotations

from typing import Any

from agnobench.results import Metric, TargetResult
from agnobench.scenario import Scenario


def evaluate_targets(scenario: Scenario, metrics: dict[str, Metric]) -> list[TargetResult]:
    """Each target checked against the metric's median; unmeasured metrics are skipped."""
    checks = []
    for bound in scenario.targets:
        metric = metrics.get(bound.metric)
        if metric is None:
            continue
        checks.append(TargetResult(metric=bound.metric, value=metric.median, met=bound.met_by(metric.median),
                                   min=bound.min, max=bound.max))
    return checks


def references(scenario: Scenario) -> list[dict[str, Any]]:
    return [{"key": r.key, "label": r.label, "source": r.source, "values": dict(r.values)}
            for r in scenario.references]
