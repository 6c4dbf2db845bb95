"""Every built-in scenario that needs an extra declares it (and is skipped without it); no suite runs a
scenario that fails by design: those are on request, by name only, and `list` says so."""

from __future__ import annotations

import importlib
import inspect
import re

import pytest

from agnobench import requirements
from agnobench.catalog import builtin_scenarios, select
from agnobench.requirements import unavailable

# What the code of an op or its setup imports, lazily, that only an extra installs: extra -> module markers.
EXTRA_MODULES = {
    "sqlite": ("agno.db.sqlite", "sqlalchemy"),
    "knowledge": ("lancedb", "chromadb", "agno.vectordb"),
    "service": ("fastapi", "uvicorn", "agno.os"),
}


def _source(reference: str | None) -> str:
    if not reference:
        return ""
    module, _, name = reference.partition(":")
    try:
        return inspect.getsource(getattr(importlib.import_module(module), name))
    except (OSError, TypeError, AttributeError):
        return ""


@pytest.mark.parametrize("scenario", builtin_scenarios(), ids=lambda s: s.name)
def test_a_scenario_whose_code_imports_an_extra_declares_it(scenario) -> None:
    code = _source(scenario.setup) + _source(scenario.operation)
    for extra, markers in EXTRA_MODULES.items():
        if any(re.search(rf"\b(from|import)\s+{re.escape(m)}\b", code) for m in markers):
            assert scenario.requires is not None, f"{scenario.name} imports what agnobench[{extra}] installs"


def test_agent_run_durable_is_skipped_without_the_sqlite_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    (durable,) = select(["agent-run-durable"])
    assert durable.requires is not None and durable.requires.extra == "sqlite"
    real = requirements._has_distribution
    monkeypatch.setattr(requirements, "_has_distribution", lambda name: name != "sqlalchemy" and real(name))
    missing = unavailable(durable.requires)
    assert missing is not None and missing.missing == ("sqlalchemy",)
    assert missing.install == "pip install 'agnobench[sqlite]'"


def test_on_request_scenarios_run_only_by_name() -> None:
    on_request = [s for s in builtin_scenarios() if s.on_request]
    assert "knowledge-query-chroma-100k" in {s.name for s in on_request}
    for scenario in on_request:
        assert scenario.name not in {s.name for s in select([], [scenario.suite])}
        assert scenario.name not in {s.name for s in select([scenario.suite])}
        assert scenario.name not in {s.name for s in select(["knowledge-*"])}
        assert scenario.name not in {s.name for s in select([])}
        assert [s.name for s in select([scenario.name])] == [scenario.name]
        assert [s.name for s in select([str(scenario.path)])] == [scenario.name]


def test_list_says_on_request_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    from agnobench.commands.list_ import list_scenarios

    list_scenarios(suite="knowledge", verbose=False)
    (line,) = [l for l in capsys.readouterr().out.splitlines() if l.startswith("knowledge-query-chroma-100k")]
    assert "on request only" in line and "fails by design" in line


def test_a_suite_run_says_what_it_left_out_on_request() -> None:
    from agnobench.catalog import left_out_on_request

    suite_run = select([], ["knowledge"])
    assert [s.name for s in left_out_on_request(suite_run, [], ["knowledge"])] == ["knowledge-query-chroma-100k"]
    by_name = select(["knowledge-query-chroma-100k"])
    assert left_out_on_request(by_name, ["knowledge-query-chroma-100k"]) == []
