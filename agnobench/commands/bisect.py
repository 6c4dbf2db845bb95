"""``agnobench bisect --good SIDE --bad SIDE SCENARIO``: the first release or commit that made it slower."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from agnobench.ab.bisect import BisectResult, bisect as run_bisect, commit_candidates, index_versions, \
    release_candidates
from agnobench.ab.envs import SideInstallError
from agnobench.ab.measure import MEMORY_METRICS
from agnobench.ab.session import ABResult, compare_sides
from agnobench.ab.sides import SideKind, parse_side
from agnobench.catalog import select
from agnobench.commands._common import fail_on_bad_input, stderr_console
from agnobench.commands.ab import default_output, install_failure, progress_printer, settings_from
from agnobench.errors import EXIT_OK, InputError
from agnobench.harness.signals import Interrupted, interruptible
from agnobench.core.metrics import TIME_THRESHOLD_PCT
from agnobench.outputs import check_output_file, write_output


def _line(result: BisectResult) -> str:
    if result.first_bad is None or result.gradual:
        return result.message
    confirm = result.confirm
    figure = (f": B ÷ A {confirm.ratio:.3f} [{confirm.low:.3f}–{confirm.high:.3f}] against {result.last_good}"
              if confirm is not None and confirm.low is not None and confirm.high is not None else "")
    skipped = f"; skipped (did not install or build): {', '.join(result.skipped)}" if result.skipped else ""
    return (f"first bad: {result.first_bad}{figure} · {len(result.steps)} step(s) over "
            f"{len(result.candidates)} candidate(s){skipped}")


@fail_on_bad_input
def bisect(
    good: str = typer.Option(..., "--good", help="A side where the scenario is fast: agno==X.Y.Z or git:REF."),
    bad: str = typer.Option(..., "--bad", help="A later side where it is slow, in the same form."),
    selectors: List[str] = typer.Argument(..., metavar="SCENARIO|PATH.toml...", help="What must not regress."),
    quick: bool = typer.Option(False, "--quick", help="Smaller comparisons at each step (a smoke test)."),
    threshold: float = typer.Option(TIME_THRESHOLD_PCT, "--threshold", "-t", min=0,
                                    help="Change in % of time/op that counts as bad."),
    pairs: Optional[int] = typer.Option(None, "--pairs", min=2, help="Process pairs per comparison (default 12)."),
    metric: str = typer.Option("time_per_op_ns", "--metric", help="What must not regress: time_per_op_ns "
                               "(interleaved bursts), or allocs_per_op / allocated_bytes_per_op / "
                               "retained_bytes_per_op (each side's memory pass, exact)."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Where to write the search as JSON."),
) -> None:
    """Find the first agno release (or commit) between GOOD and BAD that made the scenario slower.

    Over releases, the candidates are the versions the package index lists
    between the two; over commits, `git rev-list --ancestry-path GOOD..BAD` of
    the repository you run in. Each step is an `agnobench ab` of the candidate
    halfway between the known good and the known bad against the known good.
    A candidate that does not install or build is skipped and named.
    Exit 0 when it found the first bad one (or there was no regression), 2 on bad input.
    """
    err = stderr_console()
    cwd = Path.cwd()
    if metric not in ("time_per_op_ns", *MEMORY_METRICS):
        raise InputError("--metric", metric, f"one of time_per_op_ns, {', '.join(MEMORY_METRICS)}")
    good_side, bad_side = parse_side(good, cwd), parse_side(bad, cwd)
    scenarios = select(selectors)
    out_path = check_output_file(output or default_output("bisect"), "output file (-o)")
    if good_side.kind is SideKind.git or bad_side.kind is SideKind.git:
        candidates = commit_candidates(good_side, bad_side, cwd)
    else:
        candidates = release_candidates(good_side, bad_side, index_versions())
    err.print(f"bisect: {len(candidates)} candidate(s) from {candidates[0]} to {candidates[-1]}")
    settings = settings_from(quick, threshold, pairs)
    progress = progress_printer(err)

    def compare(a: str, b: str) -> ABResult:
        outcome = compare_sides((a, b), scenarios, settings, quick, (), cwd, lambda _: None)
        failed = [s for s in outcome.scenarios if s.status != "ok"]
        if failed:
            raise InputError(b, failed[0].name, f"{failed[0].status}: {failed[0].reason}")
        return outcome

    try:
        with interruptible():
            result = run_bisect(candidates, compare, progress, metric)
    except SideInstallError as exc:  # an end of the range did not install: nothing can be searched
        raise install_failure(exc) from None
    except Interrupted as stop:
        print(f"agnobench: interrupted by {stop.name}; every worker stopped", file=sys.stderr)
        raise typer.Exit(stop.exit_code) from None
    for step in result.steps:
        figure = f"B ÷ A {step.ratio:.3f}" if step.ratio is not None else step.reason or ""
        err.print(f"  {step.candidate} against {step.good}: {step.verdict} {figure}")
    write_output(out_path, json.dumps(result.to_dict(), indent=1))
    typer.echo(_line(result))
    err.print(f"Search written to {out_path}")
    raise typer.Exit(EXIT_OK)  # the search ended: its answer is the line above, found or "nothing to bisect"
