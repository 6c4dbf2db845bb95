"""Start the profiled child (directly, or under py-spy) and collect its outcome.

The parent never imports agno or the user's code: the child does the work
and writes its outcome to a JSON file, because its stdout and stderr belong
to the measured code (and, under py-spy, to py-spy too). The child runs in
its own session so a timeout can kill it together with py-spy.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agnobench.environment import worker_environment
from agnobench.errors import EXIT_BAD_INPUT
from agnobench.profile.errors import ProfileError

_OUTPUT_TAIL = 2000


@dataclass
class ChildRun:
    returncode: int
    output: str  # the tail of the child's (and py-spy's) stdout and stderr
    outcome: dict[str, Any] | None  # what the child wrote, None if it wrote nothing
    timed_out: bool = False

    def last_line(self) -> str:
        lines = [line for line in self.output.splitlines() if line.strip()]
        return lines[-1].strip() if lines else ""


def child_command(spec_path: Path) -> list[str]:
    return [sys.executable, "-m", "agnobench.profile._child", str(spec_path)]


def run_child(spec: dict[str, Any], timeout_s: float, wrapper: list[str] | None = None) -> ChildRun:
    """Run ``[*wrapper, python -m agnobench.profile._child SPEC]`` to completion or timeout."""
    with tempfile.TemporaryDirectory(prefix="agnobench-profile-") as scratch:
        spec_path = Path(scratch) / "spec.json"
        result_path = Path(scratch) / "outcome.json"
        spec_path.write_text(json.dumps({**spec, "result_path": str(result_path), "cwd": os.getcwd()}))
        with tempfile.TemporaryFile() as log:
            proc = subprocess.Popen([*(wrapper or []), *child_command(spec_path)], stdin=subprocess.DEVNULL,
                                    stdout=log, stderr=subprocess.STDOUT, env=worker_environment(),
                                    start_new_session=True)
            timed_out = False
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                timed_out = True
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
            except BaseException:  # Ctrl-C: take the child (and py-spy) down with us
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait()
                raise
            try:  # whatever the child left behind (py-spy's child, if py-spy gave up on it)
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            log.seek(0)
            output = log.read().decode("utf-8", errors="replace")[-_OUTPUT_TAIL:]
        outcome = json.loads(result_path.read_text()) if result_path.exists() else None
    return ChildRun(proc.returncode, output, outcome, timed_out)


def result_or_raise(run: ChildRun, timeout_s: float) -> dict[str, Any]:
    """The child's result, or a ProfileError saying in one line why there is none."""
    if run.timed_out:
        raise ProfileError(f"the profiled operation timed out after {timeout_s:g} s (measure.timeout_s)")
    if run.outcome is not None and not run.outcome.get("ok"):
        code = EXIT_BAD_INPUT if run.outcome.get("bad_input") else 1
        raise ProfileError(str(run.outcome.get("error")), code)
    if run.outcome is None:
        if run.returncode < 0:
            name = signal.Signals(-run.returncode).name
            message = f"the profiled process died with {name}" + (" (out of memory?)" if name == "SIGKILL" else "")
        else:
            message = f"the profiled process exited with status {run.returncode} without a result"
        last = run.last_line()
        raise ProfileError(message + (f"; last output: {last}" if last else ""))
    return run.outcome["result"]
