"""The toy pass's table: a row per scenario it measured."""

from __future__ import annotations

from typing import Sequence

from agnobench.reporters.section import Section
from agnobench.reporters.typed import typed_results
from agnobench.results import ScenarioResult


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    rows = [[result.name, toy.label, str(toy.calls)] for result, toy in typed_results(results, "toy")]
    return [Section(title="Toy pass", columns=["scenario", "label", "calls"], rows=rows)] if rows else []
