"""One cell of the concurrency matrix: N workers of one workload in one mode, started together.

Threads and asyncio tasks start on a barrier/event, forked processes on one
byte each through a pipe. Every call's answer is checked against its own
token (see :mod:`agnobench.passes.concurrency.engine` for why); a worker's first
two calls are untimed warm-ups, checked like the rest.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable

from agnobench.measure import netguard
from agnobench.measure.forking import ChildError, run_exit_handlers

MAX_PROBLEMS = 5
WARMUP_CALLS = 2  # per worker, before the start signal


class CrossTalkError(RuntimeError):
    """A concurrent call came back with a result that was not its own."""


@dataclass
class Workload:
    """What each concurrent worker does; a scenario names factories of these.

    ``call(context, token)`` makes one call; ``acall`` is its coroutine form
    for asyncio tasks (without it, tasks call ``call`` and yield between
    calls, which is all a blocking call allows). ``context()`` runs once per
    worker before the clock starts (build the worker's own agent there, or
    hand back a shared one). ``verify(token, result)`` raises when the result
    is not the answer to ``token``.
    """

    call: Callable[[Any, str], Any]
    acall: Callable[[Any, str], Awaitable[Any]] | None = None
    context: Callable[[], Any] = lambda: None
    verify: Callable[[str, Any], None] | None = None
    io_bound: bool = False
    description: str = ""
    notes: list[str] = field(default_factory=list)


def op_workload(op: Callable[[], Any]) -> Workload:
    """The scenario's own op, untokened: for operations that have no input to echo."""
    return Workload(call=lambda _context, _token: op(), description="the scenario's operation")


@dataclass
class Cell:
    wall_s: float
    ops: int
    problems: list[str]
    checked: int


# ---- one cell per mode ----------------------------------------------------

def _worker_loop(workload: Workload, context: Any, tag: str, ops: int,
                 problems: list[str]) -> tuple[float, float, list[str], int]:
    """(start, end, problems, checked) of one worker's calls; ``problems`` holds the warm-up's."""
    call, verify = workload.call, workload.verify
    checked = 0
    start = time.perf_counter()
    for k in range(ops):
        token = f"{tag}-{k}"
        try:
            result = call(context, token)
            if verify is not None:
                verify(token, result)
                checked += 1
        except Exception as exc:  # a wrong answer or a failed call: both disqualify the cell
            _note(problems, token, exc)
    return start, time.perf_counter(), problems, checked


def _note(problems: list[str], token: str, exc: Exception) -> None:
    """Count every problem; keep the text of the first few."""
    problems.append(f"{token}: {type(exc).__name__}: {exc}" if len(problems) < MAX_PROBLEMS else "")


def _warm_up(workload: Workload, context: Any, tag: str) -> list[str]:
    """Untimed calls before the start: a new agent's first-call setup, and in a forked process the
    copy-on-write faults of the pages a call touches, stay out of every mode's timing alike.
    Their answers are checked like any other: the problems found start the worker's list."""
    problems: list[str] = []
    for k in range(WARMUP_CALLS):
        token = f"{tag}-warmup{k}"
        try:
            result = workload.call(context, token)
            if workload.verify is not None:
                workload.verify(token, result)
        except Exception as exc:
            _note(problems, token, exc)
    return problems


def _merge(spans: list[tuple[float, float]], ops: int, problems: list[str], checked: int) -> Cell:
    wall = max(end for _, end in spans) - min(start for start, _ in spans)
    return Cell(wall_s=wall, ops=ops, problems=problems, checked=checked)


def threads_cell(workload: Workload, workers: int, ops: int, tag: str) -> Cell:
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers

    def body(index: int) -> None:
        try:
            context = workload.context()
            problems = _warm_up(workload, context, f"{tag}-w{index}")
            barrier.wait()
            results[index] = _worker_loop(workload, context, f"{tag}-w{index}", ops, problems)
        except BaseException as exc:
            barrier.abort()
            results[index] = exc

    threads = [threading.Thread(target=body, args=(i,), name=f"agnobench-{i}") for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return _collect(results, workers * ops)


def _collect(results: list[Any], total_ops: int) -> Cell:
    failures = [r for r in results if isinstance(r, BaseException) or r is None]
    if failures:
        first = next((f for f in failures if isinstance(f, BaseException) and
                      not isinstance(f, threading.BrokenBarrierError)), failures[0])
        raise ChildError(f"a worker failed before its calls: {type(first).__name__}: {first}")
    problems = [p for r in results for p in r[2]]
    return _merge([(r[0], r[1]) for r in results], total_ops, problems, sum(r[3] for r in results))


def asyncio_cell(workload: Workload, workers: int, ops: int, tag: str) -> Cell:
    ready: list[int] = []
    all_ready = asyncio.Event()

    async def warm_up(context: Any, index: int) -> list[str]:
        if workload.acall is None:
            return _warm_up(workload, context, f"{tag}-w{index}")
        problems: list[str] = []
        for k in range(WARMUP_CALLS):
            token = f"{tag}-w{index}-warmup{k}"
            try:
                result = await workload.acall(context, token)
                if workload.verify is not None:
                    workload.verify(token, result)
            except Exception as exc:
                _note(problems, token, exc)
        return problems

    async def body(index: int, go: asyncio.Event) -> tuple[float, float, list[str], int]:
        try:
            context = workload.context()
            problems = await warm_up(context, index)
        finally:  # a task that failed must not leave the others waiting
            ready.append(index)
            if len(ready) == workers:
                all_ready.set()
        await go.wait()
        acall, verify = workload.acall, workload.verify
        checked = 0
        start = time.perf_counter()
        for k in range(ops):
            token = f"{tag}-w{index}-{k}"
            try:
                if acall is not None:
                    result = await acall(context, token)
                else:  # a blocking call: tasks can only take turns
                    result = workload.call(context, token)
                    await asyncio.sleep(0)
                if verify is not None:
                    verify(token, result)
                    checked += 1
            except Exception as exc:
                _note(problems, token, exc)
        return start, time.perf_counter(), problems, checked

    async def main() -> list[Any]:
        go = asyncio.Event()
        tasks = [asyncio.ensure_future(body(i, go)) for i in range(workers)]
        await all_ready.wait()  # every task has its context and is warm
        go.set()
        return list(await asyncio.gather(*tasks, return_exceptions=True))

    loop = asyncio.new_event_loop()
    try:
        return _collect(loop.run_until_complete(main()), workers * ops)
    finally:
        loop.close()


def _process_worker(workload: Workload, go_fd: int, out_fd: int, tag: str, ops: int) -> None:
    """A forked worker: build its context, wait for the start byte, run, report, exit."""
    status = 0
    try:
        context = workload.context()
        problems = _warm_up(workload, context, tag)
        os.read(go_fd, 1)
        start, end, problems, checked = _worker_loop(workload, context, tag, ops, problems)
        payload: dict[str, Any] = {"start": start, "end": end, "problems": problems, "checked": checked}
    except BaseException as exc:
        payload = {"error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc(limit=5)}
        status = 1
    run_exit_handlers()
    payload["network"] = netguard.violations()
    with os.fdopen(out_fd, "wb") as out:
        out.write(json.dumps(payload).encode())
    os._exit(status)


def processes_cell(workload: Workload, workers: int, ops: int, tag: str) -> Cell:
    go_read, go_write = os.pipe()
    children: list[tuple[int, int]] = []
    for index in range(workers):
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(go_write)
            os.close(read_fd)
            _process_worker(workload, go_read, write_fd, f"{tag}-w{index}", ops)
        os.close(write_fd)
        children.append((pid, read_fd))
    os.close(go_read)
    os.write(go_write, b"g" * workers)  # one byte each: all start at once
    os.close(go_write)
    payloads = []
    for pid, read_fd in children:
        with os.fdopen(read_fd, "rb") as inp:
            data = inp.read()
        os.waitpid(pid, 0)
        try:
            payloads.append(json.loads(data))
        except json.JSONDecodeError:
            raise ChildError("a worker process died without a result") from None
    network = [v for p in payloads for v in p.get("network", [])]
    if network:
        raise ChildError("network access attempted: " + "; ".join(network[:3]))
    errors = [p["error"] for p in payloads if "error" in p]
    if errors:
        raise ChildError(f"a worker process failed: {errors[0]}")
    problems = [x for p in payloads for x in p["problems"]]
    return _merge([(p["start"], p["end"]) for p in payloads], workers * ops, problems,
                  sum(p["checked"] for p in payloads))


CELLS: dict[str, Callable[[Workload, int, int, str], Cell]] = {
    "threads": threads_cell, "processes": processes_cell, "asyncio": asyncio_cell,
}
