"""Run a load generator to completion in its own process, and learn the CPU it used.

The CPU comes from the kernel's accounting of reaped children
(``RUSAGE_CHILDREN`` before and after the wait): exact for the generator
because nothing else is reaped meanwhile (the server is reaped only when it
stops). The generator is killed on every way out (timeout, error, Ctrl-C),
and by the kernel if the worker itself is killed.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
from dataclasses import dataclass
from typing import Callable

from agnobench.passes.service.lifeline import die_with_parent_preexec


@dataclass(frozen=True)
class Finished:
    returncode: int
    stdout: str
    stderr: str
    cpu_s: float


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _kill(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


def run_child(argv: list[str], stdin: bytes, timeout_s: float, env: dict[str, str] | None = None,
              preexec: Callable[[], None] | None = None) -> Finished:
    before = _children_cpu()
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, preexec_fn=die_with_parent_preexec(preexec), start_new_session=True)
    try:
        out, err = proc.communicate(stdin, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise RuntimeError(f"{os.path.basename(argv[0])} did not finish within {timeout_s:g} s") from None
    finally:
        if proc.poll() is None:
            _kill(proc)
    return Finished(proc.returncode, out.decode(errors="replace"), err.decode(errors="replace"),
                    _children_cpu() - before)
