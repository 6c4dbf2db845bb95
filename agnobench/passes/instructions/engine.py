"""``instructions_per_op``: CPU instructions of one op, counted by valgrind's callgrind.

Wall time on these VMs moves by tens of percent; an instruction count does
not. Callgrind executes the program on a synthetic CPU and counts every
instruction, so the count depends on the code and its inputs alone, not on
neighbours, frequency or caches. That lets the gate use a threshold of a
fraction of a percent.

What it takes for repeated runs to agree, and for unrelated changes not to
move the count (measured; see docs/ci-gate.md):

- count only the op: the child (``instructions_child``) runs op loops inside
  regions bracketed by a C call (``ffi_call``), and callgrind collects only
  there (``--collect-atstart=no --toggle-collect``), one dump per region;
- difference of two loop counts per sample, so region entry cancels;
- ``PYTHONHASHSEED=0``: str hashes, hence dict and set layouts, fixed;
- no address randomisation (``setarch -R``) and a fixed, minimal
  environment: addresses decide which attribute lookups collide in
  CPython's method cache, so with ASLR on repeated runs differed by up to
  ~0.3 %; with it off they agree exactly;
- a different method-cache layout for every sample (the child's
  ``Layouts``): without it, any change that moves memory (here: the size of
  one environment variable) moved ``Agent()``'s count by up to 1.2 %; the
  median over samples in many layouts moves far less.

Callgrind runs code ~35× slower while it instruments (agno's import: 18.7 s
of CPU instead of 0.5 s), ~7× with instrumentation off (3.6 s). So callgrind
starts with ``--instr-atstart=no`` and the child switches instrumentation on
only around each scenario's regions (client requests,
:mod:`callgrind_requests`); where it cannot issue them (not x86-64), it
instruments from the start, slower, with the same counts. It is a pass of
its own, in one process for all selected scenarios (agno imported once; see
``instructions_child``), and the loop counts are sized by an instruction
budget rather than by time.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from agnobench import tempdirs
from agnobench.errors import InputError
from agnobench.passes.instructions.callgrind_requests import client_requests
from agnobench.harness.spawn import ChildFailure, ChildJob, run_child
from agnobench.scenario import Scenario

METRIC = "instructions_per_op"
BOUNDARY = "ffi_call"  # libffi's entry point: what ctypes calls, and nothing else in the process
INSTALL_HINT = "install valgrind (Debian/Ubuntu: `sudo apt-get install -y valgrind`)"
# Variables passed to the child besides PYTHONHASHSEED and agnobench's own; everything
# else is dropped so that the environment's size, which moves addresses, is the same in CI and here.
KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")

Progress = Callable[[str], None]
OnCount = Callable[[str, "InstructionCount | ChildFailure"], None]


@dataclass(frozen=True)
class InstructionSettings:
    """How much counting: sample pairs, and instructions per sample (the loop counts follow)."""

    # Samples, each in its own method-cache layout: their median averages layouts out, and the gate's
    # Mann-Whitney test needs them: on a +0.5 % change whose layouts spread 1.5 %, p was 0.06 with the first 12
    # samples of a run, 0.03 with 16, 0.006 with 20, 0.002 with 24 (docs/ci-gate.md). 20: 5 scenarios in ~70 s.
    repeats: int = 20
    # Instructions a sample aims at (n2 - n1 ops): halved from 1e7, which halves the time in the regions. Shorter
    # regions count more of the op's re-specialisation after each layout change (docs/ci-gate.md).
    budget: float = 5e6
    warmup_ops: int = 20

    @classmethod
    def for_run(cls, quick: bool) -> "InstructionSettings":
        return cls(repeats=12, budget=5e6, warmup_ops=10) if quick else cls()


@dataclass
class InstructionCount:
    """One scenario's counts: instructions-per-op samples and how they were taken."""

    samples: list[float]
    details: dict[str, Any] = field(default_factory=dict)
    wall_s: float = 0.0


Counted = dict[str, "InstructionCount | ChildFailure"]


class InstructionError(RuntimeError):
    """The dumps of a scenario cannot be read as counts; the message says why."""


def find_valgrind() -> str:
    """valgrind's path, or an InputError (exit 2) that says how to install it."""
    path = shutil.which("valgrind")
    if path is None:
        raise InputError("valgrind", None, f"not found on PATH; --instructions counts with callgrind: {INSTALL_HINT}")
    return path


def valgrind_version(valgrind: str) -> str:
    try:
        return subprocess.run([valgrind, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def no_aslr_prefix() -> list[str]:
    """``setarch <arch> -R``: run without address randomisation, if this system allows it."""
    setarch = shutil.which("setarch")
    if setarch is None:
        return []
    prefix = [setarch, platform.machine(), "-R"]
    try:
        ok = subprocess.run([*prefix, "true"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        ok = False
    return prefix if ok else []


def child_environment() -> dict[str, str]:
    env = {key: os.environ[key] for key in KEPT_VARIABLES if key in os.environ}
    env.update({key: value for key, value in os.environ.items() if key.startswith("AGNOBENCH_")})
    env.update(PYTHONHASHSEED="0", AGNO_TELEMETRY="false", PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1",
               LC_ALL=env.get("LC_ALL", "C.UTF-8"))
    return env


def callgrind_command(valgrind: str, dump_base: Path, instrument_at_start: bool = True) -> list[str]:
    """callgrind's command line; without ``instrument_at_start`` the child turns instrumentation on itself."""
    return [valgrind, "--tool=callgrind", f"--instr-atstart={'yes' if instrument_at_start else 'no'}",
            "--collect-atstart=no", f"--toggle-collect={BOUNDARY}",
            f"--dump-after={BOUNDARY}", "--dump-instr=no", "--dump-line=no", "--compress-strings=no",
            f"--callgrind-out-file={dump_base}"]


def read_totals(path: Path) -> int:
    """The instruction total of one callgrind profile (its ``totals:`` or ``summary:`` line)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    raise InstructionError(f"{path.name}: callgrind profile without a totals line")


def samples_from_dumps(dump_base: Path, plan: list[list[Any]]) -> list[float]:
    """One sample per (n1, n2) pair after the warm-up pairs: (I(n2) - I(n1)) / (n2 - n1).

    ``plan`` is ``[label, ops, dump number]`` per region (without the number:
    the regions are the process's dumps 1, 2, ... in order).
    """
    if any(len(entry) < 3 for entry in plan):
        dumps = sorted(dump_base.parent.glob(dump_base.name + ".*"), key=lambda p: int(p.suffix[1:]))
        if len(dumps) != len(plan):
            raise InstructionError(
                f"callgrind wrote {len(dumps)} region profiles for {len(plan)} regions: the operation itself seems "
                f"to call C code through ctypes ({BOUNDARY}), which instruction mode uses to mark its regions")
        plan = [[label, ops, index] for index, (label, ops, *_rest) in enumerate(plan, start=1)]
    totals = [read_totals(Path(f"{dump_base}.{number}")) for _label, _ops, number in plan]
    if not any(totals):
        raise InstructionError(f"callgrind counted nothing inside {BOUNDARY}: this Python's ctypes does not reach "
                               f"libffi's {BOUNDARY} by that name (static or stripped build?)")
    samples = []
    sample_regions = [index for index, (label, *_rest) in enumerate(plan) if label == "sample"]
    for first, second in zip(sample_regions[0::2], sample_regions[1::2]):
        n1, n2 = plan[first][1], plan[second][1]
        samples.append((totals[second] - totals[first]) / (n2 - n1))
    return samples


class _Batch:
    """Follows one callgrind process through its scenarios, turning each ``counted`` event into counts."""

    def __init__(self, dump_base: Path, base_details: dict[str, Any], progress: Progress, on_count: OnCount) -> None:
        self.dump_base = dump_base
        self.base_details = base_details
        self.progress = progress
        self.on_count = on_count
        self.counted: Counted = {}
        self.current: str | None = None
        self.started = time.monotonic()
        self.process_start_s: float | None = None

    def on_event(self, event: dict[str, Any]) -> None:
        kind = event.get("event")
        if kind == "progress":
            self.progress(str(event.get("message", "")))
        elif kind == "started":
            if self.process_start_s is None:  # interpreter, agno and agnobench under valgrind: paid once
                self.process_start_s = round(time.monotonic() - self.started, 3)
            self.current, self.started = str(event["scenario"]), time.monotonic()
        elif kind == "counted":
            name = str(event["scenario"])
            self.counted[name] = self._count(event)
            self.current = None
            self.on_count(name, self.counted[name])

    def _count(self, event: dict[str, Any]) -> "InstructionCount | ChildFailure":
        if "error" in event:
            return ChildFailure(str(event["error"]), bool(event.get("bad_input")),
                                {"network_events": list(event.get("network_events") or [])})
        try:
            samples = samples_from_dumps(self.dump_base, event["plan"])
        except (InstructionError, OSError, ValueError) as exc:
            return ChildFailure(str(exc))
        wall_s = round(time.monotonic() - self.started, 3)
        details = {**self.base_details, "instruction_ops_per_region": [event["n1"], event["n2"]],
                   "instruction_samples": len(samples), "instructions_pass_s": wall_s,
                   "instruction_process_start_s": self.process_start_s}
        return InstructionCount(samples, details, wall_s)


def _run_batch(scenarios: list[Scenario], settings: InstructionSettings, valgrind: str, prefix: list[str],
               base_details: dict[str, Any], progress: Progress, on_count: OnCount, regions_only: bool) -> Counted:
    """One callgrind process over ``scenarios``; what it counted, and the failure of the one it died in."""
    with tempfile.TemporaryDirectory(prefix=tempdirs.prefix("callgrind")) as tmp:
        dump_base = Path(tmp) / "callgrind.out"
        paths = [os.getcwd(), *dict.fromkeys(str(Path(s.path).parent) for s in scenarios)]
        spec = {"scenarios": [[s.name, str(s.path)] for s in scenarios], "import_paths": paths,
                "warmup_ops": settings.warmup_ops, "repeats": settings.repeats, "budget": settings.budget,
                "dump_base": str(dump_base), "instrumentation": "regions" if regions_only else "always"}
        batch = _Batch(dump_base, base_details, progress, on_count)
        job = ChildJob("agnobench.passes.instructions.child", spec, sum(s.measure.timeout_s for s in scenarios),
                       what="callgrind", timeout_hint="the scenarios' measure.timeout_s, summed",
                       wrapper=[*prefix, *callgrind_command(valgrind, dump_base, not regions_only)], env=child_environment(),
                       watchdog=False, python_flags=["-P"])  # the cwd is imported from by exact path
        outcome = run_child(job, batch.on_event)
    counted = batch.counted
    if outcome.failure is not None:  # the process died, timed out or failed outside any one scenario
        failure = outcome.failure
        victims = [batch.current] if batch.current else [s.name for s in scenarios if s.name not in counted]
        for name in victims:
            counted[name] = failure
            on_count(name, failure)
    return counted


def count_instructions(scenarios: list[Scenario], settings: InstructionSettings, progress: Progress = lambda _: None,
                       valgrind: str | None = None, on_count: OnCount = lambda _n, _c: None) -> Counted:
    """Count every scenario's op under callgrind, all in one process (agno imported once).

    ``on_count`` hears each scenario's count (or failure) as soon as it is
    known. A scenario that crashes or hangs that process fails alone: the
    ones after it are counted in a new process.
    """
    valgrind = valgrind or find_valgrind()
    prefix = no_aslr_prefix()
    regions_only = client_requests() is not None  # else instrumented from the start: slower, same counts
    base_details = {"instruction_boundary": BOUNDARY, "instruction_aslr": "off" if prefix else "on",
                    "instruction_instrumentation": "regions" if regions_only else "always",
                    "instruction_hashseed": 0, "instruction_tool": valgrind_version(valgrind),
                    "instruction_scenarios_per_process": len(scenarios)}
    counted: Counted = {}
    pending = list(scenarios)
    while pending:
        progress("instructions: starting callgrind")
        counted.update(_run_batch(pending, settings, valgrind, prefix, base_details, progress, on_count,
                                  regions_only))
        pending = [s for s in pending if s.name not in counted]
    return counted
