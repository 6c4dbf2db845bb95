"""N conversations at once on one store: threads or asyncio tasks, each its own session and agent.

Every cell (a mode and a number of sessions) opens nothing new: all cells
share one store, as an application's workers share its database. Each
session runs ``turns`` checked turns (:mod:`.conversation`); each turn's
latency is kept, and every failed turn is counted by its error's first line
("database is locked", a check that failed, agno's own logged error), never
dropped: turns per second count completed turns only.

asyncio tasks call ``Agent.arun`` with agno's synchronous store, as an
application that hands agno a ``SqliteDb`` or ``PostgresDb`` does: the
store's calls block the event loop while they run.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from agnobench.adapters.storage.conversation import (achecked_turn, agno_errors, checked_turn, first_line,
                                                     conversation_agent)
from agnobench.adapters.storage.stores import open_store
from agnobench.adapters.storage.records import SessionCell
from agnobench.stats import percentile

MODES = ("threads", "asyncio")
LOCKED = "database is locked"


class _Tally:
    """Latencies and errors from many threads at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[int] = []
        self.errors: Counter[str] = Counter()

    def ok(self, ns: int) -> None:
        with self.lock:
            self.latencies.append(ns)

    def failed(self, exc: BaseException) -> None:
        with self.lock:
            self.errors[first_line(exc)] += 1


def _session_threads(db: Any, tally: _Tally, name: str, turns: int, errors: Any) -> None:
    agent = conversation_agent(db, turns)
    for turn in range(turns):
        start = time.perf_counter_ns()
        try:
            checked_turn(agent, name, turn, errors)
        except Exception as exc:  # counted, and this conversation stops: its history is now broken
            tally.failed(exc)
            return
        tally.ok(time.perf_counter_ns() - start)


async def _session_async(db: Any, tally: _Tally, name: str, turns: int, errors: Any) -> None:
    agent = conversation_agent(db, turns)
    for turn in range(turns):
        start = time.perf_counter_ns()
        try:
            await achecked_turn(agent, name, turn, errors)
        except Exception as exc:
            tally.failed(exc)
            return
        tally.ok(time.perf_counter_ns() - start)


class _SharedErrors:
    """agno's logged errors, collected for all sessions at once (a log record names no session): taken by
    whichever turn sees them, so each is counted once."""

    def __init__(self, handler: Any) -> None:
        self.handler = handler
        self.lock = threading.Lock()

    def take(self) -> list[str]:
        with self.lock:
            taken: list[str] = self.handler.take()
            return taken


def run_cell(db: Any, mode: str, sessions: int, turns: int, tag: str = "") -> SessionCell:
    """One cell on an open store; every session's name unique to this cell."""
    tally = _Tally()
    names = [f"{tag}{mode}-{sessions}-{i}" for i in range(sessions)]
    with agno_errors() as handler:
        errors = _SharedErrors(handler)
        start = time.perf_counter()
        if mode == "threads":
            with ThreadPoolExecutor(max_workers=sessions) as pool:
                for future in [pool.submit(_session_threads, db, tally, n, turns, errors) for n in names]:
                    future.result()
        elif mode == "asyncio":
            async def everyone() -> None:
                await asyncio.gather(*(_session_async(db, tally, n, turns, errors) for n in names))

            asyncio.run(everyone())
        else:
            raise ValueError(f"unknown mode {mode!r} (known: {', '.join(MODES)})")
        wall = time.perf_counter() - start
    cell = SessionCell(mode, sessions, turns, completed=len(tally.latencies), wall_s=wall,
                errors=sum(tally.errors.values()), error_kinds=dict(tally.errors.most_common()))
    cell.locked_errors = sum(n for kind, n in tally.errors.items() if LOCKED in kind)
    cell.turns_per_s = cell.completed / wall if wall > 0 else 0.0
    if tally.latencies:
        cell.p50_ns = percentile(tally.latencies, 50)
        cell.p99_ns = percentile(tally.latencies, 99)
    return cell


def concurrency(kind: str, modes: list[str], counts: list[int], turns: int,
                progress: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """Every mode × session count on one fresh ``kind`` store (JSON-able)."""
    cells = []
    with open_store(kind) as store:
        run_cell(store.db, "threads", 1, 1, tag="warm-up-")  # agno creates its tables
        for mode in modes:
            for count in counts:
                progress(f"{kind}: {count} session(s) as {mode}")
                cells.append(run_cell(store.db, mode, count, turns).to_dict())
    return {"store": kind, "cells": cells}
