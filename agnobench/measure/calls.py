"""Calling an operation many times, sync or async, without the harness in the figure.

An async op run with one ``loop.run_until_complete`` per call pays for a task,
a future and a turn of the event loop on every call: 35-50 us on
``agent.arun`` here, 15-20 % of it. pyperf's ``bench_async_func`` instead
awaits the op in a loop inside one coroutine and reads the clock inside it.
Every pass that calls an op many times does the same through these helpers:
one ``run_until_complete`` per burst, batch or child, the clock read inside
the coroutine, so the loop's round trip is neither repeated per call nor timed.

A sync op is called directly (no wrapper in the timed loop).
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import time
from typing import Any, Awaitable, Callable

Bursts = Callable[[int], int]  # calls -> ns those calls took, back to back


_LOOP: list[asyncio.AbstractEventLoop] = []


def shared_loop() -> asyncio.AbstractEventLoop:
    """One event loop per process for every async op (a variant's objects may be bound to the loop
    another variant's round runs on)."""
    if not _LOOP or _LOOP[0].is_closed():
        _LOOP[:] = [asyncio.new_event_loop()]
    return _LOOP[0]


class AsyncOperation:
    """An op whose call returns an awaitable; awaited on one long-lived loop per process."""

    def __init__(self, fn: Callable[[], Awaitable[Any]], loop: asyncio.AbstractEventLoop | None = None) -> None:
        self.fn = fn
        self.loop = loop or shared_loop()

    def __call__(self) -> Any:
        """One call, run to completion: for a check or a warm-up, never in a timed loop."""
        return self.loop.run_until_complete(self.fn())

    def run(self, awaitable: Awaitable[Any]) -> Any:
        return self.loop.run_until_complete(awaitable)


class _Adaptive:
    """A callable that may hand back a coroutine (a lambda or partial around an async function):
    found out on its first call, and awaited from then on."""

    def __init__(self, fn: Callable[[], Any]) -> None:
        self.fn = fn
        self.async_op: AsyncOperation | None = None

    def __call__(self) -> Any:
        if self.async_op is not None:
            return self.async_op()
        result = self.fn()
        if inspect.iscoroutine(result):
            self.async_op = AsyncOperation(self.fn)
            return self.async_op.run(result)
        return result


def as_operation(fn: Callable[[], Any]) -> Callable[[], Any]:
    """A zero-argument callable that returns a result; coroutines are awaited (see module doc)."""
    if isinstance(fn, (AsyncOperation, _Adaptive)):
        return fn
    if inspect.iscoroutinefunction(fn):
        return AsyncOperation(fn)
    return _Adaptive(fn)


def async_of(op: Callable[[], Any]) -> AsyncOperation | None:
    if isinstance(op, AsyncOperation):
        return op
    if isinstance(op, _Adaptive):
        return op.async_op
    return None


def _plain(op: Callable[[], Any]) -> Callable[[], Any]:
    return op.fn if isinstance(op, _Adaptive) and op.async_op is None else op


def burst_timer(op: Callable[[], Any]) -> Bursts:
    """``timer(n)``: ns that n back-to-back calls take."""
    aop = async_of(op)
    if aop is None:
        local = _plain(op)

        def timer(calls: int) -> int:
            clock = time.perf_counter_ns
            start = clock()
            for _ in itertools.repeat(None, calls):  # no int objects, unlike range()
                local()
            return clock() - start

        return timer
    fn = aop.fn

    async def timed(calls: int) -> int:
        clock = time.perf_counter_ns
        start = clock()
        for _ in itertools.repeat(None, calls):
            await fn()
        return clock() - start

    return lambda calls: aop.run(timed(calls))


def timed_each(op: Callable[[], Any], calls: int, on_result: Callable[[Any], None]) -> list[int]:
    """ns of each of ``calls`` calls, timed one by one; ``on_result`` sees each result (untimed)."""
    aop = async_of(op)
    if aop is None:
        local, clock, elapsed = _plain(op), time.perf_counter_ns, []
        for _ in range(calls):
            start = clock()
            result = local()
            elapsed.append(clock() - start)
            on_result(result)
        return elapsed
    fn = aop.fn

    async def each() -> list[int]:
        clock, times = time.perf_counter_ns, []
        for _ in range(calls):
            start = clock()
            result = await fn()
            times.append(clock() - start)
            on_result(result)
        return times

    timed: list[int] = aop.run(each())
    return timed


def fill(op: Callable[[], Any], holder: list[Any], count: int | None = None) -> int:
    """``holder[i] = op()`` for the first ``count`` slots (all by default); ns it took."""
    count = len(holder) if count is None else count
    aop = async_of(op)
    if aop is None:
        local, clock = _plain(op), time.perf_counter_ns
        start = clock()
        for i in range(count):
            holder[i] = local()
        return clock() - start
    fn = aop.fn

    async def filling() -> int:
        clock = time.perf_counter_ns
        start = clock()
        for i in range(count):
            holder[i] = await fn()
        return clock() - start

    elapsed: int = aop.run(filling())
    return elapsed


def repeat(op: Callable[[], Any], calls: int) -> None:
    """Call ``op`` ``calls`` times, results dropped."""
    burst_timer(op)(calls)
