"""``agnobench report FILE...``: results files side by side, and Go against Python."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from agnobench.commands._common import OutputFormat, fail_on_bad_input, stdout_console
from agnobench.debug_run import NOTICE, is_debug_run
from agnobench.errors import InputError
from agnobench.inputfile import read_text
from agnobench.interop.gobench import read_go_bench
from agnobench.outputs import check_output_file
from agnobench.reporters.go_vs_python import GoPythonTable, build_go_vs_python
from agnobench.reporters.html.files import render_files_html
from agnobench.reporters.html.output import require_plotly, write_html
from agnobench.reporters.report_json import render_report_json
from agnobench.reporters.report_markdown import render_report_markdown
from agnobench.reporters.report_table import render_report_table
from agnobench.reporters.side_by_side import LabelledResults, build_side_by_side, labels_for
from agnobench.results import ResultsFile, load_results


def load_any(path: Path) -> ResultsFile:
    """A results file, or raw `go test -bench` output (anything that does not start like JSON)."""
    head = read_text(path, errors="replace").lstrip()[:1]
    return load_results(path) if head in ("{", "[", "") else read_go_bench(path)


def parse_pairs(values: List[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        scenario, sep, benchmark = value.partition("=")
        if not sep or not scenario or not benchmark.startswith("Benchmark"):
            raise InputError("--pair", value, "expected SCENARIO=BenchmarkName")
        pairs[scenario] = benchmark
    return pairs


@fail_on_bad_input
def report(
    files: List[Path] = typer.Argument(..., help="Results files (agnobench or imported Go), or raw "
                                                  "`go test -bench` output; the first is the reference column."),
    pair: List[str] = typer.Option([], "--pair", help="SCENARIO=BenchmarkName: pair a Python scenario with a Go "
                                                       "benchmark in the Go vs Python table (repeatable)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="What to print on stdout."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write a self-contained HTML report with charts "
                                                              "(needs agnobench[html])."),
    wide: bool = typer.Option(False, "--wide", help="Every file's column, however wide (by default the table fits "
                              "the terminal and names the columns it left out)."),
) -> None:
    """Show results files side by side; with a Go and a Python file, the Go vs Python table too.

    Each row is a scenario's metric (median), each column a file; from the
    second file on, each cell carries its ratio to the first. The Go vs
    Python table pairs agnobench's creation scenarios with Agno-Go's
    benchmarks (instantiation time; memory per agent: Go B/op against
    Python's retained bytes) and computes the improvement factor.
    """
    extra_pairs = parse_pairs(pair)
    if html is not None:
        require_plotly(html)
        check_output_file(html, "HTML report (--html)")  # before loading anything
    labels = labels_for(files)
    loaded = [LabelledResults(label, str(path), load_any(path)) for label, path in zip(labels, files)]
    side = build_side_by_side(loaded)
    go_files = [f for f in loaded if f.is_go]
    go_python: list[GoPythonTable] = []
    if go_files:
        for python in (f for f in loaded if not f.is_go):
            block = build_go_vs_python(go_files[0], python, extra_pairs)
            if block is not None:
                go_python.append(block)
    if fmt is OutputFormat.json:
        sys.stdout.write(render_report_json(side, go_python))
    elif fmt is OutputFormat.md:
        sys.stdout.write(render_report_markdown(side, go_python))
    else:
        render_report_table(side, go_python, stdout_console(), wide=wide)
    for debug in (f for f in loaded if is_debug_run(f.results.settings)):
        print(f"{debug.path}: {NOTICE}", file=sys.stderr)
    if html is not None:
        write_html(html, render_files_html(loaded, side, go_python))
        print(f"HTML report written to {html}", file=sys.stderr)
