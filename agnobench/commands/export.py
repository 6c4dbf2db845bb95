"""``agnobench export FILE --to pyperf|go``: a results file in another tool's format."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Optional

import pyperf
import typer

from agnobench.commands._common import fail_on_bad_input
from agnobench.errors import InputError
from agnobench.interop.gobench import export_go_text
from agnobench.interop.pyperf_json import (EXPORT_VALUES, METRICS_ALL, METRICS_TIME, pyperf_json_text,
                                           to_pyperf_suite, write_pyperf_json)
from agnobench.outputs import check_output_file, write_error, write_output
from agnobench.results import load_results


class ExportFormat(str, enum.Enum):
    pyperf = "pyperf"
    go = "go"


class PyperfMetrics(str, enum.Enum):
    time = METRICS_TIME
    all = METRICS_ALL


WHAT = "exported file (--output)"


def _write_text(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        write_output(output, text, WHAT)


def _write_gzip(suite: pyperf.BenchmarkSuite, output: Path) -> None:
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_pyperf_json(suite, output)
    except OSError as exc:
        raise write_error(output, exc, WHAT) from None


@fail_on_bad_input
def export(
    results_file: Path = typer.Argument(..., help="An agnobench results file (or an imported Go one)."),
    to: ExportFormat = typer.Option(..., "--to", help="pyperf: JSON for `pyperf stats`/`compare_to`; "
                                                      "go: benchmark text for `benchstat`."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
    pyperf_metrics: PyperfMetrics = typer.Option(
        PyperfMetrics.time, "--pyperf-metrics", help="pyperf: time = one time benchmark per scenario, "
        f"{EXPORT_VALUES} values each (what `pyperf compare_to` can test); all = also memory and instruction "
        "figures (pyperf's t-test cannot compare figures that never vary: it prints ERROR for those)."),
) -> None:
    """Write a results file as pyperf JSON or as Go benchmark text.

    pyperf: one benchmark per scenario (time in seconds, 20 of its values at
    evenly spaced positions, one run per timing process), so that two exports
    have equal sizes for `pyperf compare_to`'s t-test; with --pyperf-metrics
    all also NAME:retained_bytes_per_op, :allocated_bytes_per_op,
    :allocs_per_op and :instructions_per_op where measured.
    go: one `BenchmarkAgnobench<Name>-<cpus>` line per sample with ns/op,
    B/op, allocs/op and agnobench's own units (retained-B/op, instructions/op,
    kernel-ratio/op).
    """
    if output is not None:
        check_output_file(output, WHAT)
    results = load_results(results_file)
    if to is ExportFormat.go:
        lines = list(export_go_text(results))
        if not any(line.startswith("Benchmark") for line in lines):
            raise InputError(results_file, "scenarios", "no successful scenario with per-op metrics to export")
        _write_text("\n".join(lines) + "\n", output)
    else:
        suite, skipped = to_pyperf_suite(results, pyperf_metrics.value)
        for item in skipped:
            print(f"note: {item}", file=sys.stderr)
        if suite is None:
            raise InputError(results_file, "scenarios", "no successful scenario with metrics pyperf can hold")
        if output is not None and output.name.endswith(".gz"):  # pyperf's own writer compresses
            _write_gzip(suite, output)
        else:
            _write_text(pyperf_json_text(suite), output)
    if output is not None:
        print(f"Written to {output}", file=sys.stderr)
