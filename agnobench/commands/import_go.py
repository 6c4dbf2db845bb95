"""``agnobench import-go FILE``: ``go test -bench -benchmem`` output as an agnobench results file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from agnobench.commands._common import OutputFormat, fail_on_bad_input, stdout_console
from agnobench.interop.gobench import read_go_bench
from agnobench.reporters.json_ import render_json
from agnobench.reporters.markdown import render_markdown
from agnobench.reporters.table import render_table
from agnobench.outputs import check_output_file, save_output


@fail_on_bad_input
def import_go(
    go_output: Path = typer.Argument(..., help="Saved output of `go test -bench . -benchmem [-count N]`."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Results file to write (default: results/go-<name>.json)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="What to print on stdout."),
) -> None:
    """Import Go benchmark text: one scenario per benchmark, one sample per -count repeat.

    ns/op, B/op and allocs/op become time_per_op_ns, allocated_bytes_per_op
    and allocs_per_op; other units (MB/s, custom b.ReportMetric units) are
    kept under a sanitised name (mb_per_s). Log lines between a benchmark's
    name and its numbers, -N GOMAXPROCS suffixes and sub-benchmarks are
    handled. The result works with `compare`, `report` and `export`.
    """
    what = "results file (--output)" if output else "results file"
    path = check_output_file(output or Path("results") / f"go-{go_output.stem}.json", what)
    results = read_go_bench(go_output)
    save_output(results, path, what)
    if fmt is OutputFormat.json:
        sys.stdout.write(render_json(results))
    elif fmt is OutputFormat.md:
        sys.stdout.write(render_markdown(results.scenarios, title=f"Go benchmarks from {go_output.name}"))
    else:
        render_table(results.scenarios, stdout_console(), title=f"Go benchmarks from {go_output.name}")
    print(f"{len(results.scenarios)} benchmark(s) written to {path}", file=sys.stderr)
