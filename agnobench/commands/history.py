"""``agnobench history DIR|FILE...``: every results file found, in commit order, each figure's trend."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from agnobench.commands._common import OutputFormat, fail_on_bad_input, stdout_console
from agnobench.compare.thresholds import TimeMode, ThresholdPolicy
from agnobench.errors import InputError
from agnobench.history.collect import collect
from agnobench.history.render import render_history_json, render_history_markdown, render_history_table
from agnobench.history.trends import build_history
from agnobench.reporters.html.output import require_plotly, write_html


@fail_on_bad_input
def history(
    paths: List[Path] = typer.Argument(..., help="Results files, or directories searched for them (recursively)."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write the trends as a self-contained HTML page "
                                                              "(needs agnobench[html])."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="What to print on stdout."),
    threshold: Optional[float] = typer.Option(None, "--threshold", "-t", min=0,
                                              help="Change in % a metric must exceed to count (as compare's)."),
    time_mode: TimeMode = typer.Option(TimeMode.rel, "--time", help="Which wall time gates (as compare's)."),
) -> None:
    """Follow every scenario's figures across results files, ordered by commit and time.

    Consecutive points are judged with the gate's rule (as `agnobench compare`
    judges two files); regressions and improvements are marked with the commit
    they arrived with. `agnobench run` records the commit, branch and dirty
    state of the directory it runs in. Exit 0, or 2 on bad input.
    """
    if html is not None:
        require_plotly(html)
    found = collect(paths)
    if not found.points:
        where = ", ".join(map(str, paths))
        raise InputError(where, None, "no agnobench results files found" +
                         (f" ({len(found.skipped)} JSON file(s) skipped)" if found.skipped else ""))
    result = build_history(found.points, ThresholdPolicy(default_pct=threshold, time_mode=time_mode), found.skipped)
    if fmt is OutputFormat.json:
        sys.stdout.write(render_history_json(result))
    elif fmt is OutputFormat.md:
        sys.stdout.write(render_history_markdown(result))
    else:
        render_history_table(result, stdout_console())
    if html is not None:
        from agnobench.reporters.html.history import render_history_html

        write_html(html, render_history_html(result))
        print(f"HTML history written to {html}", file=sys.stderr)
