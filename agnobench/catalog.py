"""Find scenarios: the built-in set, and what a user names on the command line.

``agnobench run`` takes scenario names, globs over names (``agent-create-*``),
suite names, or paths to ``.toml`` files anywhere; no argument means the
default suite (every built-in scenario not marked ``default = false``).
A scenario marked ``on_request`` (a demonstration that fails or takes long by
design) belongs to no selection but its own name or file: a suite or a glob
never runs it, so no suite exits 1 by design.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Iterable, Sequence

import agnobench
from agnobench.errors import InputError
from agnobench.scenario import Scenario, load_scenario


def builtin_scenario_dir() -> Path:
    """The repository's ``scenarios/`` in a checkout, the packaged copy in a wheel."""
    package_dir = Path(agnobench.__file__).resolve().parent
    for candidate in (package_dir.parent / "scenarios", package_dir / "_scenarios"):
        if candidate.is_dir():
            return candidate
    raise InputError(package_dir, None, "built-in scenarios not found (broken install?)")


# The order a reader meets the built-in suites in (runs, `list`, tables); other suites follow by name.
SUITE_ORDER = ("creation", "execution", "concurrency", "realworld", "patterns")


def _suite_rank(scenario: Scenario) -> tuple[int, str]:
    order = SUITE_ORDER.index(scenario.suite) if scenario.suite in SUITE_ORDER else len(SUITE_ORDER)
    return order, scenario.suite


def builtin_scenarios() -> list[Scenario]:
    """All built-in scenarios, sorted by suite then file order; names must be unique."""
    files = sorted(builtin_scenario_dir().rglob("*.toml"))
    scenarios = sorted((load_scenario(p) for p in files), key=_suite_rank)  # stable: file order within a suite
    seen: dict[str, Path] = {}
    for scenario in scenarios:
        if scenario.name in seen:
            raise InputError(scenario.path, "name", f"{scenario.name!r} is also defined in {seen[scenario.name]}")
        seen[scenario.name] = scenario.path
    return scenarios


def _looks_like_path(selector: str) -> bool:
    return selector.endswith(".toml") or "/" in selector or selector.startswith(".")


def select(selectors: Sequence[str], suites: Iterable[str] = ()) -> list[Scenario]:
    """Resolve command-line selectors to scenarios, in the order given, without repeats."""
    suites = list(suites)
    catalog = builtin_scenarios()
    chosen: list[Scenario] = []

    def add(scenario: Scenario) -> None:
        same = next((s for s in chosen if s.name == scenario.name), None)
        if same is None:
            chosen.append(scenario)
        elif Path(same.path).resolve() != Path(scenario.path).resolve():  # results are keyed by name
            raise InputError(scenario.path, "name", f"{scenario.name!r} is also the name of {same.path}: "
                                                    "scenario names must be unique in one run")

    if not selectors and not suites:
        for scenario in catalog:
            if scenario.default:
                add(scenario)
        return chosen

    for suite in suites:
        matched = [s for s in catalog if s.suite == suite and not s.on_request]
        if not matched:
            known = sorted({s.suite for s in catalog})
            raise InputError("--suite", suite, f"no such suite (known: {', '.join(known)})")
        for scenario in matched:
            add(scenario)

    for selector in selectors:
        if _looks_like_path(selector):
            path = Path(selector)
            if path.is_dir():
                files = sorted(path.rglob("*.toml"))
                if not files:
                    raise InputError(path, None, "no .toml scenario files in this directory")
                for file in files:
                    add(load_scenario(file))
            else:
                if not path.exists():
                    raise InputError(path, None, "no such scenario file")
                add(load_scenario(path))
            continue
        matched = [s for s in catalog if s.name == selector]  # by its own name: on-request ones too
        matched = matched or [s for s in catalog if fnmatch.fnmatchcase(s.name, selector) and not s.on_request]
        matched = matched or [s for s in catalog if s.suite == selector and not s.on_request]
        if not matched:
            raise InputError(selector, None, "no scenario or suite of that name (see `agnobench list`)")
        for scenario in matched:
            add(scenario)
    return chosen


def left_out_on_request(selected: Sequence[Scenario], selectors: Sequence[str], suites: Iterable[str] = ()) -> list[Scenario]:
    """On-request scenarios of the suites (or globs) asked for that the selection left out: said on stderr, so
    nobody wonders where they went."""
    named = set(suites) | {s for s in selectors if not _looks_like_path(s)}
    chosen = {s.name for s in selected}
    return [s for s in builtin_scenarios() if s.on_request and s.name not in chosen
            and (s.suite in named or any(fnmatch.fnmatchcase(s.name, pattern) for pattern in named))]
