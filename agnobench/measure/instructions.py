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

Valgrind runs code ~50× slower and the child pays agno's import under it
(~25 s), so this is a pass of its own, in its own process, and the loop
counts are sized by an instruction budget rather than by time.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from agnobench.errors import InputError
from agnobench.results import STATUS_FAILED, Metric, ScenarioResult
from agnobench.scenario import Scenario
from agnobench.targets import evaluate_targets, references

METRIC = "instructions_per_op"
BOUNDARY = "ffi_call"  # libffi's entry point: what ctypes calls, and nothing else in the process
INSTALL_HINT = "install valgrind (Debian/Ubuntu: `sudo apt-get install -y valgrind`)"
# Variables passed to the child besides PYTHONHASHSEED and agnobench's own; everything
# else is dropped so that the environment's size, which moves addresses, is the same in CI and here.
KEPT_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "PYTHONPATH", "VIRTUAL_ENV")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class InstructionSettings:
    """How much counting: sample pairs, and instructions per sample (the loop counts follow)."""

    repeats: int = 24  # samples, each in its own method-cache layout: their median averages layouts out
    budget: float = 1e7
    warmup_ops: int = 20

    @classmethod
    def for_run(cls, quick: bool) -> "InstructionSettings":
        return cls(repeats=12, budget=5e6, warmup_ops=10) if quick else cls()


class InstructionError(RuntimeError):
    """Counting failed; the message says why (and the scenario is marked failed).

    ``bad_input`` when the fault is in the scenario file (a reference that does not import).
    """

    def __init__(self, message: str, bad_input: bool = False) -> None:
        super().__init__(message)
        self.bad_input = bad_input


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


def callgrind_command(valgrind: str, dump_base: Path) -> list[str]:
    return [valgrind, "--tool=callgrind", "--collect-atstart=no", f"--toggle-collect={BOUNDARY}",
            f"--dump-after={BOUNDARY}", "--dump-instr=no", "--dump-line=no", "--compress-strings=no",
            f"--callgrind-out-file={dump_base}", sys.executable, "-m", "agnobench.measure.instructions_child"]


def read_totals(path: Path) -> int:
    """The instruction total of one callgrind profile (its ``totals:`` or ``summary:`` line)."""
    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
    raise InstructionError(f"{path.name}: callgrind profile without a totals line")


def samples_from_dumps(dump_base: Path, plan: list[list[Any]]) -> list[float]:
    """One sample per (n1, n2) pair after the warm-up pair: (I(n2) - I(n1)) / (n2 - n1)."""
    dumps = sorted(dump_base.parent.glob(dump_base.name + ".*"), key=lambda p: int(p.suffix[1:]))
    if len(dumps) != len(plan):
        raise InstructionError(
            f"callgrind wrote {len(dumps)} region profiles for {len(plan)} regions: the operation itself seems to "
            f"call C code through ctypes ({BOUNDARY}), which instruction mode uses to mark its regions")
    totals = [read_totals(path) for path in dumps]
    if not any(totals):
        raise InstructionError(f"callgrind counted nothing inside {BOUNDARY}: this Python's ctypes does not reach "
                               f"libffi's {BOUNDARY} by that name (static or stripped build?)")
    samples = []
    sample_regions = [index for index, (label, _ops) in enumerate(plan) if label == "sample"]
    for first, second in zip(sample_regions[0::2], sample_regions[1::2]):
        n1, n2 = plan[first][1], plan[second][1]
        samples.append((totals[second] - totals[first]) / (n2 - n1))
    return samples


def count_instructions(scenario: Scenario, settings: InstructionSettings, progress: Progress = lambda _: None,
                       valgrind: str | None = None) -> tuple[list[float], dict[str, Any]]:
    """Run the scenario's op under callgrind; instructions per op samples and details."""
    valgrind = valgrind or find_valgrind()
    prefix = no_aslr_prefix()
    with tempfile.TemporaryDirectory(prefix="agnobench-callgrind-") as tmp:
        dump_base = Path(tmp) / "callgrind.out"
        result_path = Path(tmp) / "result.json"
        spec = {"scenario_path": str(scenario.path), "import_paths": [os.getcwd(), str(Path(scenario.path).parent)],
                "warmup_ops": settings.warmup_ops, "repeats": settings.repeats, "budget": settings.budget,
                "dump_base": str(dump_base), "result_path": str(result_path)}
        progress("instructions: callgrind (valgrind runs ~50× slower)")
        started = time.monotonic()
        try:
            proc = subprocess.run([*prefix, *callgrind_command(valgrind, dump_base)], input=json.dumps(spec),
                                  capture_output=True, text=True, env=child_environment(),
                                  timeout=scenario.measure.timeout_s)
        except subprocess.TimeoutExpired:
            raise InstructionError(f"callgrind timed out after {scenario.measure.timeout_s:g} s "
                                   f"(measure.timeout_s)") from None
        outcome = json.loads(result_path.read_text()) if result_path.exists() else None
        if outcome is None or "error" in outcome:
            if outcome and outcome.get("bad_input"):
                raise InstructionError(outcome["error"], bad_input=True)
            tail = (proc.stderr or "").strip().splitlines()[-3:]
            reason = outcome["error"] if outcome else f"valgrind exited with {proc.returncode}: {' | '.join(tail)}"
            raise InstructionError(reason)
        samples = samples_from_dumps(dump_base, outcome["plan"])
    details = {"instruction_ops_per_region": [outcome["n1"], outcome["n2"]],
               "instruction_samples": len(samples), "instruction_boundary": BOUNDARY,
               "instruction_aslr": "off" if prefix else "on", "instruction_hashseed": 0,
               "instruction_tool": valgrind_version(valgrind), "instructions_pass_s": round(time.monotonic() - started, 3)}
    return samples, details


def add_instructions(result: ScenarioResult, scenario: Scenario, quick: bool,
                     progress: Progress = lambda _: None) -> ScenarioResult:
    """Count instructions for a measured scenario and add ``instructions_per_op`` to it."""
    if not result.ok:
        return result
    started = time.monotonic()
    try:
        samples, details = count_instructions(scenario, InstructionSettings.for_run(quick), progress)
    except InstructionError as exc:
        result.status = STATUS_FAILED
        result.error = str(exc) if exc.bad_input else f"instructions: {exc}"
        result.details["bad_input"] = exc.bad_input
        return result
    result.metrics[METRIC] = Metric.from_samples(samples, "count")
    result.details.update(details)
    result.targets = evaluate_targets(scenario, result.metrics)
    result.wall_s = round((result.wall_s or 0.0) + time.monotonic() - started, 3)
    return result


def count_instructions_only(scenario: Scenario, quick: bool, progress: Progress = lambda _: None) -> ScenarioResult:
    """A scenario measured by instruction count alone: no timing, no memory pass."""
    result = ScenarioResult(name=scenario.name, suite=scenario.suite, description=scenario.description,
                            references=references(scenario), wall_s=0.0)
    return add_instructions(result, scenario, quick, progress)
