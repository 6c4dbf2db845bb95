"""An async op is awaited in a loop inside one coroutine: no event-loop round trip per call.

Asserted on what the harness does, not on time: how many times the event loop
is entered (``run_until_complete``), how many turns it takes, and how many
tasks the op finds itself running in.
"""

from __future__ import annotations

import asyncio
from typing import Any

from agnobench.measure.calls import AsyncOperation, as_operation, burst_timer, fill, timed_each
from agnobench.passes.timing.bursts import BurstPlan, time_pairs
from agnobench.passes.variants.engine import interleaved_round


class CountingLoop(asyncio.SelectorEventLoop):
    """An event loop that counts how often it is entered and how many turns it runs."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = 0
        self.turns = 0

    def run_until_complete(self, future: Any) -> Any:
        self.entered += 1
        return super().run_until_complete(future)

    def _run_once(self) -> None:  # one turn of the loop (asyncio's own name for it)
        self.turns += 1
        super()._run_once()


class AsyncTwin:
    """``await op()`` does what the sync twin does, and notes which task it ran in."""

    def __init__(self) -> None:
        self.calls = 0
        self.tasks: dict[int, Any] = {}  # the tasks themselves are kept, so no id is reused

    def sync(self) -> list[int]:
        self.calls += 1
        return [self.calls] * 3

    async def __call__(self) -> list[int]:
        task = asyncio.current_task()
        self.tasks[id(task)] = task
        return self.sync()


def counted() -> tuple[AsyncOperation, AsyncTwin, CountingLoop]:
    twin, loop = AsyncTwin(), CountingLoop()
    return AsyncOperation(twin, loop), twin, loop


def test_a_burst_of_calls_enters_the_loop_once() -> None:
    op, twin, loop = counted()
    burst_timer(op)(500)
    assert twin.calls == 500
    assert loop.entered == 1 and len(twin.tasks) == 1
    assert loop.turns <= 3  # a coroutine that never suspends: the same few turns whatever the count


def test_the_loop_turns_do_not_grow_with_the_calls() -> None:
    small, _, small_loop = counted()
    large, _, large_loop = counted()
    burst_timer(small)(10)
    burst_timer(large)(1000)
    assert large_loop.turns == small_loop.turns


def test_timing_pass_enters_the_loop_once_per_burst_not_per_call() -> None:
    op, twin, loop = counted()
    plan = BurstPlan(op_calls=50, kernel_calls=1, pairs=8, warmup_pairs=2)
    pairs = time_pairs(burst_timer(op), plan)
    assert len(pairs.op_ns) == 8
    bursts = plan.pairs + plan.warmup_pairs
    assert twin.calls == bursts * plan.op_calls
    assert loop.entered == bursts and len(twin.tasks) == bursts  # 1 per 50 calls


def test_individually_timed_calls_share_one_coroutine() -> None:
    op, twin, loop = counted()
    seen: list[Any] = []
    elapsed = timed_each(op, 40, seen.append)
    assert len(elapsed) == 40 and seen[-1] == [40, 40, 40]
    assert loop.entered == 1 and len(twin.tasks) == 1


def test_filling_a_holder_awaits_in_one_coroutine() -> None:
    op, twin, loop = counted()
    holder: list[Any] = [None] * 25
    fill(op, holder)
    assert holder[0] == [1, 1, 1] and holder[-1] == [25, 25, 25]
    assert loop.entered == 1


def test_variants_round_with_an_async_variant_runs_in_one_coroutine() -> None:
    op, twin, loop = counted()
    sync_twin = AsyncTwin()
    ops = {"sync": as_operation(sync_twin.sync), "async": op}
    round_ = interleaved_round(ops, calls=30, warmups=2)
    assert len(round_["times"]["async"]) == 30 and len(round_["times"]["sync"]) == 30
    assert twin.calls == sync_twin.calls == 32
    assert loop.entered == 2 + 1  # the two warm-up calls one by one, then the whole round in one coroutine


def test_a_callable_that_hands_back_a_coroutine_is_awaited_after_its_first_call() -> None:
    twin = AsyncTwin()
    op = as_operation(lambda: twin())  # not a coroutine function: found out on the first call
    assert op() == [1, 1, 1]
    burst_timer(op)(20)
    assert twin.calls == 21 and len(twin.tasks) == 2  # the first call, then one burst


def test_a_sync_op_is_called_directly() -> None:
    twin = AsyncTwin()
    burst_timer(twin.sync)(7)
    assert twin.calls == 7 and not twin.tasks
