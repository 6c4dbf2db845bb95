"""A run's report as a page: environment and settings, then each suite's charts beside its tables.

The tables are the reporters' own :class:`Section` objects (``build_sections``),
so the page shows exactly the tables and notes the terminal shows. Each section
goes into its suite's part of the page; a chart about one scenario (each pass
draws its own: the concurrency matrix, the scaling curve, the saturation
curves, the variants) stands beside the table about that scenario.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from agnobench.reporters.hooks import scenario_chart_hooks, suite_chart_hooks
from agnobench.reporters.html import charts, data
from agnobench.reporters.html.escaping import text
from agnobench.reporters.html.page import Page
from agnobench.reporters.html.tables import facts_section, section_html
from agnobench.reporters.sections import Section, build_sections
from agnobench.results import ResultsFile, ScenarioResult

ACROSS = ""  # the group of sections that span suites (the side-by-side with references)


@dataclass
class ScenarioChart:
    scenario: str
    figure: Any


@dataclass
class SuitePart:
    suite: str
    sections: list[Section] = field(default_factory=list)
    charts: list[Any] = field(default_factory=list)  # suite-wide figures
    scenario_charts: list[ScenarioChart] = field(default_factory=list)


def environment_facts(results: ResultsFile) -> dict[str, object]:
    env = dict(results.environment)
    git = env.pop("git", None)
    facts: dict[str, object] = {"created": results.created}
    if isinstance(git, dict):
        facts["git commit"] = f"{git.get('short') or git.get('commit')} on {git.get('branch') or 'detached HEAD'}" + \
                              (" (dirty: uncommitted changes)" if git.get("dirty") else "") + \
                              (f" — {git.get('subject')}" if git.get("subject") else "")
    facts.update((k, v) for k, v in env.items() if v is not None and not isinstance(v, (dict, list)))
    return facts


def settings_facts(results: ResultsFile) -> dict[str, object]:
    return {k: (" ".join(map(str, v)) if isinstance(v, list) else v) for k, v in results.settings.items()
            if not isinstance(v, dict)}


def _suite_charts(suite: str, members: Sequence[ScenarioResult]) -> list[Any]:
    """The metric charts every suite gets, then each pass's own (its package's ``charts.suite_charts``)."""
    figures = []
    metric = data.metric_chart(suite, members, data.CHART_METRICS[0])
    if metric is not None:
        figures.append(charts.metric_figure(metric))
    latency = data.latency_chart(suite, members)
    if latency is not None:
        figures.append(charts.latency_figure(latency))
    for name in data.CHART_METRICS[1:]:
        chart = data.metric_chart(suite, members, name)
        if chart is not None:
            figures.append(charts.metric_figure(chart))
    for hook in suite_chart_hooks():
        figures += hook(suite, members)
    return figures


def _scenario_charts(result: ScenarioResult) -> list[ScenarioChart]:
    """Each pass's charts about one scenario (its package's ``charts.scenario_charts``)."""
    return [ScenarioChart(result.name, figure) for hook in scenario_chart_hooks() for figure in hook(result)]


def _group_of(section: Section, suite_of: dict[str, str]) -> str:
    if section.title in suite_of.values():
        return section.title
    names = {row[0] for row in section.rows if row and row[0] in suite_of}
    prefix = section.title.split(":", 1)[0]
    if prefix in suite_of:
        names.add(prefix)
    suites = {suite_of[n] for n in names}
    return suites.pop() if len(suites) == 1 else ACROSS


def build_parts(results: Sequence[ScenarioResult]) -> list[SuitePart]:
    suite_of = {r.name: r.suite for r in results}
    parts: dict[str, SuitePart] = {}
    for result in results:
        part = parts.setdefault(result.suite, SuitePart(result.suite))
        part.scenario_charts += _scenario_charts(result)
    for suite, part in parts.items():
        part.charts = _suite_charts(suite, [r for r in results if r.suite == suite])
    for section in build_sections(results):
        parts.setdefault(_group_of(section, suite_of), SuitePart(ACROSS)).sections.append(section)
    return list(parts.values())


def _attach(part: SuitePart) -> dict[int, list[Any]]:
    """Section index -> the scenario charts that stand beside it: by title first, else by a row naming it."""
    placed: dict[int, list[Any]] = {}
    for chart in part.scenario_charts:
        index = next((i for i, s in enumerate(part.sections) if s.title.startswith(f"{chart.scenario}:")), None)
        if index is None:
            index = next((i for i, s in enumerate(part.sections)
                          if i > 0 and any(row and row[0] == chart.scenario for row in s.rows)), None)
        placed.setdefault(index if index is not None else -1, []).append(chart.figure)
    return placed


def _grid(page: Page, figures: Sequence[Any]) -> str:
    return '<div class="grid">' + "".join(page.chart(f) for f in figures) + "</div>" if figures else ""


def summary_line(results: ResultsFile) -> str:
    """The run in one line, for the top of the page: what was measured, on what, at which commit."""
    env, git = results.environment, results.environment.get("git")
    parts = [f"{len(results.scenarios)} scenario(s)", f"{results.settings.get('mode', '?')} mode", results.created,
             f"agno {env.get('agno')}", f"Python {env.get('python')}", f"{env.get('cpu_count')} × {env.get('cpu_model')}"]
    if isinstance(git, dict):
        parts.append(f"commit {git.get('short')} ({git.get('branch') or 'detached'}{', dirty' if git.get('dirty') else ''})")
    return " · ".join(str(p) for p in parts)


WIDE = 6  # a table with more columns than this goes under its charts, not beside them


def add_run(page: Page, results: ResultsFile, label: str = "") -> None:
    """Append one results file's suites, then its environment and settings, to ``page``."""
    prefix = f"{text(label)}: " if label else ""
    if label:
        page.add(f'<p class="summary">{prefix}{text(summary_line(results))}</p>')
    for part in build_parts(results.scenarios):
        page.add(f"<h2>{prefix}{text(part.suite or 'Across suites')}</h2>")
        page.add(_grid(page, part.charts))
        placed = _attach(part)
        for index, section in enumerate(part.sections):
            beside = placed.get(index, [])
            heading = f"{section.title} (table)" if section.title == part.suite else section.title
            table = section_html(section, heading)
            if not beside:
                page.add(table)
            elif len(section.columns) > WIDE:
                page.add(_grid(page, beside) + table)
            else:
                page.add(f'<div class="pair">{table}{_grid(page, beside)}</div>')
        page.add(_grid(page, placed.get(-1, [])))
    page.add(f'<h2>{prefix}Environment and settings</h2><div class="facts">'
             + section_html(facts_section("Environment", environment_facts(results)))
             + section_html(facts_section("Settings", settings_facts(results))) + "</div>")


def render_run_html(results: ResultsFile, source: str = "") -> str:
    page = Page("agnobench report", summary_line(results) + (f" · {source}" if source else ""))
    add_run(page, results)
    return page.render(footer="Made by agnobench; every chart and table from the results file, nothing fetched.")
