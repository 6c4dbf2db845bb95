"""Adding a kind of measurement is one folder: a toy pass, found and run end to end with nothing else touched.

The toy pass is the folder ``tests/toy_site/toy_pass/`` (declaration, contract,
engine, report, chart). It is found the two ways a pass is: dropped into
``agnobench/passes/`` (mounted there for the in-process test, as a copy of the
folder would be), and as an outside package through the ``agnobench.passes``
entry point of the distribution beside it, which every process of a run sees
(``PYTHONPATH``). It runs in a real worker, lands in the results file under its
own name, loads back typed, shows in the tables with its own section and in
the HTML page with its own chart, and its declared metric gates in ``compare``
and exports with its Go unit.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest

import agnobench.passes
from agnobench.compare import compare_results
from agnobench.core import registry
from agnobench.reporters.hooks import scenario_chart_hooks, sections_hooks
from agnobench.reporters.sections import build_sections
from agnobench.results import load_results
from conftest import TESTS_DIR, ScenarioDir, run_cli, run_cli_in_process

TOY_SITE = TESTS_DIR / "toy_site"
ENV = {"PYTHONPATH": os.pathsep.join(filter(None, [str(TOY_SITE), str(TESTS_DIR), os.environ.get("PYTHONPATH")]))}


@pytest.fixture
def mounted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The toy folder as ``agnobench/passes/toy/``: a copy in a directory on the package's search path."""
    shutil.copytree(TOY_SITE / "toy_pass", tmp_path / "toy")
    monkeypatch.setattr(agnobench.passes, "__path__", [*agnobench.passes.__path__, str(tmp_path)])
    registry.forget()
    yield tmp_path / "toy"
    registry.forget()


def test_a_folder_under_passes_is_a_pass_with_its_metric_report_and_chart_found(mounted: Path) -> None:
    plugin = registry.plugin("toy")
    assert plugin.params().toy_calls == 9 and registry.metric_info("toy_ns").go_unit == "toy-ns/op"
    assert "agnobench.passes.toy" in registry.packages()
    assert any(hook.__module__ == "agnobench.passes.toy.report" for hook in sections_hooks())
    assert any(hook.__module__ == "agnobench.passes.toy.charts" for hook in scenario_chart_hooks())


@pytest.mark.e2e
def test_a_toy_pass_runs_end_to_end_through_worker_results_and_reporters(scenario_dir: ScenarioDir,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    scenario_dir.write("toyed", "calib_ops:noop",
                       body='[measure]\npasses = ["toy"]\n[measure.params]\ntoy_calls = 9\ntoy_label = "hello"\n')
    result = run_cli("run", "toyed.toml", "--quick", "--format", "md", "-o", "r.json", "--html", "r.html",
                     cwd=scenario_dir.path, env=ENV)
    assert result.returncode == 0, result.stderr
    raw = json.loads((scenario_dir.path / "r.json").read_text())["scenarios"][0]
    assert raw["passes"]["toy"]["details"]["calls"] == 3  # its own quick rule: 9 // 3
    assert len(raw["metrics"]["toy_ns"]["samples"]) == 3 and raw["metrics"]["toy_ns"]["unit"] == "ns"
    assert "Toy pass" in result.stdout and "toy time" in result.stdout  # its section, its metric's label
    assert "toyed: toy calls (hello)" in (scenario_dir.path / "r.html").read_text()  # its chart

    monkeypatch.syspath_prepend(str(TOY_SITE))  # this process finds the entry point too
    registry.forget()
    try:
        from toy_pass.contract import ToyResult

        loaded = load_results(scenario_dir.path / "r.json").scenarios[0]
        assert loaded.result_of("toy") == ToyResult("hello", 3, raw["passes"]["toy"]["details"]["per_call_ns"])
        assert "Toy pass" in [s.title for s in build_sections([loaded])]
        comparison = compare_results(load_results(scenario_dir.path / "r.json"),
                                     load_results(scenario_dir.path / "r.json"))
        row = next(r for r in comparison.rows if r.metric == "toy_ns")
        assert row.gated and row.rule.threshold_pct == 2.0
    finally:
        registry.forget()

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


def test_an_outside_pass_that_does_not_load_is_one_line_of_bad_input(scenario_dir: ScenarioDir, tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "broken_pass-0.1.dist-info").mkdir(parents=True)
    (site / "broken_pass-0.1.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-pass\nVersion: 0.1\n")
    (site / "broken_pass-0.1.dist-info" / "entry_points.txt").write_text("[agnobench.passes]\nbroken = broken_pass\n")
    (site / "broken_pass.py").write_text("raise RuntimeError('half installed')\n")
    scenario_dir.write("plain", "calib_ops:noop")
    result = run_cli("run", "plain.toml", "--debug-single-value", cwd=scenario_dir.path,
                     env={"PYTHONPATH": os.pathsep.join([str(site), ENV["PYTHONPATH"]])})
    assert result.returncode == 2, result.stderr
    assert "entry point broken = broken_pass: agnobench.passes: does not load: RuntimeError: half installed" \
        in result.stderr
    assert "Traceback" not in result.stderr
