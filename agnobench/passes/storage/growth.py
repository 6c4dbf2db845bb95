"""Conversations grown turn by turn on a store: what each turn costs, and how that grows.

A warm-up conversation of one turn (its own session) creates agno's tables
first, so turn 1 of the measured conversation is a turn, not a schema. Then
one session grows to ``turns`` turns with the whole history in context; each
turn is timed and the store's meter read before and after it
(:mod:`.stores`): bytes written, file growth, rows read and written,
statement parameter bytes, and the process's resident memory after the turn.
Every turn is checked (:mod:`.conversation`); a store error fails the whole
measurement with the turn it happened on.
"""

from __future__ import annotations

import statistics
import time
from typing import Any, Callable

from agnobench.adapters.storage.conversation import agno_errors, checked_turn, conversation_agent
from agnobench.adapters.storage.stores import open_store
from agnobench.adapters.storage.records import TurnPoint



def _measured_turn(agent: Any, meter: Any, kind: str, session: str, turn: int, errors: Any) -> TurnPoint:
    sql = kind != "memory"
    before = meter.read()
    start = time.perf_counter_ns()
    checked_turn(agent, session, turn, errors)
    elapsed = time.perf_counter_ns() - start
    delta = meter.read().minus(before)
    pages = delta.bytes_written / meter.page_size if kind == "sqlite" and delta.bytes_written else None
    return TurnPoint(turn + 1, float(elapsed), delta.bytes_written, delta.file_bytes, pages,
                     delta.rows_read if sql else None, delta.rows_written if sql else None,
                     delta.statements if sql else None, delta.sent_bytes if sql else None, delta.rss_bytes)


def _median_point(points: list[TurnPoint]) -> TurnPoint:
    """One turn's figures over the rounds: the median of each (the resident set: the last reading)."""
    merged = TurnPoint(points[0].turn, rss_bytes=points[-1].rss_bytes)
    for name in ("time_ns", "bytes_written", "file_growth_bytes", "pages_written", "rows_read", "rows_written",
                 "statements", "sent_bytes"):
        values = [getattr(p, name) for p in points if getattr(p, name) is not None]
        if values:
            setattr(merged, name, statistics.median(values))
    return merged


def grow(kind: str, turns: int, rounds: int = 1, progress: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """The per-turn costs of ``rounds`` conversations of ``turns`` turns on a fresh ``kind`` store, grown in
    lockstep (turn t of every conversation, then turn t + 1), so a few seconds of a slower machine fall on
    every conversation at the same turn and the per-turn median keeps the curve's shape (JSON-able)."""
    points: list[TurnPoint] = []
    totals: dict[str, int] = {}
    with open_store(kind) as store, agno_errors() as errors:
        agents = [conversation_agent(store.db, turns) for _ in range(rounds)]
        checked_turn(agents[0], "warm-up", 0, errors)  # agno creates its tables on first use
        for turn in range(turns):
            points.append(_median_point([_measured_turn(agent, store.meter, kind, f"conversation-{index}", turn, errors)
                                         for index, agent in enumerate(agents)]))
            if (turn + 1) % 10 == 0:
                progress(f"{kind}: turn {turn + 1} of {turns}")
        if kind == "postgres":
            store.db.db_engine.dispose()  # agno's backends end and flush their statistics
            time.sleep(0.7)  # the stats collector's pending counts land within PGSTAT_MIN_INTERVAL
            totals = store.meter.table_totals()
    return {"store": kind, "where": store.where, "rounds": rounds, "turns": [p.to_dict() for p in points],
            "table_totals": totals}
