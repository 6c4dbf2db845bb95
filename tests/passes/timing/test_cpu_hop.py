"""A timing child moves to another CPU when its kernel says this one is slow, and runs a pair it discards.

The kernel times here are made up (a function of the CPU the process is pinned to), so what is
checked is the rule, not this machine's speed.
"""

from __future__ import annotations

import os
from typing import Iterator

import pytest

from agnobench.passes.timing.cpu_hop import FAST_LOOKS, MAX_HOPS, CpuHopper, wait_for_fast_cpu
from agnobench.passes.timing.bursts import BurstPlan, time_pairs

CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
needs_two = pytest.mark.skipif(len(CPUS) < 2, reason="needs two CPUs to move between")


@pytest.fixture(autouse=True)
def restore_affinity() -> Iterator[None]:
    yield
    if CPUS:
        os.sched_setaffinity(0, set(CPUS))


def _pinned() -> int:
    (cpu,) = os.sched_getaffinity(0)
    return cpu


@needs_two
def test_it_starts_on_the_cpu_whose_kernel_runs_fastest_and_moves_only_after_a_slow_burst() -> None:
    slow_cpu, fast_cpu = CPUS[0], CPUS[1]
    hopper = CpuHopper(fast_ns=None, tolerance=0.15, cpus=[slow_cpu, fast_cpu])
    hopper.start(lambda: 2000.0 if _pinned() == slow_cpu else 1000.0)
    assert _pinned() == fast_cpu and hopper.fast_ns == 1000.0
    assert hopper.after_pair(1149.0) is False and _pinned() == fast_cpu  # within 15 % of the fast level
    assert hopper.after_pair(1151.0) is True and _pinned() == slow_cpu
    assert hopper.after_pair(1200.0) is True and _pinned() == fast_cpu  # round the CPUs it may use
    assert hopper.hops == MAX_HOPS == 2
    assert hopper.after_pair(5000.0) is False and _pinned() == fast_cpu  # every CPU slow: it stays put


@needs_two
def test_the_machine_record_is_the_fast_level_until_a_burst_beats_it() -> None:
    hopper = CpuHopper(fast_ns=1000.0, tolerance=0.15, cpus=CPUS[:2])
    assert hopper.after_pair(1100.0) is False
    assert hopper.after_pair(800.0) is False and hopper.fast_ns == 800.0
    assert hopper.after_pair(1000.0) is True  # 25 % above the new fast level


def test_with_one_cpu_it_never_moves() -> None:
    hopper = CpuHopper(fast_ns=1000.0, tolerance=0.15, cpus=[0])
    hopper.start(lambda: 5000.0)
    assert not hopper.active and hopper.after_pair(5000.0) is False and hopper.hops == 0


@needs_two
def test_the_pair_after_a_move_is_run_and_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel_ns = iter([1000.0, 1000.0, 3000.0, 1100.0, 1000.0, 1000.0, 1000.0])  # per kernel burst, in order
    monkeypatch.setattr("agnobench.passes.timing.bursts._kernel_burst", lambda calls: next(kernel_ns) * calls)
    op_calls: list[int] = []

    def timer(calls: int) -> int:
        op_calls.append(calls)
        return 500 * calls

    monkeypatch.setattr(CpuHopper, "start", lambda self, burst: None)  # the made-up times are the pairs'
    hopper = CpuHopper(fast_ns=1000.0, tolerance=0.15, cpus=CPUS[:2])
    pairs = time_pairs(timer, BurstPlan(op_calls=4, kernel_calls=2, pairs=4, warmup_pairs=1), hopper)
    assert pairs.hops == 1
    assert pairs.kernel_ns == [1000.0, 3000.0, 1000.0, 1000.0]  # the burst after the move is not among them
    assert pairs.kernel_before_ns == [1000.0, 1000.0, 1100.0, 1000.0]  # but it is the one before the next op
    assert len(op_calls) == 1 + 4 + 1  # warm-up, timed pairs, the discarded pair after the move



@needs_two
def test_waiting_for_a_fast_cpu_ends_on_the_first_one_that_stays_fast() -> None:
    looks: list[int] = []

    def burst() -> float:  # the second CPU turns fast during its third look (four bursts per look) and stays fast
        looks.append(_pinned())
        return 1000.0 if looks.count(CPUS[1]) >= 11 else 2000.0

    found, waited = wait_for_fast_cpu(burst, fast_ns=1000.0, tolerance=0.15, budget_s=60.0, cpus=CPUS[:2])
    assert found and _pinned() == CPUS[1] and waited < 60.0
    assert FAST_LOOKS == 2  # its third look was fast (one slow burst of three, the median fast); its fourth too
    assert looks.count(CPUS[0]) == 16  # every CPU looked at in turn, a cold burst and LOOK_BURSTS each time
    assert looks.count(CPUS[1]) == 16


def test_one_fast_look_between_slow_ones_does_not_end_the_wait() -> None:
    looks: list[float] = []

    def burst() -> float:  # one CPU: the second look (bursts 5-8) is fast, the others slow
        looks.append(1)
        return 1000.0 if 5 <= len(looks) <= 8 else 2000.0

    found, waited = wait_for_fast_cpu(burst, fast_ns=1000.0, tolerance=0.15, budget_s=0.3, cpus=CPUS[:1] or [-1])
    assert not found and waited >= 0.3  # the fast look had no fast look after it: it waited its whole budget
    assert len(looks) > 8


def test_waiting_gives_up_after_its_budget() -> None:
    found, waited = wait_for_fast_cpu(lambda: 2000.0, fast_ns=1000.0, tolerance=0.15, budget_s=0.05, cpus=CPUS[:2])
    assert not found and waited >= 0.05
