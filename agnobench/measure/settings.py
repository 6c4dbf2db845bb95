"""How much measuring a run does: the full default and ``--quick``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any


@dataclass(frozen=True)
class MeasureSettings:
    processes: int = 4  # timing children, after one that calibrates the loop count
    values: int = 12  # timed values per child (median over processes x values)
    warmups: int = 1  # values discarded at the start of each child
    min_time: float = 0.01  # seconds per value: loops are calibrated to reach it
    hold: int = 500  # results held alive at once for retained_bytes_per_op
    memory_rounds: int = 3  # retained/allocation samples
    alloc_ops: int = 100  # most ops per memray session
    quick: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MeasureSettings":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


DEFAULT = MeasureSettings()
QUICK = replace(DEFAULT, processes=2, values=4, min_time=0.005, hold=100, memory_rounds=2, alloc_ops=20, quick=True)
