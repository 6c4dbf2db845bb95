"""Scenarios whose [requires] are missing are skipped: reported, saved, shown, never failed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agnobench.compare.core import compare_results
from agnobench.errors import InputError
from agnobench.requirements import Requirements, parse_requirements, unavailable
from agnobench.results import ResultsFile, ScenarioResult, Metric, load_results, save_results
from conftest import ScenarioDir, run_cli, run_cli_in_process

MISSING = 'requires = { packages = ["agnobench-no-such-package"], extra = "nosuch" }\n'
INSTALL = "pip install 'agnobench[nosuch]'"


def test_installed_and_missing_are_told_apart_without_importing() -> None:
    assert unavailable(Requirements(packages=("pyperf",), modules=("tabulate",))) is None
    missing = unavailable(Requirements(packages=("pyperf", "agnobench-no-such-package"), extra="x"))
    assert missing is not None and missing.missing == ("agnobench-no-such-package",)
    assert missing.install == "pip install 'agnobench[x]'"
    no_extra = unavailable(Requirements(modules=("no_such_module_xyz",)))
    assert no_extra is not None and no_extra.install == "pip install 'no_such_module_xyz'"


@pytest.mark.parametrize("table, field", [
    ({"packages": "langgraph"}, "requires.packages"),
    ({"modules": ["langchain.agents"]}, "requires.modules"),
    ({"extra": 3, "packages": ["x"]}, "requires.extra"),
    ({"pakages": ["x"]}, "requires.pakages"),
    ({}, "requires"),
])
def test_bad_requires_is_bad_input_naming_the_field(table: dict, field: str) -> None:
    with pytest.raises(InputError) as info:
        parse_requirements(Path("s.toml"), table)
    assert info.value.field == field


@pytest.mark.e2e
def test_run_skips_with_install_line_and_exit_zero(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("needs-nothing-here", "calib_ops:bytearray_1000", body=MISSING)
    out = scenario_dir.path / "out.json"
    result = run_cli("run", "needs-nothing-here.toml", "--debug-single-value", "-o", str(out), cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stdout and INSTALL in result.stdout
    assert INSTALL in result.stderr  # the progress line says it too
    data = json.loads(out.read_text())
    (entry,) = data["scenarios"]
    assert entry["status"] == "skipped" and entry["metrics"] == {}
    assert entry["details"]["requires"] == {"missing": ["agnobench-no-such-package"], "install": INSTALL}
    loaded = load_results(out)  # loading accepts the status
    assert loaded.scenarios[0].skipped and INSTALL in loaded.scenarios[0].skip_message


def test_list_shows_unavailable_scenarios(scenario_dir: ScenarioDir, monkeypatch: pytest.MonkeyPatch) -> None:
    from agnobench.commands import list_

    scenario_dir.write("needs-nothing-here", "calib_ops:bytearray_1000", body=MISSING)
    from agnobench.scenario import load_scenario

    scenarios = [load_scenario(scenario_dir.path / "needs-nothing-here.toml")]
    monkeypatch.setattr(list_, "builtin_scenarios", lambda: scenarios)
    lines: list[str] = []
    monkeypatch.setattr(list_.typer, "echo", lines.append)
    list_.list_scenarios(suite=None, verbose=False)
    assert lines == [f"needs-nothing-here  test  *  (unavailable: needs agnobench-no-such-package: {INSTALL})"]


def _results(*scenarios: ScenarioResult) -> ResultsFile:
    return ResultsFile(environment={}, scenarios=list(scenarios))


def _ok(name: str, value: float) -> ScenarioResult:
    return ScenarioResult(name, "s", metrics={"time_per_op_ns": Metric.from_samples([value] * 8, "ns")})


def _skipped(name: str) -> ScenarioResult:
    return ScenarioResult(name, "s", status="skipped", details={"requires": {"missing": ["x"], "install": INSTALL}})


def test_compare_ignores_skipped_on_either_side(tmp_path: Path) -> None:
    base = _results(_ok("a", 100), _ok("b", 100), _skipped("c"))
    cur = _results(_ok("a", 100), _skipped("b"), _ok("c", 500))
    save_results(base, tmp_path / "base.json")
    save_results(cur, tmp_path / "cur.json")
    comparison = compare_results(load_results(tmp_path / "base.json"), load_results(tmp_path / "cur.json"))
    assert comparison.exit_code == 0
    assert comparison.skipped == ["b", "c"]
    assert [s.name for s in comparison.scenarios] == ["a"]
    assert not comparison.failed and not comparison.only_baseline and not comparison.only_current
    cli = run_cli_in_process("compare", str(tmp_path / "base.json"), str(tmp_path / "cur.json"))
    assert cli.returncode == 0, cli.stderr
    assert "skipped" in cli.stdout + cli.stderr
