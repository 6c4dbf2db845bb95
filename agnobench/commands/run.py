"""``agnobench run``: measure scenarios, write a results file, print the table."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path
from typing import ContextManager, List, Optional

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from agnobench.catalog import left_out_on_request, select
from agnobench.commands._common import OutputFormat, fail_on_bad_input, stderr_console, stdout_console
from agnobench.commands._run_output import RunOutput
from agnobench.debug_run import NOTICE
from agnobench.environment import describe
from agnobench.errors import EXIT_BAD_INPUT, EXIT_FAILED, InputError
from agnobench.harness import layout
from agnobench.harness.signals import Interrupted, interruptible
from agnobench.core.settings import DEBUG_ENV, MeasureSettings, for_run, mode_name
from agnobench.measure.ablation import ablated
from agnobench.passes.instructions.contract import NAME as INSTRUCTIONS
from agnobench.passes.instructions.engine import find_valgrind
from agnobench.outputs import check_output_file
from agnobench.preflight import check_references
from agnobench.reporters.format import format_ns
from agnobench.reporters.html.output import require_plotly, write_html
from agnobench.reporters.html.report import render_run_html
from agnobench.reporters.json_ import render_json
from agnobench.reporters.markdown import render_markdown
from agnobench.packages import PACKAGES, union_packages
from agnobench.reporters.table import render_table
from agnobench.results import ResultsFile, ScenarioResult
from agnobench.runner import run_all
from agnobench.scenario import Scenario
from agnobench.passes.service.override import GENERATORS, choose, with_generator

def _generator_name(name: str) -> str:
    if name not in GENERATORS:
        raise InputError("--generator", None, f"must be one of {', '.join(GENERATORS)}, got {name!r}")
    return name


def _summary_line(result: ScenarioResult) -> Text:
    wall = (f"  ({result.wall_s:.1f} s)", "dim")
    if result.skipped:
        return Text.assemble((f"– {result.name}", "yellow"), f"  skipped: {result.skip_message}")
    if result.details.get("bad_input"):  # its one line comes at the end, once, where scripts look for it
        return Text.assemble((f"✗ {result.name}", "red"), "  bad input (the error follows at the end)")
    if not result.ok:
        return Text.assemble((f"✗ {result.name}", "red"), f"  failed: {result.error}", wall)
    time = result.metrics.get("time_per_op_ns")
    p50 = result.metrics.get("latency_p50_ns")  # latency-only scenarios (a simulated LLM wait) have no time/op
    figure = format_ns(time.median) if time else (f"p50 {format_ns(p50.median)}" if p50 else "")
    return Text.assemble(("✓", "green"), f" {result.name}  {figure}", wall)


def _measure(selected: list[Scenario], settings: MeasureSettings, quick: bool, instructions: bool,
             instructions_only_: bool, results_file: ResultsFile, out: RunOutput, progress: Progress,
             fresh_workers: bool = False) -> None:
    counting = instructions or instructions_only_
    task = progress.add_task("starting", total=len(selected) * (1 + (instructions and not instructions_only_)))
    index_of: dict[str, int] = {}

    def keep(scenario: Scenario, result: ScenarioResult) -> None:
        if scenario.thresholds:  # the scenario file's own compare thresholds travel with its results
            result.details["thresholds"] = dict(scenario.thresholds)
        if scenario.name in index_of:  # its instruction count came: the same scenario, completed
            results_file.scenarios[index_of[scenario.name]] = result
        else:
            index_of[scenario.name] = len(results_file.scenarios)
            results_file.scenarios.append(result)
        out.save(results_file)  # after every scenario: an interrupted run keeps what it measured
        progress.console.print(_summary_line(result))
        progress.advance(task)

    run_all(selected, settings, timing=not instructions_only_, once=(INSTRUCTIONS,) if counting else (),
            on_progress=lambda message: progress.update(task, description=message),
            on_result=keep, fresh_workers=fresh_workers)


def _postgres_for(selected: list[Scenario], url: str | None) -> ContextManager[object]:
    """With a PostgreSQL URL and a scenario that needs a server: checked now (bad input: exit 2), and reachable
    from the workers for the whole run (agnobench/adapters/storage/postgres_url.py)."""
    if not url or not any(s.requires and "postgresql" in s.requires.servers for s in selected):
        return nullcontext()
    from agnobench.adapters.storage.postgres_url import check_url, workers_reach

    check_url(url)  # before anything is measured or written
    return workers_reach(url, checked=True)


def _record_packages(results_file: ResultsFile) -> None:
    """environment.packages: every package the measured code imported, at its version (agnobench/packages.py)."""
    packages = union_packages(s.details for s in results_file.scenarios)
    if packages:
        results_file.environment[PACKAGES] = packages


@fail_on_bad_input
def run(
    scenarios: Optional[List[str]] = typer.Argument(
        None, help="Scenario names, globs ('agent-create-*'), suite names, or paths to .toml files. "
                   "None: the default suite (see `agnobench list`, marked '*')."),
    suite: List[str] = typer.Option([], "--suite", "-s", help="Run every scenario of this suite (repeatable)."),
    quick: bool = typer.Option(False, "--quick", "-q", help="Fewer processes and values: a smoke run, not a measurement."),
    debug_single_value: bool = typer.Option(False, "--debug-single-value", envvar=DEBUG_ENV, show_envvar=True,
                                            help="The least measuring that proves each pass's path (one process, "
                                                 "one value; as pyperf's option): for tests, never a measurement; "
                                                 "compare refuses its results file."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Results file (default: results/run-<time>.json)."),
    fmt: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="What to print on stdout."),
    fail_on_target: bool = typer.Option(False, "--fail-on-target", help="Exit 1 when a scenario misses a target."),
    instructions: bool = typer.Option(False, "--instructions", help="Also count instructions per op with valgrind's "
                                      "callgrind: deterministic, for a tight CI gate (needs valgrind)."),
    instructions_only: bool = typer.Option(False, "--instructions-only", help="Count instructions only: skip the "
                                           "timing and memory passes."),
    html: Optional[Path] = typer.Option(None, "--html", help="Also write a self-contained HTML report with charts "
                                                              "(needs agnobench[html])."),
    fresh_workers: bool = typer.Option(False, "--fresh-workers", help="Start every scenario's worker as a fresh "
                                       "interpreter instead of forking it from one process that imported agno once "
                                       "(slower by ~0.7 s a scenario)."),
    hash_seed: int = typer.Option(0, "--hash-seed", min=0, max=4294967295, help="PYTHONHASHSEED of the workers. "
                                  "Workers also run without address randomisation, so the same code gets the same "
                                  "process layout and figures in every run; another seed moves time/op by up to "
                                  "~5 %: pool runs over several seeds to average layouts (docs/timing.md)."),
    postgres_url: Optional[str] = typer.Option(None, "--postgres-url", envvar="AGNOBENCH_POSTGRES_URL",
                                               show_envvar=True, help="A PostgreSQL server for the storage suite's "
                                               "PostgreSQL scenarios (a database is created on it and dropped); "
                                               "without it agnobench starts a throw-away server when PostgreSQL is "
                                               "installed (docs/storage.md)."),
    random_layout: bool = typer.Option(False, "--random-layout", help="A random hash seed and address "
                                       "randomisation in every run, as plain Python has (overrides --hash-seed)."),
    wide: bool = typer.Option(False, "--wide", help="Every column of every table, however wide (by default a "
                              "table fits the terminal: one figure per op, the least important columns left out)."),
    generator: Optional[str] = typer.Option(None, "--generator", help="The service scenarios' load generator: "
                                            "auto, wrk, builtin or locust (fixed-rate windows from a Locust master "
                                            "and workers; needs agnobench\\[locust]). Default: each scenario's own."),
) -> None:
    """Measure scenarios against real agno, offline, and compare with the targets.

    Each scenario runs in its own worker process, forked from a worker server
    that imported agno once per run: timing in paired op/reference-kernel
    bursts over many short forked children, then the memory pass (tracemalloc
    and memray) and the scenario's other passes. Progress goes to stderr; the
    table (or markdown, or JSON) to stdout.
    Exit 0 when all scenarios ran, 1 when one failed (or missed a target with
    --fail-on-target), 2 on bad input.
    """
    selected = select(scenarios or [], suite)
    if generator is not None:
        choose(_generator_name(generator))
        selected = [with_generator(scenario, generator) for scenario in selected]
    for scenario in selected:
        check_references(scenario, Path.cwd())  # bad references fail fast, before any measuring
    if instructions or instructions_only:
        find_valgrind()  # missing valgrind is bad input: one line saying how to install it, exit 2
    if html is not None:
        require_plotly(html)  # before measuring: a missing extra must not cost a whole run
        check_output_file(html, "HTML report (--html)")
    postgres = _postgres_for(selected, postgres_url)
    settings = for_run(quick, debug_single_value)
    ablated()  # an unknown layer in AGNOBENCH_ABLATE is bad input, before anything is measured
    layout.choose(hash_seed, random_layout)  # before describe(): the results file records it
    err = stderr_console()
    results_file = ResultsFile(environment=describe(), scenarios=[],
                               settings={"mode": mode_name(settings), **settings.to_dict(),
                                         "argv": sys.argv[1:], "complete": False})
    out = RunOutput.prepare(output, results_file)  # a bad path is bad input before anything is measured
    path = out.path
    err.print(f"agnobench: {len(selected)} scenario(s), {mode_name(settings)} mode → {path}")
    for left in left_out_on_request(selected, scenarios or [], suite):
        err.print(f"agnobench: left out {left.name}: on request only (run it by name): {left.on_request}",
                  markup=False)
    try:
        with interruptible(), postgres, Progress(SpinnerColumn(), TextColumn("{task.description}", markup=False),
                                                 BarColumn(),
                                       TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=err,
                                       transient=True) as progress:
            _measure(selected, settings, settings.quick, instructions, instructions_only, results_file, out, progress,
                     fresh_workers)
    except Interrupted as stop:
        _record_packages(results_file)
        out.save(results_file)  # what was measured so far is kept (the file says complete: false)
        print(f"agnobench: {stop}; kept {len(results_file.scenarios)} of {len(selected)} scenario result(s) "
              f"in {out.rescued or path}", file=sys.stderr)
        raise typer.Exit(stop.exit_code) from None
    results_file.settings["complete"] = True
    _record_packages(results_file)
    path = out.finish(results_file)

    notice = NOTICE if settings.debug_single_value else ""  # JSON says it in settings.debug_single_value
    if fmt is OutputFormat.json:
        sys.stdout.write(render_json(results_file))
    elif fmt is OutputFormat.md:
        sys.stdout.write(render_markdown(results_file.scenarios) + (f"\n{notice}\n" if notice else ""))
    else:
        render_table(results_file.scenarios, stdout_console(), wide=wide)
        if notice:
            stdout_console().print(notice, style="bold yellow")
    err.print(f"Results written to {path}")
    if html is not None:
        write_html(html, render_run_html(results_file, str(path)))
        err.print(f"HTML report written to {html}")

    failed = [r.name for r in results_file.scenarios if r.failed]  # skipped: not a failure
    missed = [r.name for r in results_file.scenarios if any(not t.met for t in r.targets)]
    bad_input = [r for r in results_file.scenarios if r.details.get("bad_input")]
    if out.failure:
        raise typer.Exit(EXIT_BAD_INPUT)  # the results are in the rescue file named above
    if bad_input:
        for result in bad_input:
            print(result.error, file=sys.stderr)
        raise typer.Exit(EXIT_BAD_INPUT)
    if failed:
        err.print(f"{len(failed)} scenario(s) failed: {', '.join(failed)}", style="red")
        raise typer.Exit(EXIT_FAILED)
    if fail_on_target and missed:
        err.print(f"targets missed (--fail-on-target): {', '.join(missed)}", style="red")
        raise typer.Exit(EXIT_FAILED)
