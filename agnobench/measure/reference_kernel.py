"""A fixed pure-Python workload timed beside every value: the machine's speed.

These 2-vCPU VMs change speed by 50-70 % for seconds at a time (neighbours on
the host: no steal time shows, CPU time slows as much as wall time). An op
measured in a slow phase looks slower, and two scenarios measured in
different phases cannot be compared. The kernel does what agent
construction does (objects with attributes, dicts, lists, f-strings,
isinstance) and is timed right before each value, so ``op / kernel`` stays
put when the whole machine slows down: ``time_per_op_rel``.
"""

from __future__ import annotations

import itertools
import time
from typing import Any


class _Node:
    __slots__ = ("key", "value", "meta")

    def __init__(self, key: int, value: str) -> None:
        self.key = key
        self.value = value
        self.meta = {"key": key, "tags": [value]}


def reference_kernel() -> dict[int, Any]:
    nodes = []
    for i in range(16):
        node = _Node(i, f"value-{i}")
        if isinstance(node.value, str):
            nodes.append(node)
    return {node.key: node for node in nodes}


def time_kernel(calls: int) -> float:
    """Seconds per kernel call over ``calls`` calls."""
    kernel = reference_kernel
    start = time.perf_counter()
    for _ in itertools.repeat(None, calls):
        kernel()
    return (time.perf_counter() - start) / calls


def calibrate_kernel_calls(target_s: float) -> int:
    """Calls that take about ``target_s`` now (at least 10)."""
    time_kernel(50)
    per_call = time_kernel(200)
    return max(10, int(target_s / per_call))
