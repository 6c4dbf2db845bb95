"""The knowledge tables, from hand-made results: the 'unbenchmarked' line, the curve, inserts, RAG."""

from __future__ import annotations

from agnobench.passes.knowledge.report import UNBENCHMARKED, growth_sections, insert_sections, rag_sections
from agnobench.results import Metric, PassRecord, ScenarioResult

POINTS = [{"size": 1000, "query_ns": 2e6, "query_mad_pct": 1.0, "query_p95_ns": 2.5e6, "recall": 1.0,
           "recall_at_1": 1.0, "recall_probes": 50, "insert_docs_per_s": None, "rss_growth_bytes": 3e7,
           "disk_bytes": 1.7e6},
          {"size": 10000, "query_ns": 1.2e7, "query_mad_pct": 2.0, "query_p95_ns": 1.4e7, "recall": 0.96,
           "recall_at_1": 0.96, "recall_probes": 50, "insert_docs_per_s": 3000.0, "rss_growth_bytes": 4e7,
           "disk_bytes": 1.7e7}]


def _result(name: str, pass_name: str, details: dict, metrics: dict[str, float]) -> ScenarioResult:
    return ScenarioResult(name=name, suite="knowledge", metrics={k: Metric.from_samples([v]) for k, v in metrics.items()},
                          passes={pass_name: PassRecord(details=details)})


def _results() -> list[ScenarioResult]:
    growth = {"store": "lancedb", "points": POINTS, "embed_query_ns": 10_000.0, "growth": "linear", "exponent": 0.78,
              "criterion": "the rule", "rounds": 5}
    inserts = {"store": "lancedb", "insert_docs": 1000, "insert_batch_size": 1000, "single_docs": 100,
               "rounds": [{"batch_docs_per_s": 3000.0, "single_docs_per_s": 100.0, "embed_docs_per_s": 20000.0,
                           "single_first_tenth_ns": 1e7, "single_last_tenth_ns": 1.2e7}]}
    rag = {"store": "lancedb", "corpus_size": 1000, "subject": "agent-knowledge-run", "baseline": "agent-tool-run",
           "calls_per_round": 40, "rows": [{"name": "agent-run", "time_per_op_ns": 3e5, "vs_baseline": 0.4},
                                           {"name": "agent-tool-run", "time_per_op_ns": 8e5},
                                           {"name": "agent-knowledge-run", "time_per_op_ns": 5e6, "vs_baseline": 6.2}]}
    return [_result("knowledge-query-lancedb", "corpus_growth", growth,
                    {"time_per_op_ns": 1.2e7, "rss_per_1k_vectors_bytes": 1.1e6, "disk_per_1k_vectors_bytes": 1.7e6}),
            _result("knowledge-insert-lancedb", "insert_throughput", inserts, {"batch_insert_docs_per_s": 3000.0}),
            _result("knowledge-agent-run", "rag_overhead", rag,
                    {"time_per_op_ns": 5e6, "overhead_ns": 4.2e6, "overhead_ratio": 6.2})]


def test_unbenchmarked_table_and_curve() -> None:
    document, curve = growth_sections(_results())
    figures = {row[2]: row[3] for row in document.rows}
    assert figures["top-5 query at 10,000 vectors"] == "12 ms"
    assert figures["growth 1,000 → 10,000"].startswith("linear (×6")
    assert figures["recall@5 (lowest size)"] == "0.960"
    assert "resident" in figures["memory per 1,000 vectors"]
    assert figures["insert, 1,000 per call"] == "3,000 docs/s"
    assert figures["retrieval overhead per agent run"].startswith("4.2 ms (×6.2")
    assert [row[4] for row in document.rows if row[0]] == [UNBENCHMARKED] * 3  # once per scenario
    assert [row[0] for row in curve.rows] == ["1,000", "10,000"]
    assert curve.rows[1][4] == "12 ms"  # store share: query minus the 10 µs embedding, at 3 significant digits
    assert "linear" in curve.notes[0]


def test_insert_label_is_the_documents_per_call_actually_made() -> None:
    results = _results()
    results[1].result_of("insert_throughput").insert_docs = 200  # a --quick run: one call of 200
    (document, _) = growth_sections(results)
    assert "insert, 200 per call" in [row[2] for row in document.rows]


def test_insert_and_rag_tables() -> None:
    (inserts,) = insert_sections(_results())
    assert inserts.rows[0][2:5] == ["3,000 docs/s", "100 docs/s", "20k docs/s"]
    (rag,) = rag_sections(_results())
    assert [row[2] for row in rag.rows] == ["agent-run", "agent-tool-run", "agent-knowledge-run ◀"]
    assert [row[4] for row in rag.rows] == ["×0.4", "baseline", "×6.2"]


def test_failed_or_other_suites_give_no_tables() -> None:
    assert growth_sections([]) == [] and insert_sections([]) == [] and rag_sections([]) == []
