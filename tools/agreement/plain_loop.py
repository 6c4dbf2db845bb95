"""A scenario's op timed by a plain ``perf_counter_ns`` loop in this fresh interpreter: no agnobench harness.

``python tools/agreement/plain_loop.py SCENARIO.toml [--seconds S]`` imports the
scenario's setup and operation itself (``tomllib`` + ``importlib``: nothing of
agnobench's harness, worker, network guard or timing code is imported), calls
setup once and the op once as a warm-up, then alternates bursts of op calls with
bursts of agnobench's reference kernel (the same fixed function agnobench pairs
every op burst with), and prints one JSON line:

- ``wall_ns``: the median ns per op call over all bursts (what a stopwatch says);
- ``rel``: the median op ÷ kernel over the pairs whose kernel burst was within 15 %
  of this process's fastest, and ``kernel_ns`` the median kernel of those pairs.

``rel`` × the machine's kernel record is comparable with agnobench's time/op
(docs/timing.md), whatever the machine's speed while each ran. Run it inside
``unshare -n`` so the op cannot reach the network (it carries no guard).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import importlib
import inspect
import json
import os
import statistics
import sys
import time
import tomllib
from pathlib import Path
from typing import Any, Callable

FAST = 1.15
KERNEL_CALLS = 32
BURST_S = 0.0005


def _resolve(reference: str) -> Callable[..., Any]:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


def load_op(path: Path) -> Callable[[], Any]:
    spec = tomllib.loads(path.read_text())
    sys.path[:0] = [str(path.parent), os.getcwd()]
    operation = _resolve(spec["operation"])
    op: Callable[..., Any] = operation
    if spec.get("setup"):
        state = _resolve(spec["setup"])()
        if inspect.isawaitable(state):
            state = asyncio.new_event_loop().run_until_complete(state)
        op = functools.partial(operation, state)
    return op


def burst_timer(op: Callable[[], Any], is_async: bool) -> Callable[[int], int]:
    """ns for ``calls`` calls; an async op is awaited in a loop inside one coroutine, clock read inside it."""
    if not is_async:
        def timed(calls: int) -> int:
            start = time.perf_counter_ns()
            for _ in range(calls):
                op()
            return time.perf_counter_ns() - start
        return timed
    loop = asyncio.new_event_loop()

    async def run(calls: int) -> int:
        start = time.perf_counter_ns()
        for _ in range(calls):
            await op()
        return time.perf_counter_ns() - start

    return lambda calls: loop.run_until_complete(run(calls))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenario", type=Path)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    os.environ.setdefault("AGNO_TELEMETRY", "false")
    op = load_op(args.scenario)
    is_async = inspect.iscoroutinefunction(getattr(op, "func", op))
    timer = burst_timer(op, is_async)
    from agnobench.measure.reference_kernel import reference_kernel  # a plain function, no harness

    def kernel_burst() -> float:
        start = time.perf_counter_ns()
        for _ in range(KERNEL_CALLS):
            reference_kernel()
        return (time.perf_counter_ns() - start) / KERNEL_CALLS

    single = timer(1)  # warm-up call, also sizes the bursts
    calls = max(1, int(BURST_S * 1e9 / max(single, 1)))
    calls = max(1, int(BURST_S * 1e9 / max(timer(calls) / calls, 1)))
    pairs: list[tuple[float, float]] = []
    deadline = time.perf_counter() + args.seconds
    while time.perf_counter() < deadline or len(pairs) < 20:
        pairs.append((timer(calls) / calls, kernel_burst()))
    fastest = min(k for _, k in pairs)
    fast = [(o, k) for o, k in pairs if k <= FAST * fastest]
    print(json.dumps({"wall_ns": statistics.median(o for o, _ in pairs),
                      "rel": statistics.median(o / k for o, k in fast),
                      "kernel_ns": statistics.median(k for _, k in fast),
                      "pairs": len(pairs), "fast_pairs": len(fast), "calls_per_burst": calls}))


if __name__ == "__main__":
    main()
