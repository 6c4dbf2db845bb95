"""The knowledge suite's tables: beside the document's "unbenchmarked" line, the curve, inserts, RAG.

The performance document lists vector-DB queries under 未ベンチマーク
(unbenchmarked). The first table puts what agnobench measured on that line,
one row per figure, as the real-world table does for teams and workflows;
then the query-time curve of each store over corpus sizes with its growth
verdict, insert throughput batched against one by one, and the agent run
with knowledge search against the same run without retrieval.
"""

from __future__ import annotations

from typing import Any, Sequence

from agnobench.reporters.format import format_bytes, format_count, format_ns
from agnobench.reporters.noise import NOT_MEASURABLE, value_noise
from agnobench.reporters.section import Section
from agnobench.reporters.typed import typed_results
from agnobench.results import ScenarioResult

UNBENCHMARKED = "unbenchmarked (未ベンチマーク: ベクトルDBクエリ)"


def _median(result: ScenarioResult, metric: str) -> float | None:
    found = result.metrics.get(metric)
    return found.median if found is not None else None


def _rate(value: float | None) -> str:
    return f"{format_count(value)} docs/s" if value else "—"


def _growth_rows(result: ScenarioResult, growth: Any) -> list[list[str]]:
    points = growth.points
    last = points[-1]
    rows = [[result.name, growth.store, f"top-5 query at {last.size:,} vectors", format_ns(last.query_ns)],
            [result.name, growth.store, f"growth {points[0].size:,} → {last.size:,}",
             f"{growth.growth} (×{growth.ratio or last.query_ns / points[0].query_ns:.3g}, k = {growth.exponent:.2f})"],
            [result.name, growth.store, "recall@5 (lowest size)", f"{min(p.recall for p in points):.3f}"]]
    memory, disk = _median(result, "rss_per_1k_vectors_bytes"), _median(result, "disk_per_1k_vectors_bytes")
    if memory is not None and disk is not None:
        why = value_noise("B", memory)
        resident = f"{NOT_MEASURABLE} ({format_bytes(memory)}: {why})" if why else f"{format_bytes(memory)} resident"
        rows.append([result.name, growth.store, "memory per 1,000 vectors", f"{resident}, {format_bytes(disk)} on disk"])
    return rows


def _unbenchmarked_table(results: Sequence[ScenarioResult]) -> Section | None:
    rows: list[list[str]] = []
    for result, growth in typed_results(results, "corpus_growth"):
        rows += _growth_rows(result, growth)
    for result, inserts in typed_results(results, "insert_throughput"):
        per_call = min(inserts.insert_batch_size, inserts.insert_docs) or inserts.insert_batch_size
        rows.append([result.name, inserts.store, f"insert, {per_call:,} per call",
                     _rate(inserts.median("batch_docs_per_s"))])
        rows.append([result.name, inserts.store, "insert, one per call", _rate(inserts.median("single_docs_per_s"))])
    for result, rag in typed_results(results, "rag_overhead"):
        overhead, ratio = _median(result, "overhead_ns"), _median(result, "overhead_ratio")
        if overhead is not None and ratio is not None:
            rows.append([result.name, rag.store, "retrieval overhead per agent run",
                         f"{format_ns(overhead)} (×{ratio:.3g} the run without it)"])
    if not rows:
        return None
    shown = []
    for index, row in enumerate(rows):  # the scenario, its store and the document's line once per group
        same = index and rows[index - 1][0] == row[0]
        shown.append(["", "", row[2], row[3], ""] if same else [row[0], row[1], row[2], row[3], UNBENCHMARKED])
    return Section(title="Knowledge: vector-DB queries beside the document's 'unbenchmarked' line",
                   columns=["scenario", "store", "figure", "agno here", "document"], rows=shown, right={3},
                   notes=["Offline: a hashed bag-of-words embedder (384 dimensions, no model), a generated corpus "
                          "whose every query has one known right document; the real embedded stores through "
                          "agno's own integrations, each in a temporary directory."])


def _curve(result: ScenarioResult, growth: Any) -> Section:
    rows = []
    for p in growth.points:
        store_share = max(0.0, p.query_ns - growth.embed_query_ns)
        rows.append([f"{p.size:,}", format_ns(p.query_ns), f"{p.query_mad_pct:.1f}%", format_ns(p.query_p95_ns),
                     format_ns(store_share), f"{p.recall:.3f}", f"{p.recall_at_1:.3f}", _rate(p.insert_docs_per_s),
                     format_bytes(p.rss_growth_bytes), format_bytes(p.disk_bytes)])
    notes = [f"verdict: {growth.growth} — {growth.criterion}.",
             f"query: agno's VectorDb.search(limit=5), its query embedding included ({format_ns(growth.embed_query_ns)}"
             f" alone); store share = query minus that. Median over {growth.rounds} rounds, every round visiting "
             "every size in turn. recall@5 / @1 on probe queries with known answers. insert: the fill of that "
             "size. resident: memory the process gained while filling it (native, unseen by tracemalloc)."]
    return Section(title=f"{result.name}: top-5 query time as the corpus grows ({growth.store})",
                   columns=["vectors", "query", "± MAD", "p95", "store share", "recall@5", "recall@1", "insert",
                            "resident", "disk"],
                   rows=rows, right=set(range(10)), notes=notes)


def growth_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """The 'unbenchmarked' table for the whole suite (all three knowledge passes), then each curve."""
    sections = [s for s in [_unbenchmarked_table(results)] if s is not None]
    return sections + [_curve(result, growth) for result, growth in typed_results(results, "corpus_growth")]


def insert_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    rows = []
    for result, inserts in typed_results(results, "insert_throughput"):
        first, last = inserts.median("single_first_tenth_ns"), inserts.median("single_last_tenth_ns")
        rows.append([result.name, inserts.store, _rate(inserts.median("batch_docs_per_s")),
                     _rate(inserts.median("single_docs_per_s")), _rate(inserts.median("embed_docs_per_s")),
                     f"{format_ns(first)} → {format_ns(last)}"])
    if not rows:
        return []
    return [Section(title="Knowledge: insert throughput into a fresh store", rows=rows, right={2, 3, 4, 5},
                    columns=["scenario", "store", "batched", "one per call", "embedder alone",
                             "one insert: first → last tenth"],
                    notes=["Through agno's VectorDb.insert, which embeds each document first; median over rounds, a "
                           "fresh store each. 'first → last tenth': one single insert's time early and late in the "
                           "one-per-call run (does it slow as the table grows?)."])]


def rag_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    rows = []
    for result, rag in typed_results(results, "rag_overhead"):
        for index, row in enumerate(rag.rows):
            ratio = "baseline" if row.name == rag.baseline else (f"×{row.vs_baseline:.3g}" if row.vs_baseline else "—")
            name = row.name + (" ◀" if row.name == rag.subject else "")
            rows.append([result.name if index == 0 else "", rag.store if index == 0 else "", name,
                         format_ns(row.time_per_op_ns), ratio])
    if not rows:
        return []
    return [Section(title="Knowledge: an agent run with knowledge search against the same run without it",
                    columns=["scenario", "store", "run", "time/run", "vs tool run"], rows=rows, right={3, 4},
                    notes=["agent-run: no tool; agent-tool-run: the mock model calls a plain lookup tool that returns "
                           "the right document (same model calls, no retrieval); agent-knowledge-run ◀: it calls "
                           "agno's search_knowledge_base on the store, and the answer must cite the right document. "
                           "Interleaved call by call; median over rounds, paired per round."])]


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """This package's tables for one suite (found by :mod:`agnobench.reporters.hooks`)."""
    return growth_sections(results) + insert_sections(results) + rag_sections(results)
