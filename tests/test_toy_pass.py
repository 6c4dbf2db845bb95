"""Adding a pass is its module plus one registry entry: a toy pass, end to end, with nothing else touched.

The toy pass lives in tests/toy_pass.py and is registered through the
documented hook (``AGNOBENCH_PASSES`` for the CLI's processes, ``register``
in this one). It runs in a real worker, lands in the results file under its
own name, loads back typed, shows in the tables and its own section, and its
declared metric gates in ``compare`` and exports with its Go unit.
"""

from __future__ import annotations

import json
import os
from typing import Iterator

import pytest

from agnobench.compare import compare_results
from agnobench.measure import registry
from agnobench.reporters.sections import build_sections
from agnobench.results import load_results
from conftest import TESTS_DIR, ScenarioDir, run_cli, run_cli_in_process
from toy_pass import ToyResult

ENV = {registry.ENV_VAR: "toy=toy_pass:PLUGIN",
       "PYTHONPATH": os.pathsep.join(filter(None, [str(TESTS_DIR), os.environ.get("PYTHONPATH")]))}


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(registry.PASSES, "toy", "toy_pass:PLUGIN")
    yield
    registry._loaded.pop("toy", None)


@pytest.mark.e2e
def test_a_toy_pass_runs_end_to_end_through_worker_results_and_reporters(scenario_dir: ScenarioDir,
                                                                           toy: None) -> None:
    scenario_dir.write("toyed", "calib_ops:noop",
                       body='[measure]\npasses = ["toy"]\n[measure.params]\ntoy_calls = 9\ntoy_label = "hello"\n')
    result = run_cli("run", "toyed.toml", "--quick", "--format", "md", "-o", "r.json", cwd=scenario_dir.path, env=ENV)
    assert result.returncode == 0, result.stderr
    raw = json.loads((scenario_dir.path / "r.json").read_text())["scenarios"][0]
    assert raw["passes"]["toy"]["details"]["calls"] == 3  # its own quick rule: 9 // 3
    assert len(raw["metrics"]["toy_ns"]["samples"]) == 3 and raw["metrics"]["toy_ns"]["unit"] == "ns"
    assert "Toy pass" in result.stdout and "toy time" in result.stdout  # its section, its metric's label

    loaded = load_results(scenario_dir.path / "r.json").scenarios[0]
    assert loaded.result_of("toy") == ToyResult("hello", 3, raw["passes"]["toy"]["details"]["per_call_ns"])
    titles = [s.title for s in build_sections([loaded])]
    assert "Toy pass" in titles

    comparison = compare_results(load_results(scenario_dir.path / "r.json"), load_results(scenario_dir.path / "r.json"))
    row = next(r for r in comparison.rows if r.metric == "toy_ns")
    assert row.gated and row.rule.threshold_pct == 2.0

    exported = run_cli_in_process("export", "r.json", "--to", "go", cwd=scenario_dir.path, env=ENV)  # reads a file
    assert exported.returncode == 0, exported.stderr
    assert "toy-ns/op" in exported.stdout


@pytest.mark.e2e
def test_a_misspelt_toy_param_is_bad_input_with_a_suggestion(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("typo", "calib_ops:noop", body='[measure]\npasses = ["toy"]\n[measure.params]\ntoy_cals = 3\n')
    result = run_cli("run", "typo.toml", "--quick", cwd=scenario_dir.path, env=ENV)
    assert result.returncode == 2
    assert "measure.params.toy_cals" in result.stderr and "did you mean 'toy_calls'" in result.stderr
    assert "Traceback" not in result.stderr
