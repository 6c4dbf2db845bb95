"""The cold-import pass: fresh interpreters in pairs, -X importtime parsed, bad statements refused."""

from __future__ import annotations

import pytest

from agnobench.passes.cold_import.engine import ColdImportError, by_package, measure_cold_import, parse_importtime
from conftest import ScenarioDir, run_cli

IMPORTTIME = """\
import time: self [us] | cumulative | imported package
import time:       120 |        120 |   _io
import time:      2000 |       2000 |     json.decoder
import time:       500 |       3000 |   json
import time:        40 |       3040 | mypkg
"""


def test_importtime_lines_parse_into_modules_with_depth() -> None:
    rows = parse_importtime(IMPORTTIME + "some other stderr line\n")
    assert [(r.module, r.self_us, r.cumulative_us, r.depth) for r in rows] == [
        ("_io", 120, 120, 1), ("json.decoder", 2000, 2000, 2), ("json", 500, 3000, 1), ("mypkg", 40, 3040, 0)]
    assert by_package(rows, 2) == {"json": 2500, "_io": 120}


def test_pairs_of_fresh_interpreters_and_a_breakdown_without_startups_own_modules() -> None:
    result = measure_cold_import("import json", 2)
    assert len(result.import_ns) == len(result.startup_ns) == len(result.raw_ns) == len(result.import_cpu_ns) == 2
    assert result.import_ns == [r - s for r, s in zip(result.raw_ns, result.startup_ns)]  # not clamped
    modules = {row.module for row in result.top_modules}
    assert "json" in modules and "encodings" not in modules and "site" not in modules  # a bare interpreter's own
    assert result.modules_imported >= 1 and result.importtime_total_us > 0


def test_a_failing_or_phoning_home_import_is_an_error() -> None:
    with pytest.raises(ColdImportError, match="No module named"):
        measure_cold_import("import agnobench_no_such_module", 1)
    with pytest.raises(ColdImportError, match="network access attempted.*192.0.2.1"):
        measure_cold_import("import socket; socket.create_connection(('192.0.2.1', 80), timeout=1)", 1)


@pytest.mark.e2e
def test_scenario_without_a_statement_is_bad_input(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("no-statement", "agnobench.passes.cold_import:in_fresh_interpreters",
                       body='[measure]\npasses = ["cold_import"]\n')
    result = run_cli("run", "no-statement.toml", "--quick", cwd=scenario_dir.path)
    assert result.returncode == 2
    assert "measure.params.import_statement" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.e2e
def test_cold_import_scenario_end_to_end(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("import-json", "agnobench.passes.cold_import:in_fresh_interpreters",
                       body='[measure]\npasses = ["cold_import"]\n[measure.params]\nimport_statement = "import json"\n'
                            'import_samples = 4\n')
    out = scenario_dir.path / "out.json"
    result = run_cli("run", "import-json.toml", "-o", str(out), cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    from agnobench.results import load_results

    (scenario,) = load_results(out).scenarios
    assert len(scenario.metrics["import_time_ns"].samples) == 4
    details = scenario.result_of("cold_import")
    assert details.statement == "import json" and details.samples == 4
    assert any(row.module == "json" for row in details.top_modules)
