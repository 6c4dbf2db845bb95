"""The storage tables and charts, from hand-made results: verdicts named, O(N²) said, errors shown."""

from __future__ import annotations

from agnobench.passes.storage.turn_growth import TurnPoint, verdicts
from agnobench.passes.leak.report import sections as leak_sections
from agnobench.passes.storage.report import growth_sections, sessions_sections
from agnobench.results import Metric, PassRecord, ScenarioResult


def _result(name: str, pass_name: str, details: dict, metrics: dict[str, float] | None = None) -> ScenarioResult:
    return ScenarioResult(name=name, suite="storage",
                          metrics={k: Metric.from_samples([v]) for k, v in (metrics or {}).items()},
                          passes={pass_name: PassRecord(details=details)})


def _growth(store: str, bytes_per_turn) -> dict:  # type: ignore[no-untyped-def]
    points = [TurnPoint(turn=t, time_ns=1e6 + 1e4 * t, bytes_written=bytes_per_turn(t), rows_read=t, rows_written=2,
                        statements=5, sent_bytes=1400, rss_bytes=5e7 + 1e4 * t) for t in range(1, 101)]
    return {"store": store, "turns": [p.to_dict() for p in points], "verdicts": [v.to_dict() for v in verdicts(points)]}


def test_growth_tables_name_each_verdict_and_quadratic_write_amplification() -> None:
    results = [_result("growth-flat", "turn_growth", _growth("sqlite", lambda t: 45_320.0)),
               _result("growth-rewrites", "turn_growth", _growth("postgres", lambda t: 1_000.0 + 800.0 * t))]
    summary, flat, rewrites = growth_sections(results)
    rows = {row[0]: row for row in summary.rows}
    assert rows["sqlite"][2:5] == ["45,320 B", "45,320 B", "45,320 B"]
    assert rows["sqlite"][5].startswith("constant")
    assert rows["postgres"][5].startswith("linear (k = 1.00")
    assert [row[0] for row in flat.rows] == ["1", "2", "5", "10", "20", "25", "50", "100"]
    assert any("O(N²)" in note for note in rewrites.notes)
    assert any("no write amplification" in note for note in flat.notes)
    assert any(note.startswith("rows read per turn: linear") for note in flat.notes)


def test_durable_comparison_pairs_agno_with_langgraph_per_store() -> None:
    rows = [{"name": "langgraph", "time_per_op_ns": 500e6, "mad_pct": 2.0, "p95_ns": 600e6},
            {"name": "agno", "time_per_op_ns": 400e6, "mad_pct": 1.0, "p95_ns": 450e6, "vs_baseline": 0.8}]
    results = [_result("storage-durable-sqlite", "variants", {"subject": "agno", "baseline": "langgraph", "rows": rows})]
    durable = growth_sections(results)[-1]
    assert durable.rows[0][:3] == ["sqlite", "Agno", "400 ms"] and durable.rows[0][5] == "16 ms"
    assert durable.rows[0][6] == "×0.80" and durable.rows[1][1] == "LangGraph" and durable.rows[1][6] == ""


def test_sessions_table_shows_lock_errors_and_leak_table_its_verdicts() -> None:
    cell = {"mode": "threads", "sessions": 16, "turns": 3, "completed": 40, "wall_s": 1.0, "turns_per_s": 40.0,
            "p50_ns": 2e7, "p99_ns": 9e7, "errors": 8, "locked_errors": 8,
            "error_kinds": {"StoreError: turn 2: agno logged: (sqlite3.OperationalError) database is locked": 8}}
    (table,) = sessions_sections([_result("s", "store_sessions", {"store": "sqlite", "cells": [cell]})])
    assert table.rows[0][3] == "40/48" and table.rows[0][7:9] == ["8", "8"]
    assert "8× StoreError" in table.rows[0][9]
    leak = {"calls": 2000, "calls_asked": 2000, "per_call_bytes": 1041.0, "per_call_low": 1030.0,
            "per_call_high": 1052.0, "verdict": "grows 1,041 B per call", "rss_verdict": "no growth"}
    (leaks,) = leak_sections([_result("l", "leak", leak)])
    assert leaks.rows[0][1:4] == ["2,000", "1,041.0 B [1,030.0, 1,052.0]", "grows 1,041 B per call"]


def test_html_report_charts_per_turn_cost_per_store() -> None:
    from agnobench.passes.storage.charts import turn_cost_figures

    results = [_result("growth-flat", "turn_growth", _growth("sqlite", lambda t: 45_320.0)),
               _result("growth-pg", "turn_growth", _growth("postgres", lambda t: 2_160.0))]
    figures = turn_cost_figures(results)
    titles = [f.layout.title.text for f in figures]
    assert titles == ["storage: time per turn as the conversation grows",
                      "storage: bytes written per turn as the conversation grows",
                      "storage: rows read per turn as the conversation grows"]
    assert [trace.name.split(" · ")[0] for trace in figures[1].data] == ["sqlite", "postgres"]
    assert list(figures[1].data[0].x) == list(range(1, 101))
