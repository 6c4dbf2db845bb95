"""``agnobench profile --mem|--cpu NAME``: where an operation's memory and time go."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.text import Text

from agnobench.catalog import select
from agnobench.commands._common import fail_on_bad_input, stderr_console, stdout_console
from agnobench.errors import InputError
from agnobench.outputs import check_output_dir
from agnobench.preflight import check_references
from agnobench.scenario import Scenario

if TYPE_CHECKING:  # the profilers' modules load memray: imported where used, below
    from agnobench.profile.cpu import CpuProfile
    from agnobench.profile.memory import MemoryProfile

COMMAND = "agnobench profile"


def _one_scenario(selector: str) -> Scenario:
    selected = select([selector])
    if len(selected) != 1:
        names = ", ".join(s.name for s in selected[:5]) + (", ..." if len(selected) > 5 else "")
        raise InputError(selector, None, f"matches {len(selected)} scenarios ({names}); profile one at a time")
    return selected[0]


def _check_options(mem: bool, cpu: bool, ops: int | None, duration: float | None, rate: int | None) -> None:
    if mem == cpu:
        raise InputError(COMMAND, None, "give exactly one of --mem (memray) or --cpu (py-spy)")
    if mem and (duration is not None or rate is not None):
        raise InputError(COMMAND, "--duration/--rate", "apply to --cpu only (--mem runs --ops ops)")
    if cpu and ops is not None:
        raise InputError(COMMAND, "--ops", "applies to --mem only (--cpu samples for --duration seconds)")


@fail_on_bad_input
def profile(
    scenario: str = typer.Argument(..., metavar="NAME",
                                   help="A scenario name (see `agnobench list`) or a path to a .toml file."),
    mem: bool = typer.Option(False, "--mem", help="Memory: run N ops under memray's tracker."),
    cpu: bool = typer.Option(False, "--cpu", help="CPU: sample the op in a loop with py-spy."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Directory for the artifacts "
                                               "(default: results/profiles/<scenario>-<mem|cpu>-<time>/)."),
    native: bool = typer.Option(False, "--native", help="Add C/C++ frames (memray native traces, py-spy --native)."),
    ops: Optional[int] = typer.Option(None, "--ops", min=2,
                                      help="--mem: ops in the capture (default: sized to the op, at most 500; "
                                           "at most 50 with --quick)."),
    duration: Optional[float] = typer.Option(None, "--duration", min=0.1,
                                             help="--cpu: seconds of sampling, per recording "
                                                  "(default 5; 1 with --quick)."),
    rate: Optional[int] = typer.Option(None, "--rate", min=1, max=10000,
                                       help="--cpu: samples per second (default 200)."),
    top: int = typer.Option(10, "--top", min=1, help="Rows in each table."),
    quick: bool = typer.Option(False, "--quick", "-q", help="A short run: a smoke test, not a measurement."),
) -> None:
    """Profile one scenario's operation: where its memory (--mem) or its time (--cpu) goes.

    --mem writes memray's capture, offline flamegraphs (every allocation;
    what the results retain) and stats; --cpu writes py-spy's speedscope file
    and flamegraph SVG. Both print a summary naming the places in agno that
    cost the most. Setup, check, the mock model and telemetry off are as in
    `agnobench run`. Exit 0 when profiled, 1 when the scenario failed while
    profiled, 2 on bad input or when the profiler cannot run here.
    """
    _check_options(mem, cpu, ops, duration, rate)
    chosen = _one_scenario(scenario)
    check_references(chosen, Path.cwd())  # a reference that cannot import is bad input, before any work

    # Imported here: the profilers' modules load memray, which `agnobench list` should not pay for.
    from agnobench.profile import artifacts as files, summary
    from agnobench.profile.errors import ProfileError, ProfilerUnavailable

    kind = "mem" if mem else "cpu"
    wanted = check_output_dir(output or files.default_directory(chosen.name, kind),
                              "profile files (--output)" if output else "profile files")
    directory = files.prepare_directory(wanted)
    err = stderr_console()
    result: MemoryProfile | CpuProfile
    try:
        with err.status(Text(f"{chosen.name}: starting"), spinner="dots") as status:
            def progress(message: str) -> None:
                status.update(Text(f"{chosen.name}: {message}"))  # a Spinner reads markup in a plain str

            if mem:
                from agnobench.profile.memory import profile_memory

                memory = profile_memory(chosen, files.MemoryArtifacts(directory), ops=ops, quick=quick,
                                        native=native, top=top, progress=progress)
                result, paths = memory, summary.memory_paths(memory)
            else:
                from agnobench.profile.cpu import DEFAULT_DURATION_S, DEFAULT_RATE_HZ, QUICK_DURATION_S, profile_cpu

                seconds = duration if duration is not None else (QUICK_DURATION_S if quick else DEFAULT_DURATION_S)
                processor = profile_cpu(chosen, files.CpuArtifacts(directory), duration=seconds,
                                        rate=rate or DEFAULT_RATE_HZ, native=native, top=top, progress=progress)
                result, paths = processor, summary.cpu_paths(processor)
    except ProfileError as exc:
        message = str(exc)
        if not message.startswith("error:"):
            message = f"error: {message}" if isinstance(exc, ProfilerUnavailable) else f"error: {chosen.name}: {message}"
        print(message, file=sys.stderr)
        if output is None and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()  # nothing was written: leave no empty directory behind
        raise typer.Exit(exc.exit_code) from None

    summary.write_summary(result, Path(result.artifacts["summary"]))
    console = stdout_console()
    if mem:
        summary.render_memory(memory, console)
    else:
        summary.render_cpu(processor, console)
    summary.render_paths(paths, console)
