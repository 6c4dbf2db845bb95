"""Results record the versions of the packages the measured code imported, and compare names what changed."""

from __future__ import annotations

import json
from importlib import metadata
from pathlib import Path

import pytest

from agnobench.compare import compare_results
from agnobench.packages import package_changes, package_versions, record_packages
from conftest import ScenarioDir, run_cli
from gate_files import noisy, results, scenario


def test_modules_map_to_their_distributions_and_the_standard_library_drops_out() -> None:
    versions = package_versions(["rich", "typer", "os", "json", "no_such_module_xyz"])
    assert versions == {"rich": metadata.version("rich"), "typer": metadata.version("typer")}
    details = {"imported_modules": ["rich", "os"]}
    record_packages(details)
    assert details == {"packages": {"rich": metadata.version("rich")}}


def test_package_changes_name_each_difference() -> None:
    a = {"packages": {"pydantic": "2.14.4", "agno": "3.1.10", "httpx": "0.28.1"}}
    b = {"packages": {"pydantic": "2.12.5", "agno": "3.1.10", "crewai": "1.15.30"}}
    assert package_changes(a, b) == ["crewai absent → 1.15.30", "httpx 0.28.1 → absent", "pydantic 2.14.4 → 2.12.5"]
    assert package_changes(a, {}) == []  # an older file that recorded none: nothing to say


def test_compare_names_changed_packages_beside_the_verdict() -> None:
    base, cur = results(scenario("s", retained=[3000.0] * 3)), results(scenario("s", retained=[3400.0] * 3))
    base.environment["packages"] = {"pydantic": "2.14.4"}
    cur.environment["packages"] = {"pydantic": "2.12.5"}
    comparison = compare_results(base, cur)
    assert comparison.package_changes == ["pydantic 2.14.4 → 2.12.5"]
    assert comparison.to_dict()["environment_changes"] == ["pydantic 2.14.4 → 2.12.5"]


@pytest.mark.e2e
def test_a_run_records_what_the_op_imported(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("imports-tabulate", "calib_ops:parse_with_tabulate", body='[measure]\npasses = ["memory"]\n')
    out = scenario_dir.path / "out.json"
    result = run_cli("run", "imports-tabulate.toml", "--debug-single-value", "-o", str(out), cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    (entry,) = data["scenarios"]
    assert entry["details"]["packages"]["tabulate"] == metadata.version("tabulate")
    assert "imported_modules" not in entry["details"]
    assert data["environment"]["packages"]["tabulate"] == metadata.version("tabulate")
