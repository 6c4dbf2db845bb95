"""``agnobench compare BASELINE CURRENT``: the CI gate. Exit 1 on a regression, 3 inconclusive, 0 otherwise, 2 on
bad input."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import List, Optional

import typer

from agnobench.commands._common import OutputFormat, fail_on_bad_input, stdout_console
from agnobench.compare import ThresholdPolicy, compare_results
from agnobench.compare.thresholds import DEFAULT_ALPHA, TimeMode
from agnobench.core.metrics import INSTRUCTIONS_THRESHOLD_PCT, MEMORY_THRESHOLD_PCT, TIME_THRESHOLD_PCT
from agnobench.debug_run import refuse_to_judge
from agnobench.errors import InputError
from agnobench.outputs import check_output_file
from agnobench.reporters.compare_json import render_compare_json
from agnobench.reporters.compare_markdown import render_compare_markdown
from agnobench.reporters.compare_table import render_compare_table
from agnobench.reporters.html.compare import render_compare_html
from agnobench.reporters.html.output import require_plotly, write_html
from agnobench.results import ResultsFile, load_results

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
_GO_BENCH_LINE = re.compile(rb"^Benchmark\S*\s+\d+\s+[\d.]+ ", re.MULTILINE)


def load_compared(path: Path) -> ResultsFile:
    """A results file; Go benchmark text gets a pointer to ``import-go`` rather than a JSON error."""
    head = b""
    if path.is_file():  # never open a FIFO here: a sniff must not block
        try:
            with open(path, "rb") as handle:
                head = handle.read(65536)
        except OSError:
            pass  # load_results words the error
    if head.lstrip()[:1] not in (b"{", b"[") and _GO_BENCH_LINE.search(head):
        raise InputError(path, None, "is Go benchmark text, not an agnobench results file: convert it first "
                                     f"with `agnobench import-go {path} -o {path.stem}.json`")
    results = load_results(path)
    refuse_to_judge(path, results.settings)  # one value per pass is no measurement to judge
    return results


def parse_metric_thresholds(values: List[str]) -> dict[str, float]:
    """``NAME=PCT`` pairs from the command line."""
    out: dict[str, float] = {}
    for value in values:
        name, sep, pct = value.partition("=")
        try:
            number = float(pct.rstrip("%"))
        except ValueError:
            number = -1.0
        if not sep or not name or number < 0:
            raise InputError("--metric-threshold", value, "expected METRIC=PCT with PCT >= 0, "
                                                          "e.g. instructions_per_op=0.2")
        out[name.strip()] = number
    return out


def append_step_summary(markdown: str) -> None:
    """On GitHub Actions, add the comparison to the job's summary page."""
    path = os.environ.get(STEP_SUMMARY)
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(markdown + "\n")
    except OSError as exc:
        print(f"warning: cannot append to {STEP_SUMMARY} ({path}): {exc.strerror or exc}", file=sys.stderr)


@fail_on_bad_input
def compare(
    baseline: Path = typer.Argument(..., help="Results file of the baseline (e.g. the base branch)."),
    current: Path = typer.Argument(..., help="Results file to judge (e.g. the pull request)."),
    threshold: Optional[float] = typer.Option(
        None, "--threshold", "-t", min=0,
        help="Change in % a metric must exceed to count, for every metric (default per metric: "
             f"time {TIME_THRESHOLD_PCT:g}, memory {MEMORY_THRESHOLD_PCT:g}, "
             f"instructions {INSTRUCTIONS_THRESHOLD_PCT:g})."),
    metric_threshold: List[str] = typer.Option(
        [], "--metric-threshold", "-m", help="METRIC=PCT for one metric (repeatable); also makes it gate."),
    metric: List[str] = typer.Option([], "--metric", help="Compare only this metric (repeatable)."),
    time_mode: TimeMode = typer.Option(
        TimeMode.rel, "--time", help="Which wall time gates: rel = time/op over the reference kernel "
                                     "(steady on noisy machines), raw = time/op, both."),
    alpha: float = typer.Option(DEFAULT_ALPHA, "--alpha", min=1e-9, max=0.5,
                                help="Significance level of the Mann-Whitney U test."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="What to print on stdout."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write the comparison as a self-contained HTML "
                                                              "page, e.g. for a CI artifact (needs agnobench[html])."),
    wide: bool = typer.Option(False, "--wide", help="Every column, however wide (by default the table fits the "
                              "terminal: the test and threshold columns go first, the verdict is never cut)."),
) -> None:
    """Compare two results files: baseline, current, change, significance, verdict per metric.

    A regression is a change beyond the threshold that the samples show is
    real (Mann-Whitney U). Exit 1 on any regression in a gated metric or a
    scenario that failed only in current (or a current run that was
    interrupted); 3 when nothing failed but a gated metric could not be judged
    (inconclusive: the machine too disturbed, a figure that is no
    measurement); 0 otherwise; 2 on an unreadable, truncated or foreign file.
    Scenarios on one side only are listed.
    When GITHUB_STEP_SUMMARY is set, the markdown is appended to it.
    """
    policy = ThresholdPolicy(default_pct=threshold, per_metric=parse_metric_thresholds(metric_threshold),
                             time_mode=time_mode, alpha=alpha)
    if html is not None:
        require_plotly(html)
        check_output_file(html, "HTML comparison (--html)")
    base_results = load_compared(baseline)
    cur_results = load_compared(current)
    comparison = compare_results(base_results, cur_results, policy, baseline_path=baseline, current_path=current,
                                 only_metrics=metric)
    markdown = render_compare_markdown(comparison)
    if fmt is OutputFormat.json:
        sys.stdout.write(render_compare_json(comparison))
    elif fmt is OutputFormat.md:
        sys.stdout.write(markdown)
    else:
        render_compare_table(comparison, stdout_console(), wide=wide)
    append_step_summary(markdown)
    if html is not None:
        write_html(html, render_compare_html(comparison))
        print(f"HTML comparison written to {html}", file=sys.stderr)
    raise typer.Exit(comparison.exit_code)
