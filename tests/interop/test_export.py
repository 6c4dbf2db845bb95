"""Exports read back by the tools they are for: pyperf (stats, compare_to) and Go's text format."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

import pyperf
import pytest

from agnobench.interop.gobench import parse_go_bench
from agnobench.results import Metric, PassRecord, ResultsFile, ScenarioResult, save_results
from gate_files import ENVIRONMENT, invoke, noisy


def results_file(path: Path, scale: float = 1.0) -> Path:
    time = [v * scale for v in noisy(7300.0, n=8, seed=1)]
    scenario = ScenarioResult(
        name="agent-create-simple", suite="creation",
        metrics={"time_per_op_ns": Metric.from_samples(time, "ns"),
                 "time_per_op_rel": Metric.from_samples([v / 13000 for v in time], "ratio"),
                 "retained_bytes_per_op": Metric.from_samples([3744.0, 3744.0, 3744.0], "B"),
                 "allocated_bytes_per_op": Metric.from_samples([7466.0, 7466.0, 7466.0], "B"),
                 "allocs_per_op": Metric.from_samples([27.0, 27.0, 27.0], "count"),
                 "instructions_per_op": Metric.from_samples([109345.5] * 5, "count")},
        passes={"timing": PassRecord(details={"loops": 1024, "values_per_process": 4})})
    zero = ScenarioResult(name="zero-allocs", suite="creation",
                          metrics={"time_per_op_ns": Metric.from_samples([100.0, 101.0], "ns"),
                                   "allocs_per_op": Metric.from_samples([0.0, 0.0], "count")})
    save_results(ResultsFile(environment={**ENVIRONMENT, "machine": "x86_64", "platform": "Linux-6.1-x86_64"},
                             scenarios=[scenario, zero]), path)
    return path


def pyperf_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pyperf", *args], capture_output=True, text=True, timeout=120)


def test_pyperf_export_is_read_by_pyperf(tmp_path: Path) -> None:
    source = results_file(tmp_path / "a.json")
    out = tmp_path / "a.pyperf.json"
    result = invoke("export", str(source), "--to", "pyperf", "--pyperf-metrics", "all", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "zero-allocs: allocs_per_op" in result.stderr  # pyperf takes no zeros: reported, left out
    suite = pyperf.BenchmarkSuite.load(str(out))
    names = suite.get_benchmark_names()
    assert {"agent-create-simple", "agent-create-simple:retained_bytes_per_op",
            "agent-create-simple:instructions_per_op", "zero-allocs"} <= set(names)
    time = suite.get_benchmark("agent-create-simple")
    assert time.get_nrun() == 2  # 8 values, 4 per timing process
    assert time.get_unit() == "second"
    assert time.median() == pytest.approx(statistics.median(noisy(7300.0, n=8, seed=1)) * 1e-9)
    assert suite.get_benchmark("agent-create-simple:retained_bytes_per_op").get_unit() == "byte"
    stats = pyperf_cli("stats", str(out))
    assert stats.returncode == 0, stats.stderr
    assert "agent-create-simple" in stats.stdout and "Median" in stats.stdout


def test_pyperf_compare_to_reads_two_exports(tmp_path: Path) -> None:
    outs = []
    for name, scale in (("base", 1.0), ("slow", 1.5)):
        out = tmp_path / f"{name}.pyperf.json"
        assert invoke("export", str(results_file(tmp_path / f"{name}.json", scale)), "--to", "pyperf",
                       "-o", str(out)).returncode == 0
        outs.append(str(out))
    compared = pyperf_cli("compare_to", *outs)
    assert compared.returncode == 0, compared.stderr
    assert "agent-create-simple" in compared.stdout and "slower" in compared.stdout


def _timed_file(path: Path, n_values: int, scale: float, seed: int) -> Path:
    """A timing result of n_values values in processes of 12 (a retimed run has more), a known pass wall time."""
    time = [v * scale for v in noisy(7300.0, n=n_values, seed=seed)]
    result = ScenarioResult(
        name="agent-create-simple", suite="creation",
        metrics={"time_per_op_ns": Metric.from_samples(time, "ns"),
                 "retained_bytes_per_op": Metric.from_samples([3744.0, 3744.0], "B")},
        passes={"timing": PassRecord(details={"loops": 1024, "values_per_process": 12}, wall_s=6.0),
                "memory": PassRecord(wall_s=2.0)})
    save_results(ResultsFile(environment=dict(ENVIRONMENT), scenarios=[result]), path)
    return path


def test_pyperf_compare_to_tests_exports_of_runs_with_different_value_counts(tmp_path: Path) -> None:
    outs = []
    for name, n_values, scale, seed in (("base", 48, 1.0, 1), ("slow", 72, 1.3, 2)):
        out = tmp_path / f"{name}.pyperf.json"
        result = invoke("export", str(_timed_file(tmp_path / f"{name}.json", n_values, scale, seed)),
                        "--to", "pyperf", "-o", str(out))
        assert result.returncode == 0, result.stderr
        outs.append(str(out))
    suites = [pyperf.BenchmarkSuite.load(o) for o in outs]
    assert [s.get_benchmark_names() for s in suites] == [["agent-create-simple"]] * 2  # time only by default
    assert [len(s.get_benchmark("agent-create-simple").get_values()) for s in suites] == [20, 20]
    compared = pyperf_cli("compare_to", "-v", *outs)
    assert compared.returncode == 0, compared.stderr
    assert "ERROR" not in compared.stdout and "Significant" in compared.stdout and "slower" in compared.stdout
    stats = pyperf_cli("stats", outs[0])
    assert "Total duration: 6.0 sec" in stats.stdout  # the timing pass's wall time, not values summed as seconds


def test_pyperf_export_to_stdout(tmp_path: Path) -> None:
    result = invoke("export", str(results_file(tmp_path / "a.json")), "--to", "pyperf")
    assert result.returncode == 0
    assert result.json()["benchmarks"]


GO_LINE = re.compile(r"^Benchmark[A-Z]\S*-\d+\t\s*\d+\t(\S+ \S+)(\t\S+ \S+)*$")


def test_go_export_lines_follow_the_format(tmp_path: Path) -> None:
    out = tmp_path / "a.txt"
    result = invoke("export", str(results_file(tmp_path / "a.json")), "--to", "go", "-o", str(out))
    assert result.returncode == 0, result.stderr
    lines = out.read_text().splitlines()
    bench = [line for line in lines if line.startswith("Benchmark")]
    assert "goos: linux" in lines and "goarch: amd64" in lines
    assert all(GO_LINE.match(line) for line in bench), bench
    assert bench[0].startswith("BenchmarkAgnobenchAgentCreateSimple-2\t")
    assert len([b for b in bench if "AgentCreateSimple" in b]) == 8  # one line per timing sample
    first = bench[0].split("\t")
    assert first[1].strip() == "1024" and first[2].endswith(" ns/op")
    parsed = parse_go_bench(lines)
    first_run = next(r for r in parsed.runs if r.name == "BenchmarkAgnobenchAgentCreateSimple")
    assert first_run.values["B/op"] == 7466.0 and first_run.values["instructions/op"] == 109345.5
    assert first_run.procs == 2


@pytest.mark.skipif(shutil.which("benchstat") is None, reason="benchstat not installed")
def test_benchstat_reads_the_go_export(tmp_path: Path) -> None:
    out = tmp_path / "a.txt"
    assert invoke("export", str(results_file(tmp_path / "a.json")), "--to", "go", "-o", str(out)).returncode == 0
    proc = subprocess.run(["benchstat", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "AgnobenchAgentCreateSimple" in proc.stdout


def test_export_of_a_foreign_file_is_bad_input(tmp_path: Path) -> None:
    foreign = tmp_path / "x.json"
    foreign.write_text('{"schema": "something/else"}')
    result = invoke("export", str(foreign), "--to", "go")
    assert result.returncode == 2 and "schema" in result.stderr and result.stderr.count("\n") == 1
