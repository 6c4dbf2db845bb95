"""One conversation grown turn by turn on a store: what each turn costs, and how that grows.

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

import time
from typing import Any, Callable

from agnobench.adapters.storage.conversation import agno_errors, checked_turn, conversation_agent
from agnobench.adapters.storage.stores import open_store
from agnobench.passes.turn_growth import TurnPoint  # the pass's result model: light, imports no engine



def grow(kind: str, turns: int, progress: Callable[[str], None] = lambda _m: None) -> dict[str, Any]:
    """The per-turn costs of one conversation of ``turns`` turns on a fresh ``kind`` store (JSON-able)."""
    points: list[TurnPoint] = []
    totals: dict[str, int] = {}
    with open_store(kind) as store, agno_errors() as errors:
        agent = conversation_agent(store.db, turns)
        checked_turn(agent, "warm-up", 0, errors)  # agno creates its tables on first use
        meter = store.meter
        sql = kind != "memory"
        for turn in range(turns):
            before = meter.read()
            start = time.perf_counter_ns()
            checked_turn(agent, "conversation", turn, errors)
            elapsed = time.perf_counter_ns() - start
            delta = meter.read().minus(before)
            pages = delta.bytes_written / meter.page_size if kind == "sqlite" and delta.bytes_written else None
            points.append(TurnPoint(turn + 1, float(elapsed), delta.bytes_written, delta.file_bytes, pages,
                                   delta.rows_read if sql else None, delta.rows_written if sql else None,
                                   delta.statements if sql else None, delta.sent_bytes if sql else None,
                                   delta.rss_bytes))
            if (turn + 1) % 10 == 0:
                progress(f"{kind}: turn {turn + 1} of {turns}")
        if kind == "postgres":
            store.db.db_engine.dispose()  # agno's backends end and flush their statistics
            time.sleep(0.7)  # the stats collector's pending counts land within PGSTAT_MIN_INTERVAL
            totals = meter.table_totals()
    return {"store": kind, "where": store.where, "turns": [p.to_dict() for p in points], "table_totals": totals}
