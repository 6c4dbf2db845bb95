"""How much measuring a run does: the full default, ``--quick``, and ``--debug-single-value``.

``--debug-single-value`` (after pyperf's option of that name, which its own tests use) does the least
measuring that proves each pass's path: one timing process giving one value, one memory round on a few
held results, and each pass's params reduced by its ``quick`` rule and then its ``debug`` rule. It exists
for tests and for trying a scenario file; its figures are no measurement, so the results file says so
(``settings.debug_single_value``), every table warns, and ``compare`` refuses the file."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True)
class MeasureSettings:
    # Timing (docs/timing.md): children x pairs of (op burst, kernel burst), bursts of ~burst_s each.
    processes: int = 12  # timing children, after one that sizes the bursts; more, shorter children
    # average out what differs from one forked process to the next (~0.9 % here)
    child_s: float = 0.09  # seconds of timed pairs per child
    burst_s: float = 0.0005  # seconds per op burst and per kernel burst: shorter than the machine's phases
    warmup_s: float = 0.01  # seconds of pairs run and discarded at the start of each child
    # A timing slower than the machine's recent fast phase times children again, each after waiting for a
    # fast CPU: this long in all, at most (measure/headline.py). In the gate trials here a slow phase seldom
    # outlasted one run (~2.5 s) of a scenario. --quick neither waits nor times again.
    slow_wait_s: float = 2.5
    value_pairs: int = 10  # pairs pooled into one value of time_per_op_ns (~10 ms of op calls, as pyperf's)
    hold: int = 500  # results held alive at once for retained_bytes_per_op
    memory_rounds: int = 2  # retained/allocation samples: the same to the byte from round to round for
    # most ops, so a third round added ~0.5 s per scenario and no information (the gate compares ranges)
    alloc_ops: int = 100  # most ops per memray session
    quick: bool = False
    debug_single_value: bool = False  # the least measuring that proves each path: never a measurement

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MeasureSettings":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


DEFAULT = MeasureSettings()
QUICK = replace(DEFAULT, processes=3, child_s=0.03, warmup_s=0.005, hold=100, memory_rounds=2, alloc_ops=20,
                slow_wait_s=0.0, quick=True)
# One timing process of MIN_PAIRS pairs after one warm-up pair (child_s and warmup_s of 0 round up to those
# floors), pooled into a single value; one memory round holding 10 results; memray sessions of a few ops.
# quick stays on so every pass's --quick rule applies first, and nothing is timed again.
DEBUG_SINGLE_VALUE = replace(QUICK, processes=1, child_s=0.0, warmup_s=0.0, value_pairs=8, hold=10, memory_rounds=1,
                             alloc_ops=5, debug_single_value=True)
DEBUG_ENV = "AGNOBENCH_DEBUG_SINGLE_VALUE"  # =1: every `agnobench run` in this environment is a debug run (tests)


def for_run(quick: bool, debug_single_value: bool) -> MeasureSettings:
    """The settings of a run: debug-single-value wins over --quick, which wins over the default."""
    return DEBUG_SINGLE_VALUE if debug_single_value else QUICK if quick else DEFAULT


def mode_name(settings: MeasureSettings) -> str:
    """What the results file's ``settings.mode`` and the run's first line call these settings."""
    return "debug-single-value" if settings.debug_single_value else "quick" if settings.quick else "full"
