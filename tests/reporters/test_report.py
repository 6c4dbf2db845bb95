"""`agnobench report`: files side by side, and the Go vs Python table built from data."""

from __future__ import annotations

from pathlib import Path

import pytest

from agnobench.interop.gobench import read_go_bench
from agnobench.results import Metric, ResultsFile, ScenarioResult, save_results
from gate_files import ENVIRONMENT, REFERENCE_GO as REFERENCE, invoke

GO_TEXT = """goos: linux
goarch: amd64
pkg: example.com/agno/agent
cpu: Test CPU
BenchmarkAgentCreation-2   1000000   500 ns/op   1200 B/op   8 allocs/op
BenchmarkAgentCreation-2   1000000   520 ns/op   1200 B/op   8 allocs/op
BenchmarkAgentCreation-2   1000000   480 ns/op   1200 B/op   8 allocs/op
"""


def python_results(path: Path, time_ns: float = 7500.0, retained: float = 3600.0) -> Path:
    simple = ScenarioResult(
        name="agent-create-simple", suite="creation",
        metrics={"time_per_op_ns": Metric.from_samples([time_ns] * 4, "ns"),
                 "retained_bytes_per_op": Metric.from_samples([retained] * 3, "B"),
                 "allocated_bytes_per_op": Metric.from_samples([7400.0] * 3, "B"),
                 "ops_per_sec": Metric.single(1e9 / time_ns, "1/s")},
        references=[{"key": "go-doc", "label": "Agno-Go (document)", "source": "doc, BenchmarkAgentCreation",
                     "values": {"time_per_op_ns": 184.5, "allocated_bytes_per_op": 1272}},
                    {"key": "python-doc", "label": "Python Agno (document)", "source": "doc",
                     "values": {"time_per_op_ns": 3000, "retained_bytes_per_op": 6656}}])
    floor = ScenarioResult(name="python-floor", suite="creation",
                           metrics={"time_per_op_ns": Metric.from_samples([200.0] * 4, "ns")},
                           references=[{"key": "go-doc", "source": "doc, BenchmarkAgentCreation", "values": {}}])
    save_results(ResultsFile(environment=dict(ENVIRONMENT), scenarios=[simple, floor]), path)
    return path


def test_two_files_side_by_side_with_ratios(tmp_path: Path) -> None:
    a = python_results(tmp_path / "before.json", time_ns=8000.0)
    b = python_results(tmp_path / "after.json", time_ns=6000.0)
    result = invoke("report", str(a), str(b), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = result.json()
    assert [f["label"] for f in data["files"]] == ["before", "after"]
    row = next(r for r in data["rows"] if r["scenario"] == "agent-create-simple" and r["metric"] == "time_per_op_ns")
    assert row["values"] == [8000.0, 6000.0] and row["ratios_to_first"][1] == pytest.approx(0.75)
    assert not any(r["metric"] in ("ops_per_sec", "ref_kernel_ns") for r in data["rows"])
    assert data["go_vs_python"] == []
    table = invoke("report", str(a), str(b))
    assert table.returncode == 0 and "before" in table.stdout and "×0.75" in table.stdout


def test_go_vs_python_table_from_data(tmp_path: Path) -> None:
    go = tmp_path / "go.txt"
    go.write_text(GO_TEXT)
    py = python_results(tmp_path / "py.json", time_ns=7500.0, retained=3600.0)
    result = invoke("report", str(go), str(py), "--format", "json")  # raw Go text is accepted as is
    assert result.returncode == 0, result.stderr
    blocks = result.json()["go_vs_python"]
    assert len(blocks) == 1 and blocks[0]["go"] == "go" and blocks[0]["python"] == "py"
    rows = {r["measure"]: r for r in blocks[0]["rows"]}
    assert set(rows) == {"instantiation", "memory per agent"}  # python-floor is not paired
    inst, mem = rows["instantiation"], rows["memory per agent"]
    assert inst["go_benchmark"] == "BenchmarkAgentCreation" and inst["go"] == 500.0 and inst["python"] == 7500.0
    assert inst["improvement_factor"] == pytest.approx(15.0)
    assert mem["go"] == 1200.0 and mem["python"] == 3600.0 and mem["improvement_factor"] == pytest.approx(3.0)
    assert "16.3" in inst["document"] and "5.23" in mem["document"]  # 3000/184.5, 6656/1272
    assert any("not the same quantity" in note for note in blocks[0]["notes"])
    md = invoke("report", str(go), str(py), "--format", "md")
    assert "Go vs Python" in md.stdout and "×15 faster" in md.stdout and "not the same quantity" in md.stdout


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference not present")
def test_go_vs_python_with_the_reference_file_and_a_pair_option(tmp_path: Path) -> None:
    go = tmp_path / "go.json"
    save_results(read_go_bench(REFERENCE), go)
    py = python_results(tmp_path / "py.json")
    result = invoke("report", str(py), str(go), "--pair", "python-floor=BenchmarkAgentCreationWithMemory",
                     "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = result.json()["go_vs_python"][0]["rows"]
    pairs = {(r["python_scenario"], r["go_benchmark"]) for r in rows}
    assert pairs == {("agent-create-simple", "BenchmarkAgentCreation"),
                     ("python-floor", "BenchmarkAgentCreationWithMemory")}
    inst = next(r for r in rows if r["python_scenario"] == "agent-create-simple" and r["measure"] == "instantiation")
    assert inst["go"] == 750.1  # the median of the five -count repeats


def test_report_bad_input(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": "agnobench/1", "created"')
    result = invoke("report", str(broken))
    assert result.returncode == 2 and str(broken) in result.stderr and result.stderr.count("\n") == 1
    good = python_results(tmp_path / "py.json")
    bad_pair = invoke("report", str(good), "--pair", "nonsense")
    assert bad_pair.returncode == 2 and "--pair" in bad_pair.stderr
