"""CPU time and resident memory of a process and its descendants, read from ``/proc``.

The server may be one uvicorn process or a supervisor with worker processes,
so every figure is summed over the tree. Reading ``/proc`` directly keeps the
sampling cheap (one small file per process) and adds no dependency. RSS of
several processes double-counts pages they share (shared libraries); with
spawned uvicorn workers little else is shared, and docs/service.md says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class TreeSample:
    cpu_s: float  # user + system time of the tree so far
    rss_bytes: int
    processes: int


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            text = (task / "children").read_text()
            found.extend(int(p) for p in text.split())
    except OSError:
        pass
    return found


def descendants(pid: int) -> list[int]:
    """``pid`` and every process below it."""
    tree, queue = [], [pid]
    while queue:
        current = queue.pop()
        tree.append(current)
        queue.extend(children(current))
    return tree


def _cpu_s(pid: int) -> float:
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * _PAGE


def sample(pids: list[int]) -> TreeSample:
    """CPU and RSS summed over the given processes (those that have exited count as 0)."""
    cpu, rss, alive = 0.0, 0, 0
    for pid in pids:
        try:
            cpu += _cpu_s(pid)
            rss += _rss(pid)
            alive += 1
        except (OSError, IndexError, ValueError):
            continue
    return TreeSample(cpu_s=cpu, rss_bytes=rss, processes=alive)
