"""``agnobench ab A B [SCENARIO ...]``: two versions side by side, interleaved. Exit 1 on a regression."""

from __future__ import annotations

import dataclasses
import sys
from datetime import datetime
from pathlib import Path
from typing import Callable, List, Optional

import typer
from rich.console import Console

from agnobench.ab.envs import SideInstallError
from agnobench.ab.html import render_ab_html
from agnobench.ab.measure import ABSettings, ScenarioAB
from agnobench.ab.report import render_json, render_markdown, render_table, scenario_line
from agnobench.ab.session import ABResult, compare_sides
from agnobench.catalog import select
from agnobench.commands._common import OutputFormat, fail_on_bad_input, stderr_console, stdout_console
from agnobench.commands.compare import append_step_summary
from agnobench.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from agnobench.harness.signals import Interrupted, interruptible
from agnobench.core.metrics import TIME_THRESHOLD_PCT
from agnobench.outputs import check_output_file, write_output

SIDE_FORMS = "agno==VERSION (any pip requirement), a path to a Python project, git:REF, or current"


def default_output(kind: str = "ab") -> Path:
    return Path("results") / f"{kind}-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.json"


def settings_from(quick: bool, threshold: float, pairs: Optional[int]) -> ABSettings:
    settings = ABSettings.quick(threshold_pct=threshold) if quick else ABSettings(threshold_pct=threshold)
    return dataclasses.replace(settings, pairs=pairs) if pairs else settings


def progress_printer(err: Console) -> Callable[[str], None]:
    """Progress lines on stderr, dimmed (the table and the verdict go to stdout)."""
    return lambda message: err.print(message, style="dim")


def print_environments(result: ABResult, err: Console) -> None:
    """What differs between the two environments, before anything is measured: often the real cause."""
    err.print(f"A: {result.a.side.label} · agno {result.a.agno or '?'} · {result.a.python}")
    err.print(f"B: {result.b.side.label} · agno {result.b.agno or '?'} · {result.b.python}")
    differ = ", ".join(f"{n} {x or '—'} → {y or '—'}" for n, x, y in result.diff) or "none"
    err.print(f"packages that differ (A → B): {differ}")


def install_failure(exc: SideInstallError) -> typer.Exit:
    print(f"error: side {exc.side.label}: does not install; the installer's last lines:\n{exc.tail}", file=sys.stderr)
    return typer.Exit(EXIT_BAD_INPUT)


@fail_on_bad_input
def ab(
    side_a: str = typer.Argument(..., metavar="A", help=f"The baseline side: {SIDE_FORMS}."),
    side_b: str = typer.Argument(..., metavar="B", help="The side judged against A, in the same forms."),
    selectors: Optional[List[str]] = typer.Argument(None, metavar="[SCENARIO|SUITE|PATH.toml]...",
                                                    help="What to compare; none: the default suite."),
    suite: Optional[List[str]] = typer.Option(None, "--suite", "-s", help="Every scenario of this suite."),
    quick: bool = typer.Option(False, "--quick", help="4 process pairs of 10 bursts: a smoke test, not a verdict."),
    threshold: float = typer.Option(TIME_THRESHOLD_PCT, "--threshold", "-t", min=0,
                                    help="Change in % of time/op that counts (a regression also needs its 95 % "
                                         "interval clear of 1)."),
    pairs: Optional[int] = typer.Option(None, "--pairs", min=2, help="Process pairs per scenario (default 12)."),
    extra: Optional[List[str]] = typer.Option(None, "--extra", help="An agnobench extra to install on both sides "
                                              "(e.g. frameworks, knowledge); repeatable."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Results file (default results/ab-TIME.json)."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write a self-contained HTML page: the verdict, "
                                        "a plot of B ÷ A with its interval per scenario, the table."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, md (a PR comment) or json."),
) -> None:
    """Compare two versions of agno (or of your project) on the same scenarios, in one command.

    Each side gets its own virtual environment (cached; built with uv when it is
    there), with agnobench's own measuring code in it. Both sides' workers run
    at once and their bursts alternate on one CPU, so the machine's changes of
    speed hit both alike; the table gives B ÷ A with a 95 % interval and the
    gate's verdict. Exit codes: 0 no regression, 1 a regression or a failed
    scenario, 2 bad input or a side that does not install.

    Examples: agnobench ab agno==3.1.9 agno==3.1.10 agent-create-simple ·
    agnobench ab git:main git:HEAD my_agents.toml · agnobench ab current ../agno/libs/agno
    """
    err = stderr_console()
    scenarios = select(selectors or [], suite or [])
    out_path = check_output_file(output or default_output(), "results file (-o)")
    html_path = check_output_file(html, "HTML page (--html)") if html is not None else None
    settings = settings_from(quick, threshold, pairs)
    ready: list[ABResult] = []
    done: list[ScenarioAB] = []

    def keep(outcome: ScenarioAB) -> None:
        done.append(outcome)
        err.print(scenario_line(outcome))

    def on_ready(result: ABResult) -> None:
        ready.append(result)
        print_environments(result, err)

    try:
        with interruptible():
            result = compare_sides((side_a, side_b), scenarios, settings, quick, tuple(extra or ()), Path.cwd(),
                                   progress_printer(err), on_ready, keep)
    except SideInstallError as exc:
        raise install_failure(exc) from None
    except Interrupted as stop:
        kept = ""
        if ready:
            partial = ready[0]
            partial.scenarios, partial.complete = done, False
            write_output(out_path, render_json(partial))
            kept = f"; kept {len(done)} scenario(s) in {out_path}"
        print(f"agnobench: interrupted by {stop.name}; both sides' workers stopped{kept}", file=sys.stderr)
        raise typer.Exit(stop.exit_code) from None
    write_output(out_path, render_json(result))
    if html_path is not None:
        write_output(html_path, render_ab_html(result), "HTML page (--html)")
    if fmt is OutputFormat.json:
        sys.stdout.write(render_json(result) + "\n")
    elif fmt is OutputFormat.md:
        sys.stdout.write(render_markdown(result))
    else:
        render_table(result, stdout_console())
    append_step_summary(render_markdown(result))
    err.print(f"Results written to {out_path}")
    raise typer.Exit(EXIT_FAILED if result.regressions or result.failed else EXIT_OK)
