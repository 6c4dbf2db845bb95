"""The Go benchmark text parser: the real reference file and hand-made edge cases."""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from agnobench.errors import InputError
from agnobench.interop.gobench import (export_go_text, go_to_results, parse_go_bench, read_go_bench, sanitize_unit,
                                       split_procs)
from agnobench.results import load_results
from gate_files import REFERENCE_GO, invoke

REFERENCE = REFERENCE_GO


def parse(text: str):
    return go_to_results(parse_go_bench(text.splitlines()), "test.txt")


def naive_values(path: Path) -> dict[str, dict[str, list[float]]]:
    """An independent reading of well-formed lines: name -> unit -> values."""
    out: dict[str, dict[str, list[float]]] = {}
    for line in path.read_text().splitlines():
        if not line.startswith("Benchmark"):
            continue
        fields = line.split()
        name = fields[0].rsplit("-", 1)[0]
        for value, unit in zip(fields[2::2], fields[3::2]):
            out.setdefault(name, {}).setdefault(unit, []).append(float(value))
    return out


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference not present")
def test_reference_file() -> None:
    results = read_go_bench(REFERENCE)
    expected = naive_values(REFERENCE)
    assert [s.name for s in results.scenarios] == list(expected)
    assert results.environment["goos"] == "linux" and results.environment["goarch"] == "amd64"
    assert results.environment["cpu_model"] == "AMD EPYC" and results.environment["cpu_count"] == 2
    assert results.environment["pkg"].endswith("pkg/agno/agent")
    for scenario in results.scenarios:
        units = expected[scenario.name]
        time = scenario.metrics["time_per_op_ns"]
        assert time.samples == units["ns/op"] and len(time.samples) == 5  # -count 5: five samples
        assert time.median == statistics.median(units["ns/op"])
        assert scenario.metrics["allocated_bytes_per_op"].samples == units["B/op"]
        assert scenario.metrics["allocs_per_op"].samples == units["allocs/op"]
        assert scenario.details["procs"] == 2 and len(scenario.details["iterations"]) == 5
    creation = results.scenario("BenchmarkAgentCreation")
    assert creation.metrics["allocated_bytes_per_op"].median == 1272 and creation.metrics["allocs_per_op"].median == 8
    memory_ops = results.scenario("BenchmarkMemoryOperations")
    assert any("fewer than one allocation" in note for note in memory_ops.details["notes"])


def test_log_lines_between_name_and_numbers() -> None:
    text = """goos: linux
goarch: amd64
pkg: example.com/demo
BenchmarkNoisy-8   	creating 3 agents
2024/01/01 12:00:00 INFO something happened: 42 items
some more output
 1000000	      1234 ns/op	     512 B/op	       4 allocs/op
BenchmarkInline-8   	hello from inside   2000	       567.5 ns/op
BenchmarkQuiet-8    	 3000	 89.0 ns/op
PASS
ok  	example.com/demo	3.2s
"""
    results = parse(text)
    noisy = results.scenario("BenchmarkNoisy")
    assert noisy.metrics["time_per_op_ns"].samples == [1234.0]
    assert noisy.metrics["allocated_bytes_per_op"].samples == [512.0]
    assert noisy.details["iterations"] == [1000000]
    assert results.scenario("BenchmarkInline").metrics["time_per_op_ns"].samples == [567.5]
    assert results.scenario("BenchmarkQuiet").metrics["time_per_op_ns"].samples == [89.0]
    assert "2024/01/01 12" not in json.dumps(results.environment["go_config"])


def test_count_repeats_procs_and_sub_benchmarks() -> None:
    text = """BenchmarkX/case=1-8   100   10 ns/op
BenchmarkX/case=1-8   100   12 ns/op
BenchmarkX/case=1-8   100   11 ns/op
BenchmarkX/size-16/case=2-8   50   20 ns/op
BenchmarkNoProcs   10   5 ns/op
"""
    results = parse(text)
    assert [s.name for s in results.scenarios] == ["BenchmarkX/case=1", "BenchmarkX/size-16/case=2", "BenchmarkNoProcs"]
    case1 = results.scenario("BenchmarkX/case=1")
    assert case1.metrics["time_per_op_ns"].samples == [10.0, 12.0, 11.0] and case1.metrics["time_per_op_ns"].median == 11.0
    assert case1.details["procs"] == 8
    assert results.scenario("BenchmarkNoProcs").details["procs"] is None
    assert split_procs("BenchmarkA-2") == ("BenchmarkA", 2)
    assert split_procs("BenchmarkA") == ("BenchmarkA", None)


def test_custom_units() -> None:
    text = "BenchmarkCopy-4   500   2000 ns/op   12.5 MB/s   3.00 widgets/op   0 B/op   0 allocs/op\n"
    scenario = parse(text).scenario("BenchmarkCopy")
    assert scenario.metrics["mb_per_s"].samples == [12.5] and scenario.metrics["mb_per_s"].unit == "MB/s"
    assert scenario.metrics["widgets_per_op"].samples == [3.0] and scenario.metrics["widgets_per_op"].unit == "widgets/op"
    assert scenario.metrics["allocs_per_op"].median == 0
    assert sanitize_unit("MB/s") == "mb_per_s" and sanitize_unit("µs/frame") == "s_per_frame"


def test_failures_skips_and_package_clashes() -> None:
    text = """pkg: example.com/a
BenchmarkSame-2   10   100 ns/op
BenchmarkBroken-2
--- FAIL: BenchmarkBroken-2
    broken_test.go:10: assertion failed
pkg: example.com/b
BenchmarkSame-2   10   200 ns/op
"""
    results = parse(text)
    names = [s.name for s in results.scenarios]
    assert names == ["a.BenchmarkSame", "b.BenchmarkSame", "BenchmarkBroken"]
    broken = results.scenario("BenchmarkBroken")
    assert not broken.ok and "FAIL" in broken.error
    assert results.scenario("b.BenchmarkSame").suite == "go:example.com/b"


def test_lowercase_after_benchmark_is_not_a_benchmark() -> None:
    text = "Benchmarking is fun 10 20 ns/op\nBenchmarkReal   10   20 ns/op\n"
    assert [s.name for s in parse(text).scenarios] == ["BenchmarkReal"]


def test_no_benchmarks_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no benchmark results"):
        parse("PASS\nok  example.com/x 0.1s\n")
    not_go = tmp_path / "notes.txt"
    not_go.write_text("hello\nworld\n")
    result = invoke("import-go", str(not_go), "-o", str(tmp_path / "x.json"))
    assert result.returncode == 2 and str(not_go) in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "x.json").exists()


def test_go_text_round_trip() -> None:
    text = "goos: linux\nBenchmarkA-2   100   10 ns/op   64 B/op   2 allocs/op\nBenchmarkA-2   100   12 ns/op   64 B/op   2 allocs/op\n"
    first = parse(text)
    again = parse("\n".join(export_go_text(first)))
    a, b = first.scenario("BenchmarkA"), again.scenario("BenchmarkA")
    for metric in ("time_per_op_ns", "allocated_bytes_per_op", "allocs_per_op"):
        assert a.metrics[metric].samples == b.metrics[metric].samples
    assert b.details["procs"] == 2


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/reference not present")
def test_import_go_cli_writes_a_results_file(tmp_path: Path) -> None:
    out = tmp_path / "go.json"
    result = invoke("import-go", str(REFERENCE), "-o", str(out), "--format", "md")
    assert result.returncode == 0, result.stderr
    assert "BenchmarkAgentCreation" in result.stdout
    loaded = load_results(out)  # a valid agnobench/2 file
    assert len(loaded.scenarios) == 8
    assert json.loads(out.read_text())["schema"] == "agnobench/2"
    assert invoke("compare", str(out), str(out)).returncode == 0
