"""The storage suite's verdicts: growth on synthetic series, leaks on ops with a known leak, a lock counted."""

from __future__ import annotations

import random
import sqlite3

import pytest

from agnobench.measure.growth_fit import growth_fit, write_amplification
from agnobench.passes.leak.engine import measure_leak

TURNS = list(range(1, 101))


def _noisy(values: list[float], spread: float = 0.02, seed: int = 7) -> list[float]:
    rng = random.Random(seed)
    return [v * (1 + rng.uniform(-spread, spread)) for v in values]


def test_constant_series_is_constant_and_means_no_amplification() -> None:
    fit = growth_fit(TURNS, _noisy([45_000.0] * 100))
    assert fit.verdict == "constant"
    assert write_amplification(fit).startswith("no write amplification")


def test_linear_per_turn_bytes_are_named_quadratic_write_amplification() -> None:
    fit = growth_fit(TURNS, _noisy([2_000.0 + 400.0 * t for t in TURNS]))
    assert fit.verdict == "linear"
    assert fit.exponent_low <= 1.0 <= fit.exponent_high
    assert "O(N²)" in write_amplification(fit)


def test_quadratic_series_is_quadratic_with_its_exponent() -> None:
    fit = growth_fit(TURNS, _noisy([1_000.0 + 3.0 * t * t for t in TURNS]))
    assert fit.verdict == "quadratic"
    assert fit.exponent_low <= 2.0 <= fit.exponent_high
    assert abs(fit.exponent - 2.0) <= 0.2


def test_fixed_cost_does_not_bend_the_exponent() -> None:
    """A big constant part (a turn's fixed work) under a linear part still reads as k = 1, not a flatter slope."""
    fit = growth_fit(TURNS, [50_000.0 + 100.0 * t for t in TURNS])
    assert fit.verdict == "linear" and abs(fit.exponent - 1.0) <= 0.05


def test_one_stalled_turn_does_not_decide_the_verdict() -> None:
    """A checkpoint or another process stalls one turn ×10: the blocks' medians keep the curve's shape."""
    flat = _noisy([12e6] * 100)
    flat[-3] *= 10
    assert growth_fit(TURNS, flat).verdict == "constant"
    rising = _noisy([1e6 + 1e4 * t for t in TURNS])
    rising[5] *= 10
    fit = growth_fit(TURNS, rising)
    assert fit.verdict == "linear" and fit.exponent_low <= 1.0 <= fit.exponent_high


def test_too_few_points_says_so() -> None:
    fit = growth_fit([1, 2, 3], [10.0, 20.0, 30.0])
    assert fit.verdict == "too few points" and fit.exponent is None
    assert "3 point(s)" in fit.describe()


def test_leak_of_a_known_size_is_found() -> None:
    kept: list[bytes] = []
    payload = 1000

    def leaky() -> None:
        kept.append(bytes(payload) + b"x")  # a new 1,001-byte object each call, kept

    result = measure_leak(leaky, calls=2000, samples=10, warmup=50, min_bytes=8.0, budget_s=30.0)
    per_object = len(bytes(payload + 1)) + 33 + 8  # bytes header and the list's slot, about
    assert result["verdict"].startswith("grows")
    assert abs(result["per_call_bytes"] - per_object) < 60
    assert result["per_call_low"] <= result["per_call_bytes"] <= result["per_call_high"]


def test_op_that_keeps_nothing_shows_no_growth() -> None:
    result = measure_leak(lambda: bytes(1000) + b"x", calls=2000, samples=10, warmup=50, min_bytes=8.0, budget_s=30.0)
    assert result["verdict"] == "no growth"
    assert abs(result["per_call_bytes"]) < 8.0


def test_leak_with_too_few_readings_says_so() -> None:
    result = measure_leak(lambda: None, calls=3, samples=2, warmup=0, min_bytes=8.0, budget_s=5.0)
    assert result["verdict"] == "too few points" and "a fit needs 5" in result["note"]


def test_too_few_calls_give_no_verdict() -> None:
    kept: list[bytes] = []
    result = measure_leak(lambda: kept.append(bytes(1000)), calls=40, samples=20, warmup=0, min_bytes=8.0,
                          budget_s=30.0)
    assert result["verdict"] == "too few calls" and "a verdict needs 500" in result["note"]


def test_a_cache_that_fills_to_a_bound_is_not_a_leak() -> None:
    cache: dict[int, bytes] = {}
    calls = iter(range(10**9))

    def cached() -> None:
        n = next(calls)
        if len(cache) < 100:  # fills during the first few hundred calls, then stays
            cache[n] = bytes(1000)

    result = measure_leak(cached, calls=2000, samples=20, warmup=0, min_bytes=8.0, budget_s=30.0)
    assert result["verdict"] == "no growth", result["per_call_bytes"]


def test_a_locked_sqlite_store_counts_its_lock_errors() -> None:
    pytest.importorskip("sqlalchemy")
    from agnobench.passes.storage.sessions import run_cell
    from agnobench.adapters.storage.stores import open_store

    with open_store("sqlite", busy_timeout_s=0.05) as store:
        assert run_cell(store.db, "threads", 1, 1, tag="warm-up-").errors == 0  # tables made, store works
        blocker = sqlite3.connect(store.where, timeout=0.05, isolation_level=None)
        blocker.execute("BEGIN EXCLUSIVE")  # another process holding the write lock
        try:
            # One session, one turn: with two sessions in threads, which of agno's logged errors lands on which
            # turn depends on the scheduler (one turn was once counted completed): flaky, not derivable.
            cell = run_cell(store.db, "threads", 1, 1)
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert cell.errors == 1 and cell.completed == 0  # the turn failed, and ended the session
        assert cell.locked_errors == 1, cell.error_kinds
        assert all("database is locked" in kind for kind in cell.error_kinds)


def test_a_store_that_breaks_mid_conversation_fails_the_turn_with_its_error() -> None:
    """agno logs a store error and goes on; the conversation must fail on that turn, not pass unseen."""
    pytest.importorskip("sqlalchemy")
    from agnobench.adapters.storage.conversation import agno_errors, checked_turn, conversation_agent
    from agnobench.adapters.storage.stores import StoreError, open_store

    with open_store("sqlite") as store, agno_errors() as errors:
        agent = conversation_agent(store.db, 5)
        checked_turn(agent, "c", 0, errors)
        checked_turn(agent, "c", 1, errors)
        with sqlite3.connect(store.where) as raw:
            raw.execute("DROP TABLE agno_runs")
        with pytest.raises(StoreError, match="turn 3: .*no such table: agno_runs"):
            checked_turn(agent, "c", 2, errors)
