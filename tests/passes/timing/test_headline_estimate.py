"""The headline estimator on pairs whose answer is known, and the per-machine speed record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agnobench.passes.timing import engine as headline
from agnobench.passes.timing.estimate import FAST_TOLERANCE, estimate, rerun_pct
from agnobench.passes.timing.engine import FAST_CHILDREN
from agnobench.measure.machine import FILE_NAME, machine_key, record_kernel
from agnobench.core.settings import DEFAULT
from agnobench.passes.timing.bursts import BurstPlan, ChildPairs


def phased_child(fast: int, slow: int, op_fast: float = 200.0) -> ChildPairs:
    """``fast`` pairs at kernel 10,000 ns and op/kernel 0.02, then ``slow`` pairs in a phase 1.6x slower
    in which the op slows 10 % more than the kernel (as measured on these VMs)."""
    child = ChildPairs()
    for _ in range(fast):
        child.op_ns.append(op_fast)
        child.kernel_ns.append(10_000.0)
    for _ in range(slow):
        child.op_ns.append(op_fast * 1.6 * 1.1)
        child.kernel_ns.append(16_000.0)
    return child


def test_fast_phase_pairs_alone_make_the_ratio() -> None:
    mostly_fast = estimate([phased_child(60, 40) for _ in range(4)], value_pairs=10)
    mostly_slow = estimate([phased_child(20, 80) for _ in range(4)], value_pairs=10)
    for est in (mostly_fast, mostly_slow):
        assert est.rel and all(r == pytest.approx(0.02) for r in est.rel)
        assert est.kernel_fast_ns == 10_000.0
    assert mostly_fast.fast_share == pytest.approx(0.6) and mostly_slow.fast_share == pytest.approx(0.2)
    assert mostly_fast.fast_children == mostly_slow.fast_children == 4  # each has a value's worth of fast pairs
    assert estimate([phased_child(9, 91), phased_child(60, 40)], value_pairs=10).fast_children == 1
    # the wall figure is honest about the phase: it moves, the ratio does not
    assert mostly_slow.kernel_median_ns == 16_000.0 and mostly_fast.kernel_median_ns == 10_000.0


def test_each_op_burst_is_divided_by_the_kernel_bursts_on_both_sides_of_it() -> None:
    child = ChildPairs(op_ns=[204.0] * 30, kernel_ns=[10_400.0] * 30, kernel_before_ns=[10_000.0] * 30)
    assert estimate([child], value_pairs=10).rel == [pytest.approx(0.02)] * 3  # 204 / mean(10,000, 10,400)
    child.kernel_before_ns[5:30] = [16_000.0] * 25  # the phase changed before these op bursts: not fast pairs
    est = estimate([child], value_pairs=10)
    assert est.rel == [pytest.approx(0.02)]  # only the first value has its 3 fast pairs
    assert est.fast_share == 1.0  # the kernel bursts after each op were all fast


def test_wall_values_are_medians_of_groups_of_pairs() -> None:
    child = phased_child(25, 0)
    child.op_ns[3] = 1e7  # one burst the scheduler preempted
    est = estimate([child], value_pairs=10)
    assert len(est.values_ns) == 2  # 25 pairs: 10 + 15 (a short tail joins the last value)
    assert est.values_ns == [200.0, 200.0]


def test_tolerance_is_relative_to_the_fastest_kernel_bursts() -> None:
    child = phased_child(50, 0)
    child.kernel_ns[-1] = 10_000.0 * (1 + FAST_TOLERANCE) * 1.01  # just outside the fast phase
    est = estimate([child], value_pairs=10)
    assert est.fast_share == pytest.approx(49 / 50)


def test_rerun_spread_is_zero_for_identical_children_and_grows_with_their_differences() -> None:
    assert rerun_pct([[1.0, 1.0]] * 6) == 0.0
    close = rerun_pct([[1.0 + 0.001 * i] * 5 for i in range(8)])
    apart = rerun_pct([[1.0 + 0.01 * i] * 5 for i in range(8)])
    assert 0 < close < apart
    assert rerun_pct([[1.0, 1.1]]) == 0.0  # one child: nothing to say about a rerun
    assert rerun_pct([[1.0 + 0.01 * i] * 5 for i in range(8)]) == apart  # seeded: the same file, the same ±


def test_machine_record_keeps_the_fastest_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(tmp_path))
    first = record_kernel(14_000.0)
    assert first.best_before_ns is None and first.best_ns == 14_000.0 and first.improved
    slower = record_kernel(20_000.0)
    assert slower.best_before_ns == 14_000.0 and slower.best_ns == 14_000.0 and not slower.improved
    faster = record_kernel(13_500.0)
    assert faster.best_ns == 13_500.0 and faster.improved
    data = json.loads((tmp_path / FILE_NAME).read_text())
    assert data[machine_key()]["best_kernel_ns"] == 13_500.0 and data[machine_key()]["scenarios"] == 3


def test_machine_record_survives_a_damaged_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(tmp_path))
    (tmp_path / FILE_NAME).write_text("{not json")
    assert record_kernel(15_000.0).best_ns == 15_000.0
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(blocked / "sub"))
    kept_nowhere = record_kernel(15_000.0)
    assert kept_nowhere.path == "" and kept_nowhere.best_ns == 15_000.0


@pytest.mark.parametrize("fast_after, found, extra, slow_only", [
    (0, True, FAST_CHILDREN, False),  # the first children timed again ran fast: four of them are enough
    (2, True, 2 + FAST_CHILDREN, False),  # two more slow ones first
    (None, True, 10, True),  # never fast: each wait took 0.25 s, and the 11th had no budget left
    (None, False, 0, True),  # no CPU ran fast within the budget: nothing timed again
])
def test_a_slow_timing_is_timed_again_child_by_child_after_waiting_for_a_fast_cpu(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fast_after: int | None, found: bool, extra: int,
        slow_only: bool) -> None:
    """The first 12 children all slow (kernel 16,000 ns against a recent fast level of 10,000); the children
    timed again are fast from the ``fast_after``-th on (None: never). Each waits for a fast CPU first."""
    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(tmp_path))
    record_kernel(10_000.0)
    timed: list[int] = []

    def child(_op: object, _plan: object, fast_ns: float | None) -> ChildPairs:
        assert fast_ns == 10_000.0  # the machine's recent fast phase tells each child when its CPU is slow
        timed.append(1)
        index = len(timed) - DEFAULT.processes - 1  # 0 for the first child timed again
        fast = fast_after is not None and index >= fast_after
        return phased_child(100, 0) if fast else phased_child(0, 100)

    budgets: list[float] = []

    def wait(_plan: object, fast_ns: float, budget_s: float) -> tuple[bool, float]:
        assert fast_ns == 10_000.0
        budgets.append(budget_s)
        if budget_s <= 0:
            return False, 0.0
        return (True, 0.25) if found else (False, budget_s)

    monkeypatch.setattr(headline, "plan_bursts", lambda _op, _settings: BurstPlan(1, 32, 100, 0))
    monkeypatch.setattr(headline, "timed_child", child)
    monkeypatch.setattr(headline, "wait_for_fast", wait)
    measured = headline.measure_time(lambda: None, DEFAULT)
    assert measured.extra_children == extra and len(timed) == DEFAULT.processes + extra
    assert budgets[0] == DEFAULT.slow_wait_s and budgets == sorted(budgets, reverse=True)  # one budget in all
    assert len(budgets) == extra + (0 if fast_after is not None else 1)  # a wait before each, and the last
    assert measured.details()["slow_wait_s"] == pytest.approx(min(0.25 * extra, DEFAULT.slow_wait_s) if found
                                                              else DEFAULT.slow_wait_s)
    assert measured.slow_only == slow_only


def test_no_faster_phase_lately_means_no_children_timed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow day: the record is 10,000 ns, but the last scenarios' fast phase ran at 16,000 ns, as this one
    does. Timing more children would find no faster phase, and the ⚠ is kept for a timing slower than what the
    machine has shown lately (the speed column still shows the slow day against the record)."""
    import time

    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(tmp_path))
    (tmp_path / FILE_NAME).write_text(json.dumps({machine_key(): {
        "best_kernel_ns": 10_000.0, "recorded": "2026-11-30T00:00:00+00:00", "scenarios": 9,
        "recent": [[time.time() - 30, 16_000.0]]}}))
    monkeypatch.setattr(headline, "plan_bursts", lambda _op, _settings: BurstPlan(1, 32, 100, 0))
    monkeypatch.setattr(headline, "timed_child", lambda _op, _plan, _fast_ns: phased_child(0, 100))
    monkeypatch.setattr(headline, "wait_for_fast", lambda *_args: pytest.fail("waited on a slow day"))
    measured = headline.measure_time(lambda: None, DEFAULT)
    assert measured.extra_children == 0 and measured.children == DEFAULT.processes
    assert not measured.slow_only
    assert measured.speeds == [10_000.0 / 16_000.0] * DEFAULT.processes
    recent = json.loads((tmp_path / FILE_NAME).read_text())[machine_key()]["recent"]
    assert [ns for _, ns in recent] == [16_000.0, 16_000.0]  # this scenario's fast phase joined the list


def test_a_timing_in_a_middle_slow_phase_is_timed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The machine's recent fast phase ran the kernel at 10,000 ns. This timing's fastest bursts ran at 10,500
    (not slow against that), but most of the pairs it counts (within the tolerance of those) at 12,000: its
    counted pairs are slow against the recent fast phase, like against like (a gate trial here: +5 % high)."""
    import time

    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(tmp_path))
    (tmp_path / FILE_NAME).write_text(json.dumps({machine_key(): {
        "best_kernel_ns": 10_000.0, "recorded": "2026-11-30T00:00:00+00:00", "scenarios": 9,
        "recent": [[time.time() - 30, 10_000.0]]}}))

    def middle_phase(_op: object, _plan: object, _fast_ns: float | None) -> ChildPairs:
        return ChildPairs(op_ns=[210.0] * 10 + [252.0] * 90, kernel_ns=[10_500.0] * 10 + [12_000.0] * 90)

    waits: list[float] = []
    monkeypatch.setattr(headline, "plan_bursts", lambda _op, _settings: BurstPlan(1, 32, 100, 0))
    monkeypatch.setattr(headline, "timed_child", middle_phase)
    monkeypatch.setattr(headline, "wait_for_fast",
                        lambda _plan, _fast_ns, budget_s: waits.append(budget_s) or (budget_s > 0, 0.0))
    first = estimate([middle_phase(None, None, None)], value_pairs=10)
    assert first.kernel_fast_level_ns == 10_500.0 and first.kernel_fast_ns == 12_000.0  # all pairs counted
    assert first.kernel_fast_level_ns < (1 + FAST_TOLERANCE) * 10_000.0 < first.kernel_fast_ns
    measured = headline.measure_time(lambda: None, DEFAULT)
    assert waits == [DEFAULT.slow_wait_s] * DEFAULT.processes  # a wait (found at once) before each child
    assert measured.extra_children == DEFAULT.processes  # none of them ran fast: as many as the first round
    assert measured.slow_only  # its fastest bursts were not slow against the record, but the table warns
