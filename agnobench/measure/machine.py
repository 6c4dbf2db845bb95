"""A small per-machine record of the fastest the reference kernel has run here.

It answers "how fast did the machine run this time?" (the kernel against the
fastest this machine has shown) and anchors the headline figure: time/kernel
in the fast phase × the machine's best kernel time = what one op takes on
this machine at its full speed, a figure that holds from run to run even
when the wall time does not.

The record is a JSON file, ``machine-speed.json`` in ``$AGNOBENCH_CACHE_DIR``
(else ``$XDG_CACHE_HOME/agnobench``, else ``~/.cache/agnobench``), one entry
per machine, Python and kernel version (a Python upgrade changes the
kernel's speed, so it starts a new entry). Delete it to start again.
Nothing measured is ever taken from it as a result: it only holds the
machine's best kernel time, updated under a file lock when a scenario's
fast-phase kernel beats it. If it cannot be read or written, the anchor is
the scenario's own kernel and the details say so.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from agnobench.measure.reference_kernel import KERNEL_VERSION
from agnobench.stats import percentile

FILE_NAME = "machine-speed.json"
# What the machine has shown lately: on a day its neighbours keep it ~15 % below its record, every
# scenario looks "slow" against the record, and timing more children to find a faster phase would be
# wasted there (measured: +4 children, ~0.4 s, for every scenario). Kept per entry, for RECENT_S seconds.
RECENT_S = 600.0
RECENT_KEPT = 64


@dataclass(frozen=True)
class MachineSpeed:
    key: str
    best_before_ns: float | None  # the record before this scenario (None: first on this machine)
    best_ns: float  # the record after it: the anchor
    path: str  # where the record lives ("" when it could not be kept)
    recorded: str  # when the record was set (ISO-8601)

    @property
    def improved(self) -> bool:
        return self.best_before_ns is None or self.best_ns < self.best_before_ns


def cache_dir() -> Path:
    explicit = os.environ.get("AGNOBENCH_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "agnobench"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_key() -> str:
    return " | ".join([platform.node(), _cpu_model(), f"{os.cpu_count()} cpus",
                       f"{platform.python_implementation()} {platform.python_version()}",
                       f"kernel v{KERNEL_VERSION}"])


def _recent(entry: dict[str, Any] | None) -> list[list[float]]:
    """The entry's [unix time, fast-phase kernel ns] of the last ``RECENT_S`` seconds."""
    try:
        return [[float(t), float(ns)] for t, ns in (entry or {}).get("recent", []) if time.time() - float(t) < RECENT_S]
    except (TypeError, ValueError):
        return []


# The machine's recent fast level: this percentile of the recent list, not its minimum. Measured in a set of
# stability runs here: the list's minimum (one lucky scenario among 64) sat 16-19 % below the fast phase of
# the next five minutes, so every scenario waited and was timed again for nothing (~2.5 s each).
RECENT_PCT = 25.0


def known() -> tuple[float | None, float | None]:
    """The record, and the machine's recent fast level (``RECENT_PCT`` of the fast-phase kernels of the last
    ``RECENT_S`` seconds), read without changing either (None where there is none)."""
    try:
        entry = json.loads((cache_dir() / FILE_NAME).read_text())[machine_key()]
        best = float(entry["best_kernel_ns"])
    except (OSError, ValueError, KeyError, TypeError):
        return None, None
    recent = _recent(entry)
    return best, percentile([ns for _, ns in recent], RECENT_PCT) if recent else None


def record_kernel(kernel_fast_ns: float) -> MachineSpeed:
    """Update the record with this scenario's fast-phase kernel time; the record as it now stands."""
    key = machine_key()
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    path = cache_dir() / FILE_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.seek(0)
            try:
                data = json.loads(handle.read() or "{}")
            except json.JSONDecodeError:
                data = {}
            entry = data.get(key) if isinstance(data.get(key), dict) else None
            before = float(entry["best_kernel_ns"]) if entry and "best_kernel_ns" in entry else None
            recent = _recent(entry) + [[time.time(), kernel_fast_ns]]
            if before is None or kernel_fast_ns < before:
                data[key] = {"best_kernel_ns": kernel_fast_ns, "recorded": now,
                             "scenarios": int(entry.get("scenarios", 0)) + 1 if entry else 1}
            else:
                data[key]["scenarios"] = int(entry.get("scenarios", 0)) + 1 if entry else 1
            data[key]["recent"] = recent[-RECENT_KEPT:]
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(data, indent=1, sort_keys=True))
            best = float(data[key]["best_kernel_ns"])
            return MachineSpeed(key, before, best, str(path), str(data[key]["recorded"]))
    except OSError:
        return MachineSpeed(key, None, kernel_fast_ns, "", now)
