"""A fixed pure-Python workload timed beside every value: the machine's speed.

These 2-vCPU VMs change speed by 50-70 % for seconds at a time (neighbours on
the host: no steal time shows, CPU time slows as much as wall time). An op
measured in a slow phase looks slower, and two scenarios measured in
different phases cannot be compared. The kernel does what agent
construction does (objects with attributes, dicts, lists, f-strings,
isinstance) and is timed in short bursts alternating with the op's
(:mod:`agnobench.passes.timing.bursts`), so ``op / kernel`` stays put when the whole
machine slows down: ``time_per_op_rel``.
"""

from __future__ import annotations

from typing import Any


KERNEL_VERSION = 1  # bump when the kernel's work changes: per-machine records (measure/machine.py) restart

_FIELDS = tuple(f"field_{i}" for i in range(120))


class _WideRecord:
    """Like an agno Agent: a plain object whose __init__ sets ~120 attributes."""

    name: str  # set from the overrides (annotations only: no class attribute, the work is unchanged)
    tools: list[int]

    def __init__(self, **overrides: Any) -> None:
        for name in _FIELDS:
            setattr(self, name, None)
        self.__dict__.update(overrides)


def reference_kernel() -> list[Any]:
    record = _WideRecord(name="agent", tools=[1, 2, 3], config={"retries": 1, "tags": ["a", "b"]})
    index = {name: getattr(record, name) for name in _FIELDS[:40]}
    labels = [f"{record.name}-{i}" for i in range(8)]
    return [record, index, labels, isinstance(record.tools, list)]
