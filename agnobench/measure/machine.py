"""A small per-machine record of the fastest the reference kernel has run here.

It answers "how fast did the machine run this time?" (the kernel against the
fastest this machine has shown) and anchors the headline figure: time/kernel
in the fast phase × the machine's best kernel time = what one op takes on
this machine at its full speed, a figure that holds from run to run even
when the wall time does not.

The record is a JSON file, ``machine-speed.json`` in ``$AGNOBENCH_CACHE_DIR``
(else ``$XDG_CACHE_HOME/agnobench``, else ``~/.cache/agnobench``), one entry
per machine, Python and kernel version (a Python upgrade changes the
kernel's speed, so it starts a new entry). Delete it to start again. An
entry that is not one this module writes (wrong shape, a best that is not a
finite positive number) is ignored when read and rebuilt at the next write.
Nothing measured is ever taken from it as a result: it only holds the
machine's best kernel time, updated under a file lock when a scenario's
fast-phase kernel beats it. If it cannot be read or written, the anchor is
the scenario's own kernel and the details say so.
"""

from __future__ import annotations

import fcntl
import json
import math
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
RECENT_S = 600.0  # the window itself not varied (docs/timing.md, Constants)
RECENT_KEPT = 64  # not varied: binds only after 64 timed scenarios within RECENT_S (docs/timing.md, Constants)


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
    """The entry's [unix time, fast-phase kernel ns] of the last ``RECENT_S`` seconds (valid pairs only)."""
    pairs = (entry or {}).get("recent", [])
    if not isinstance(pairs, list):
        return []
    kept = []
    for pair in pairs:
        if not isinstance(pair, list) or len(pair) != 2:
            continue
        at, ns = _positive(pair[0]), _positive(pair[1])
        if at is not None and ns is not None and time.time() - at < RECENT_S:
            kept.append([at, ns])
    return kept


# The machine's recent fast level: this percentile of the recent list, not its minimum. Measured in a set of
# stability runs here: the list's minimum (one lucky scenario among 64) sat 16-19 % below the fast phase of
# the next five minutes, so every scenario waited and was timed again for nothing (~2.5 s each).
RECENT_PCT = 25.0


def _positive(value: Any) -> float | None:
    """A finite number above zero, else None: a kernel time of 0, -1 or NaN is no record."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return None
    return float(value)


def valid_entry(entry: Any) -> dict[str, Any] | None:
    """The entry if it is one this module could have written, else None (it is then rebuilt).

    The file lives in the user's cache and anyone may have edited it: a record of the wrong shape
    failed every timed scenario, a NaN best crashed every run, a negative best gave negative times.
    """
    if not isinstance(entry, dict) or _positive(entry.get("best_kernel_ns")) is None:
        return None
    if not isinstance(entry.get("recorded"), str):
        return None
    scenarios = entry.get("scenarios", 0)
    if isinstance(scenarios, bool) or not isinstance(scenarios, int) or scenarios < 0:
        return None
    return entry


def _read_record(text: str) -> dict[str, Any]:
    """The whole record; anything but a JSON object (empty, torn, ``[]``, NaN-laden) starts afresh."""
    try:
        data = json.loads(text or "{}", parse_constant=lambda _name: math.nan)
    except (ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def known() -> tuple[float | None, float | None]:
    """The record, and the machine's recent fast level (``RECENT_PCT`` of the fast-phase kernels of the last
    ``RECENT_S`` seconds), read without changing either (None where there is none or it is not valid)."""
    try:
        text = (cache_dir() / FILE_NAME).read_text()
    except (OSError, ValueError):
        return None, None
    entry = valid_entry(_read_record(text).get(machine_key()))
    if entry is None:
        return None, None
    recent = _recent(entry)
    return float(entry["best_kernel_ns"]), percentile([ns for _, ns in recent], RECENT_PCT) if recent else None


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
            # An entry that is not valid is rebuilt (this one from this scenario's kernel), not kept.
            data = {name: entry for name, entry in _read_record(handle.read()).items() if valid_entry(entry)}
            entry = data.get(key)
            before = float(entry["best_kernel_ns"]) if entry else None
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
