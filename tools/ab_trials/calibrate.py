"""The injected slowdown measured in one process: ``Agent()`` with ``AGNOBENCH_PAD`` at 0 and at N, interleaved.

    python tools/ab_trials/calibrate.py DIR/agno-base 24 64

Imports agno from the copy given (any of make_copies.py's: they differ only in the constant), then for each
N alternates bursts of agnobench's ``create_simple`` with the pad at 0, at N and at 0 again (the fastest of
3 bursts of 60 calls each time), 600 rounds, and prints the median of N's time over the mean of its two
neighbours: the real cost of the pad, free of the machine's changes of speed and of layout differences.
"""

from __future__ import annotations

import statistics
import sys
import time

sys.path.insert(0, sys.argv[1])
import agno.agent.agent as agent_module  # noqa: E402

from agnobench.adapters.agno.creation import create_simple, shared_parts  # noqa: E402

PARTS = shared_parts()


def burst(calls: int = 60) -> int:
    start = time.perf_counter_ns()
    for _ in range(calls):
        create_simple(PARTS)
    return time.perf_counter_ns() - start


def fastest(pad: int) -> int:
    agent_module.AGNOBENCH_PAD = pad  # type: ignore[attr-defined]
    return min(burst() for _ in range(3))


def ratio(pad: int, rounds: int = 600) -> float:
    values = []
    for _ in range(rounds):
        before, padded, after = fastest(0), fastest(pad), fastest(0)
        values.append(padded / ((before + after) / 2))
    return statistics.median(values)


def main() -> None:
    if not agent_module.__file__ or not agent_module.__file__.startswith(sys.argv[1]):
        raise SystemExit(f"agno was imported from {agent_module.__file__}, not from {sys.argv[1]}")
    for pad in (int(arg) for arg in sys.argv[2:]):
        print(pad, round(ratio(pad), 4))


if __name__ == "__main__":
    main()
