"""``agnobench profile --cpu``: py-spy samples a child that loops over the op.

py-spy launches the child itself, which needs no privilege (attaching to a
running process would need ptrace rights). It records twice, one output
format per recording: a speedscope file, which agnobench reads for the
summary, and py-spy's interactive flamegraph SVG. When py-spy cannot run or
cannot read the child, the user gets one line saying why and what to do.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from agnobench.profile.artifacts import CpuArtifacts
from agnobench.profile.errors import ProfileError, ProfilerUnavailable
from agnobench.harness.spawn import ChildOutcome as ChildRun
from agnobench.profile.launch import result_or_raise, run_child
from agnobench.profile.origins import HARNESS, Origins
from agnobench.profile.speedscope import CpuTables, load_samples, summarize_samples
from agnobench.scenario import Scenario

PY_SPY_ENV = "AGNOBENCH_PY_SPY"  # a py-spy binary to use instead of looking for one
DEFAULT_DURATION_S = 5.0
QUICK_DURATION_S = 1.0
DEFAULT_RATE_HZ = 200
INSTALL_HINT = "install it with `pip install py-spy`"
_DENIED = re.compile(r"permission denied|operation not permitted|ptrace|SYS_PTRACE", re.IGNORECASE)
_PTRACE_HINT = ("py-spy is not allowed to read the profiled process (ptrace permission denied): in a container "
                "add the SYS_PTRACE capability (docker run --cap-add SYS_PTRACE ...); on a host allow it with "
                "`sudo sysctl kernel.yama.ptrace_scope=0`, or run agnobench as root")


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def find_py_spy() -> str:
    """$AGNOBENCH_PY_SPY, else the py-spy installed beside this Python (a virtualenv's
    bin/, on PATH or not), else the one on PATH."""
    override = os.environ.get(PY_SPY_ENV)
    if override:
        if _executable(Path(override)):
            return override
        raise ProfilerUnavailable(f"py-spy not found at {override} (from {PY_SPY_ENV}): {INSTALL_HINT}, "
                                  f"or point {PY_SPY_ENV} at the binary")
    beside = Path(sys.executable).parent / "py-spy"
    if _executable(beside):
        return str(beside)
    found = shutil.which("py-spy")
    if found:
        return found
    raise ProfilerUnavailable(f"py-spy not found (looked next to {sys.executable} and on PATH): {INSTALL_HINT}, "
                              f"or set {PY_SPY_ENV} to its path")


@dataclass
class CpuProfile:
    scenario: str
    duration_s: float
    rate_hz: int
    native: bool
    ops: int
    s_per_op: float  # while sampled: py-spy pauses the child to read each sample
    tables: CpuTables
    py_spy: str
    artifacts: dict[str, str] = field(default_factory=dict)
    wall_s: dict[str, float] = field(default_factory=dict)

    @property
    def harness_share(self) -> float:
        return self.tables.share_of(HARNESS)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "cpu", **asdict(self), "harness_share": self.harness_share}


def _py_spy_error(run: ChildRun) -> str:
    """py-spy's own one-line reason (it prints 'Error: ...' and then a backtrace)."""
    for line in run.output.splitlines():
        if line.startswith("Error:"):
            return line[len("Error:"):].strip()
    return run.last_line()


def _record(py_spy: str, fmt: str, output: Path, spec: dict[str, Any], rate: int, native: bool,
            timeout: float) -> dict[str, Any]:
    wrapper = [py_spy, "record", "--rate", str(rate), "--format", fmt, "--output", str(output)]
    if fmt == "speedscope":
        wrapper.append("--full-filenames")  # whole paths, so frames can be sorted by origin
    if native:
        wrapper.append("--native")
    if output.exists():
        output.unlink()
    run = run_child(spec, timeout, [*wrapper, "--"])
    if run.failure is not None and run.failure.from_child:
        result_or_raise(run, timeout)  # the scenario failed: its own message, exit 1 (or 2 for bad input)
    if run.timed_out:
        raise ProfileError(f"profiling timed out after {timeout:g} s (measure.timeout_s plus --duration)")
    if _DENIED.search(run.output) and not output.exists():
        raise ProfilerUnavailable(_PTRACE_HINT)
    if run.result is None or not output.exists():
        reason = _py_spy_error(run) or f"exit status {run.returncode}"
        raise ProfileError(f"py-spy recorded nothing: {reason}")
    return run.result


def profile_cpu(scenario: Scenario, artifacts: CpuArtifacts, *, duration: float, rate: int, native: bool,
                top: int, progress: Callable[[str], None] = lambda _: None) -> CpuProfile:
    py_spy = find_py_spy()
    timeout = scenario.measure.timeout_s + duration
    spec = {"mode": "cpu", "scenario_path": str(Path(scenario.path).resolve()), "duration": duration}
    started = time.monotonic()
    progress(f"py-spy: sampling {duration:g} s at {rate} Hz (speedscope)")
    loop = _record(py_spy, "speedscope", artifacts.speedscope, spec, rate, native, timeout)
    speedscope_s = time.monotonic() - started
    progress(f"py-spy: sampling {duration:g} s at {rate} Hz (flamegraph)")
    _record(py_spy, "flamegraph", artifacts.flamegraph, spec, rate, native, timeout)

    origins = Origins.here((Path.cwd(), Path(scenario.path).parent))
    tables = summarize_samples(load_samples(artifacts.speedscope), origins, top)
    if tables.samples == 0:
        raise ProfileError(f"py-spy took no samples of the operation in {duration:g} s: try a longer --duration "
                           f"or a higher --rate")
    return CpuProfile(
        scenario=scenario.name, duration_s=duration, rate_hz=rate, native=native, ops=loop["ops"],
        s_per_op=loop["s_per_op"], tables=tables, py_spy=py_spy,
        artifacts={"speedscope": str(artifacts.speedscope), "flamegraph": str(artifacts.flamegraph),
                   "summary": str(artifacts.summary)},
        wall_s={"speedscope_recording": round(speedscope_s, 3), "total": round(time.monotonic() - started, 3)},
    )
