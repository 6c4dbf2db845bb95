"""Range checks on scenario fields whose type alone says too little.

TOML has ``nan`` and ``inf``, and both pass a ``<= 0`` test: ``timeout_s =
nan`` reached the parent's deadline arithmetic and crashed the run with a
traceback. A memory limit of a few megabytes passes as "positive", then the
worker cannot even import Python's standard library and the failure was blamed
on ``operation``; one of 10**15 MB overflows ``setrlimit``. An empty or
repeated ``passes`` list measures nothing (a scenario "ok" with no metrics,
which a gate cannot judge) or the same thing twice. Each is bad input here,
at load, with the file and the field named. And a scenario file must be a
regular file: reading a FIFO blocks until someone writes to it (for ever),
``/dev/zero`` never ends, and the worker reads the file a second time.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from agnobench.errors import InputError
from agnobench.inputfile import read_bytes

# The worker itself (Python, agno, pyperf, tracemalloc) needs ~130 MB of address space before the
# operation runs (measured: agent-create-simple fails at 96, passes at 128); below this floor a
# scenario would fail for the worker's sake, not the operation's.
MIN_MEMORY_LIMIT_MB = 256
MAX_MEMORY_LIMIT_MB = 1 << 24  # 16 TiB: RLIMIT_AS in bytes must fit in 64 bits, and no machine has more
MAX_TIMEOUT_S = 7 * 24 * 3600.0  # a week: beyond it a "timeout" is no bound at all
MAX_HOLD = 10_000_000


def finite_number(path: Path, key: str, value: Any) -> float:
    """A real, finite number (TOML's nan and inf are numbers too)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InputError(path, key, f"must be a number, got {type(value).__name__} {value!r}")
    if not math.isfinite(value):
        raise InputError(path, key, f"must be a finite number, got {value!r}")
    return float(value)


def _show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e18 else f"{value:g}"


def _in_range(path: Path, key: str, value: float, low: float, high: float, unit: str, why_low: str = "") -> None:
    if value <= 0:
        raise InputError(path, key, "must be positive")
    if value < low:
        raise InputError(path, key, f"{_show(value)} is below the minimum of {_show(low)} {unit}{why_low}")
    if value > high:
        raise InputError(path, key, f"{_show(value)} is above the maximum of {_show(high)} {unit}")


def check_limits(path: Path, table: Mapping[str, Any]) -> None:
    """``[measure]`` hold, timeout_s and memory_limit_mb (types already checked)."""
    if "hold" in table:
        _in_range(path, "measure.hold", table["hold"], 1, MAX_HOLD, "results")
    if "timeout_s" in table:
        value = finite_number(path, "measure.timeout_s", table["timeout_s"])
        _in_range(path, "measure.timeout_s", value, 0, MAX_TIMEOUT_S, "s")
    if "memory_limit_mb" in table:
        _in_range(path, "measure.memory_limit_mb", table["memory_limit_mb"], MIN_MEMORY_LIMIT_MB,
                  MAX_MEMORY_LIMIT_MB, "MB", why_low=": the worker itself (Python, agno, the measuring code) "
                                                  "needs about that much before the operation runs")


def check_passes(path: Path, passes: Sequence[Any]) -> None:
    """A non-empty list of pass names, each once (the names themselves are checked against the registry)."""
    if not passes:
        raise InputError(path, "measure.passes", "must name at least one pass (an empty list measures nothing)")
    seen = set()
    for name in passes:
        if not isinstance(name, str):
            raise InputError(path, "measure.passes", f"must be a list of pass names, got {name!r}")
        if name in seen:
            raise InputError(path, "measure.passes", f"{name!r} is listed twice")
        seen.add(name)


def check_bounds(path: Path, key: str, low: float | None, high: float | None) -> None:
    if low is not None and high is not None and low > high:
        raise InputError(path, key, f"min ({low:g}) is above max ({high:g}): no value can meet it")


def check_threshold(path: Path, key: str, value: float) -> float:
    if value < 0:
        raise InputError(path, key, f"must be a change in % of 0 or more, got {value:g}")
    return value


MAX_SCENARIO_BYTES = 1 << 20  # a hand-written scenario file is a few hundred bytes


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file of at most ``MAX_SCENARIO_BYTES``; a FIFO, device or directory is
    refused without blocking on it (:func:`agnobench.inputfile.read_bytes`)."""
    return read_bytes(path, MAX_SCENARIO_BYTES, wanted="a regular .toml file")
