"""What every case of the reliability battery checks, written once.

Each case runs the real command line in a subprocess carrying a unique marker
in its environment (workers and their children inherit it), then asserts the
exit code, that no traceback reached the user, that no process carrying the
marker is left, and that no stray temporary or probe file remains.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from conftest import CliResult, run_cli, run_cli_in_process

MARKER = "AGNOBENCH_RELIABILITY_CASE"
STRAY_PATTERNS = (".*.tmp", ".agnobench-probe.*")


@dataclass
class MarkedResult(CliResult):
    marker: str = ""

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def run_marked(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300,
               in_process: bool = False) -> MarkedResult:
    """``in_process``: the CLI in this process (bad input refused before any worker starts), the same checks."""
    marker = uuid.uuid4().hex
    marked = {**(env or {}), MARKER: marker}
    result = (run_cli_in_process(*args, cwd=cwd, env=marked) if in_process
              else run_cli(*args, cwd=cwd, env=marked, timeout=timeout))
    return MarkedResult(result.returncode, result.stdout, result.stderr, marker)


def processes_with(marker: str) -> list[int]:
    """Live processes whose environment carries the marker (zombies have none left to read)."""
    found = []
    needle = f"{MARKER}={marker}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def stray_files(directory: Path) -> list[Path]:
    return sorted(p for pattern in STRAY_PATTERNS for p in directory.rglob(pattern))


def assert_clean(result: MarkedResult, exit_code: int, directory: Path, *, one_line: bool = False) -> None:
    """The exit code, no traceback, nothing left running, no stray file under ``directory``."""
    assert result.returncode == exit_code, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.output, result.output[-2000:]
    deadline = time.monotonic() + 5  # a process killed a moment ago may take a little while to go
    while processes_with(result.marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert processes_with(result.marker) == [], "processes left behind"
    assert stray_files(directory) == [], "stray files left behind"
    if one_line:
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def error_line(result: MarkedResult) -> str:
    """The last line on stderr: where the one-line error of bad input stands."""
    lines = result.stderr.strip().splitlines()
    return lines[-1] if lines else ""


def alive(pid: int) -> bool:
    """A process that exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def wait_dead(pids: list[int], seconds: float = 15.0) -> list[int]:
    """The pids still alive after up to ``seconds`` (the kernel needs a moment to deliver death signals)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        left = [pid for pid in pids if alive(pid)]
        if not left:
            return []
        time.sleep(0.1)
    return [pid for pid in pids if alive(pid)]
