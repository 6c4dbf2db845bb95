"""Temporary directories that name their owner, and the sweep that removes those whose owner is gone.

A process killed with SIGKILL runs no clean-up, and a worker killed by its
parent (Ctrl-C, a timeout) is killed that way: its ``TemporaryDirectory``
stayed behind (``agnobench-memray-*`` after Ctrl-C, ``agnobench-child-*``
after agnobench itself was SIGKILLed). So every such directory is named
``agnobench-KIND-PID-XXXXXXXX`` after the process that made it, and
:func:`sweep_stale` removes those of processes that no longer run. The
harness sweeps when a run starts a child and again once the child and its
tree are dead, so an interrupted scenario leaves nothing, and a SIGKILLed
agnobench's leftovers go at the next run.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path

from agnobench.atomicfile import pid_alive, sweep_dead_owners

# Only these kinds are ever removed: nothing else in the temporary directory is ours to judge.
KINDS = ("child", "memray", "profile", "callgrind", "sqlite", "knowledge", "netreport")
_OWNED = re.compile(rf"^agnobench-(?:{'|'.join(KINDS)})-(?P<pid>\d+)-")


def prefix(kind: str) -> str:
    """``agnobench-KIND-PID-``: what :func:`sweep_stale` recognises as this process's."""
    assert kind in KINDS, kind
    return f"agnobench-{kind}-{os.getpid()}-"


def owner_gone(pid: int) -> bool:
    """No such process, or only its zombie (killed a moment ago, its parent not yet told)."""
    if not pid_alive(pid):
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return False


def _remove(entry: os.DirEntry[str]) -> bool:
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path, ignore_errors=True)
        return True
    try:
        os.unlink(entry.path)  # a file (the service server's network report), or a symlink, not followed
    except OSError:
        return False
    return True


def sweep_stale(root: str | Path | None = None) -> list[Path]:
    """Remove the directories (and files) of processes that no longer run; what was removed."""
    return sweep_dead_owners(root or tempfile.gettempdir(), _OWNED, _remove, owner_gone)
