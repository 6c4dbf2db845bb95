"""``agnobench ab A B [SCENARIO ...]``: two versions side by side, interleaved. Exit 1 on a regression."""

from __future__ import annotations

import sys
from contextlib import ExitStack
from datetime import datetime
from pathlib import Path
from typing import List, Optional

import typer
from rich.markup import escape

from agnobench.ab.envs import SideInstallError
from agnobench.ab.measure import ABSettings, ScenarioAB
from agnobench.ab.report import render_json, render_markdown, render_table, scenario_line
from agnobench.ab.session import ABResult, prepare_sides, run_ab
from agnobench.ab.sides import parse_side
from agnobench.catalog import select
from agnobench.commands._common import OutputFormat, fail_on_bad_input, stderr_console, stdout_console
from agnobench.commands.compare import append_step_summary
from agnobench.errors import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK
from agnobench.harness.signals import Interrupted, interruptible
from agnobench.metrics import TIME_THRESHOLD_PCT
from agnobench.outputs import check_output_file, write_output


def default_output() -> Path:
    return Path("results") / f"ab-{datetime.now().strftime('%Y%m%d-%H%M%S-%f')}.json"


@fail_on_bad_input
def ab(
    side_a: str = typer.Argument(..., metavar="A", help="The baseline side: agno==VERSION (any pip requirement), "
                                 "a path to a Python project, git:REF, or current."),
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
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table, md (a PR comment) or json."),
) -> None:
    """Compare two versions of agno (or of your project) on the same scenarios, in one command.

    Each side gets its own virtual environment (cached; built with uv when it is
    there), with agnobench's own measuring code in it. Both sides' workers run
    at once and their bursts alternate on one CPU, so the machine's changes of
    speed hit both alike; the table gives B ÷ A with a 95 % interval and the
    gate's verdict. Exit codes: 0 no regression, 1 a regression or a failed
    scenario, 2 bad input or a side that does not install.

    Examples: agnobench ab agno==3.1.9 agno==3.1.10 agent-create-simple;
    agnobench ab git:main git:HEAD my_agents.toml; agnobench ab current ../agno/libs/agno.
    """
    err = stderr_console()
    cwd = Path.cwd()
    sides = [parse_side(side_a, cwd), parse_side(side_b, cwd)]
    scenarios = select(selectors or [], suite or [])
    out_path = check_output_file(output or default_output(), "results file (-o)")
    settings = (ABSettings.quick if quick else ABSettings)(threshold_pct=threshold, **({"pairs": pairs} if pairs
                                                                                        else {}))
    result: ABResult | None = None
    progress = lambda message: err.print(f"[dim]{escape(message)}[/dim]")  # noqa: E731
    code = EXIT_OK
    done: list[ScenarioAB] = []
    with ExitStack() as stack:
        try:
            with interruptible():
                envs, repo = prepare_sides(sides, cwd, stack, tuple(extra or ()), progress)
                result = ABResult(envs[0], envs[1], settings)
                _print_environments(result, err)

                def keep(outcome: ScenarioAB) -> None:
                    done.append(outcome)
                    err.print(escape(scenario_line(outcome)))

                result = run_ab(envs[0], envs[1], repo, scenarios, settings, quick, progress, keep)
        except SideInstallError as exc:
            print(f"error: side {exc.side.label}: does not install:\n{exc.tail}", file=sys.stderr)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except Interrupted as stop:
            if result is not None:
                result.scenarios = done
                result.complete = False
                write_output(out_path, render_json(result))
            print(f"agnobench: interrupted by {stop.name}; both sides' workers stopped"
                  + (f"; kept {len(result.scenarios)} scenario(s) in {out_path}" if result is not None else ""),
                  file=sys.stderr)
            raise typer.Exit(stop.exit_code) from None
    assert result is not None
    write_output(out_path, render_json(result))
    if fmt is OutputFormat.json:
        sys.stdout.write(render_json(result) + "\n")
    elif fmt is OutputFormat.md:
        sys.stdout.write(render_markdown(result))
    else:
        render_table(result, stdout_console())
    append_step_summary(render_markdown(result))
    err.print(f"Results written to {escape(str(out_path))}")
    if result.regressions or result.failed:
        code = EXIT_FAILED
    raise typer.Exit(code)


def _print_environments(result: ABResult, err: object) -> None:
    """What differs between the two environments, before anything is measured: often the real cause."""
    console = err  # a rich Console
    lines = [f"A: {result.a.side.label} · agno {result.a.agno or '?'} · {result.a.python}",
             f"B: {result.b.side.label} · agno {result.b.agno or '?'} · {result.b.python}"]
    if result.diff:
        lines.append("packages that differ (A → B): " + ", ".join(f"{n} {x or '—'} → {y or '—'}"
                                                                  for n, x, y in result.diff))
    else:
        lines.append("packages that differ: none")
    for line in lines:
        console.print(escape(line))  # type: ignore[attr-defined]
