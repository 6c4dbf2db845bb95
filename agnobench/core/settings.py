"""How much measuring a run does: the full default and ``--quick``."""

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MeasureSettings":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


DEFAULT = MeasureSettings()
QUICK = replace(DEFAULT, processes=3, child_s=0.03, warmup_s=0.005, hold=100, memory_rounds=2, alloc_ops=20,
                slow_wait_s=0.0, quick=True)
