"""``agnobench merge FILE... -o OUT``: pool repeated runs of one side before comparing them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import typer

from agnobench.commands._common import fail_on_bad_input
from agnobench.results_merge import merge_results
from agnobench.outputs import check_output_file, save_output
from agnobench.results import load_results


@fail_on_bad_input
def merge(
    files: List[Path] = typer.Argument(..., help="Results files of repeated runs of the same code."),
    output: Path = typer.Option(..., "--output", "-o", help="The pooled results file to write."),
) -> None:
    """Pool repeated runs into one results file: every sample of every run, summaries recomputed.

    For the wall-time gate on noisy machines: run baseline and current
    alternately a few times, merge each side, then compare the two merged
    files (see docs/ci-gate.md).
    """
    check_output_file(output, "merged results file (--output)")
    merged = merge_results([load_results(path) for path in files], files)
    save_output(merged, output, "merged results file (--output)")
    print(f"{len(files)} run(s), {len(merged.scenarios)} scenario(s) merged into {output}", file=sys.stderr)
