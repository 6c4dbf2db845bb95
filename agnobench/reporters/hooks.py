"""A pass's report hooks, found by convention in its package, and their signatures.

A pass package may hold ``report.py`` with ``sections(results)`` (its tables
for one suite) and ``charts.py`` with ``suite_charts(suite, results)`` and
``scenario_charts(result)`` (plotly figures for the HTML page). The plugin
does not name them: were it to, every pass would reach the reporters, and the
reporters reach every pass through the registry — an import cycle. The generic
reporters find them here, in pass order, and call them through these types.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType
from typing import Any, Protocol, Sequence

from agnobench.core.registry import packages
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult


class SectionsHook(Protocol):
    """A pass's tables for one suite's results (the rich, markdown and HTML reporters lay them out)."""

    def __call__(self, results: Sequence[ScenarioResult], /) -> list[Section]: ...


class SuiteChartsHook(Protocol):
    """A pass's HTML charts about a whole suite (plotly figures; plotly is imported only for ``--html``)."""

    def __call__(self, suite: str, results: Sequence[ScenarioResult], /) -> list[Any]: ...


class ScenarioChartsHook(Protocol):
    """A pass's HTML charts about one scenario, placed beside the table that names it."""

    def __call__(self, result: ScenarioResult, /) -> list[Any]: ...


def _modules(leaf: str) -> list[ModuleType]:
    """Every pass package's ``leaf`` module that exists, in pass order."""
    found = []
    for package in packages():
        name = f"{package}.{leaf}"
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # the pass is a plain module, not a package
            spec = None
        if spec is not None:
            found.append(importlib.import_module(name))
    return found


def sections_hooks() -> list[SectionsHook]:
    return [m.sections for m in _modules("report") if callable(getattr(m, "sections", None))]


def suite_chart_hooks() -> list[SuiteChartsHook]:
    return [m.suite_charts for m in _modules("charts") if callable(getattr(m, "suite_charts", None))]


def scenario_chart_hooks() -> list[ScenarioChartsHook]:
    return [m.scenario_charts for m in _modules("charts") if callable(getattr(m, "scenario_charts", None))]
