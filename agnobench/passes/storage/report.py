"""The storage suite's tables: per-turn cost as a conversation grows, sessions at once, leaks.

- growth: one table per store, turn → time, bytes written, rows read and
  written, parameter bytes, memory, at chosen turns; then the verdict of each
  metric (constant / linear / quadratic with k and its interval), and for
  bytes written whether the conversation has O(N²) write amplification;
- sessions: every mode × session count of every store, turns/s, p50/p99,
  errors by kind ("database is locked" counted, never hidden);
- leak: retained bytes per call with the interval and the verdict, traced
  memory and the resident set.
"""

from __future__ import annotations

from typing import Any, Sequence

from agnobench.reporters.format import format_bytes, format_count, format_ns
from agnobench.reporters.typed import typed_results
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult

SHOWN_TURNS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000)


def _bytes(value: float | None) -> str:
    return "—" if value is None else format_bytes(value)


def _count(value: float | None) -> str:
    return "—" if value is None else format_count(value)


def _growth_table(result: ScenarioResult, growth: Any) -> Section:
    last = growth.turns[-1].turn if growth.turns else 0
    shown = [p for p in growth.turns if p.turn in SHOWN_TURNS or p.turn == last]
    rows = [[str(p.turn), format_ns(p.time_ns), _bytes(p.bytes_written), _bytes(p.file_growth_bytes),
             _count(p.rows_read), _count(p.rows_written), _count(p.statements), _bytes(p.sent_bytes),
             format_bytes(p.rss_bytes)] for p in shown]
    notes = [f"{v.label}: {v.describe()}" + (f" — {v.meaning}" if v.meaning else "") for v in growth.verdicts]
    what = {"sqlite": "written = bytes this process wrote (write(2): WAL, file, checkpoints); file Δ = database + "
                      "-wal + -shm growth",
            "postgres": "written = WAL bytes generated (pg_current_wal_insert_lsn); file Δ = pg_database_size growth",
            "memory": "InMemoryDb writes nothing to disk: its cost is time and the process's memory"}.get(growth.store, "")
    notes.append(f"{what}. rows read = rows fetched by agno's queries; rows written = the driver's row counts of "
                 "INSERT/UPDATE/DELETE; sent = bytes of statement parameters. k: y = a + b·turn^k fitted over every "
                 "turn, 95 % interval; constant = the fitted curve moves < 10 % (or the slope's interval holds 0).")
    if growth.table_totals:
        t = growth.table_totals
        notes.append(f"pg_stat_user_tables over the run (warm-up included): {t.get('tuples_inserted', 0):,} tuples "
                     f"inserted, {t.get('tuples_updated', 0):,} updated ({t.get('tuples_hot_updated', 0):,} HOT), "
                     f"{t.get('tuples_deleted', 0):,} deleted.")
    return Section(title=f"{result.name}: per-turn cost as one conversation grows ({growth.store}, "
                         f"{last} turns, whole history in context)",
                   columns=["turn", "time", "written", "file Δ", "rows read", "rows written", "statements", "sent",
                            "resident"],
                   rows=rows, right=set(range(9)), notes=notes)


def _verdict_summary(found: list[tuple[ScenarioResult, Any]]) -> Section | None:
    rows = []
    for result, growth in found:
        by_turn = {p.turn: p for p in growth.turns}
        written = [_bytes(by_turn[t].bytes_written) if t in by_turn else "—" for t in (1, 10, 100)]
        bytes_verdict = growth.verdict("bytes_written")
        time_verdict = growth.verdict("time_ns")
        rows.append([growth.store, result.name, *written,
                     bytes_verdict.describe() if bytes_verdict else "—",
                     time_verdict.describe() if time_verdict else "—"])
    if not rows:
        return None
    return Section(title="Storage: bytes written per turn as a conversation grows, per store",
                   columns=["store", "scenario", "turn 1", "turn 10", "turn 100", "bytes/turn growth", "time/turn growth"],
                   rows=rows, right={2, 3, 4},
                   notes=["Per-turn bytes that grow linearly with the turn mean O(N²) bytes over the conversation "
                          "(write amplification); constant per-turn bytes mean O(N)."])


DURABLE_PREFIX = "storage-durable-"  # storage-durable-<store>: the variants "agno" and "langgraph"
DURABLE_TURNS = 25
FRAMEWORKS = {"agno": "Agno", "langgraph": "LangGraph"}


def _durable_table(results: Sequence[ScenarioResult]) -> Section | None:
    """Agno against LangGraph on the same kind of durable store: one 25-turn conversation, interleaved calls."""
    rows = []
    for result, variants in typed_results(results, "variants"):
        if not result.name.startswith(DURABLE_PREFIX):
            continue
        store = result.name[len(DURABLE_PREFIX):]
        for row in sorted(variants.rows, key=lambda r: list(FRAMEWORKS).index(r.name) if r.name in FRAMEWORKS else 9):
            ratio = f"×{row.vs_baseline:.2f}" if row.vs_baseline is not None and row.name != variants.baseline else ""
            rows.append([store, FRAMEWORKS.get(row.name, row.name), format_ns(row.time_per_op_ns),
                         f"{row.mad_pct:.1f}%", format_ns(row.p95_ns), format_ns(row.time_per_op_ns / DURABLE_TURNS),
                         ratio])
    if not rows:
        return None
    return Section(title="Storage: a durable 25-turn conversation, Agno beside LangGraph on the same kind of store",
                   columns=["store", "framework", "conversation", "± MAD", "p95", "per turn", "Agno ÷ LangGraph"],
                   rows=rows, right={2, 3, 4, 5, 6},
                   notes=["A new conversation per call, whole history in context, saved turn by turn: Agno through "
                          "its SqliteDb / PostgresDb, LangGraph through its SqliteSaver / PostgresSaver "
                          "checkpointer (each its own SQLite file; on PostgreSQL one server, Agno's tables in schema ai and LangGraph's in "
                          "public); the same echo mock and per-turn check as the "
                          "frameworks suite. Calls interleaved (Agno, LangGraph, Agno, ...) in forked rounds; "
                          "conversation = median over rounds of each round's median; the ratio paired round by "
                          "round. Agno's own suite (Apple M4 Max, another machine) reports this conversation on "
                          "SQLite at 42.2 ms for Agno against 36.5 ms for LangGraph."])


def growth_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """The per-store summary and each store's growth table; the durable comparison after them."""
    found = typed_results(results, "turn_growth")
    summary = _verdict_summary(found)
    durable = _durable_table(results)
    return ([summary] if summary else []) + [_growth_table(result, growth) for result, growth in found] + \
        ([durable] if durable else [])


def sessions_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    rows = []
    for result, sessions in typed_results(results, "store_sessions"):
        for cell in sessions.cells:
            kinds = "; ".join(f"{n}× {kind}" for kind, n in cell.error_kinds.items()) or "—"
            rows.append([sessions.store, cell.mode, str(cell.sessions), f"{cell.completed}/{cell.sessions * cell.turns}",
                         f"{cell.turns_per_s:,.1f}", format_ns(cell.p50_ns) if cell.completed else "—",
                         format_ns(cell.p99_ns) if cell.completed else "—", str(cell.errors),
                         str(cell.locked_errors), kinds])
    if not rows:
        return []
    return [Section(title="Storage: sessions at once on one store",
                    columns=["store", "mode", "sessions", "turns done", "turns/s", "p50/turn", "p99/turn", "errors",
                             "locked", "error kinds"],
                    rows=rows, right={2, 3, 4, 5, 6, 7, 8}, wrap=9,
                    notes=["Each session its own agent and conversation (whole history in context) on one shared "
                           "agno store; a failed turn ends its session and is counted by its first line. turns/s "
                           "counts completed turns only. asyncio: Agent.arun with the synchronous store, whose "
                           "calls block the event loop."])]


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """The storage passes' tables for one suite: turn growth, then sessions at once."""
    return growth_sections(results) + sessions_sections(results)
