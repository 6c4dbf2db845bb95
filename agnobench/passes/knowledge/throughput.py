"""Insert throughput: documents per second into a fresh store, in one batch and one by one.

Both go through agno's ``VectorDb.insert``, which embeds each document with
:class:`HashEmbedder` before writing it, as it would with a real embedder.
The embedder alone is timed on the same documents, so the store's own share of
an insert is visible. After inserting, a few probe queries must find their
documents: an insert that silently dropped them fails instead of looking fast.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from agnobench.adapters.knowledge.corpus import Corpus
from agnobench.adapters.knowledge.embedder import HashEmbedder
from agnobench.adapters.knowledge.retrieval import check_recall, fill, insert, measure_recall
from agnobench.adapters.knowledge.stores import open_store

RECALL_PROBES = 10


@dataclass
class InsertPlan:
    kind: str
    batch_docs: int  # documents inserted in batches of ``batch`` (one insert call each)
    batch: int
    single_docs: int  # documents inserted one insert call each
    min_recall: float


def _per_second(count: int, ns: int) -> float:
    return 1e9 * count / ns if ns else 0.0


def insert_child(plan: InsertPlan) -> dict[str, Any]:
    """One round: a fresh store per mode; JSON-able, for ``run_forked``."""
    embedder = HashEmbedder()
    clock = time.perf_counter_ns
    corpus = Corpus(plan.batch_docs)
    with open_store(plan.kind, embedder) as store:
        start = clock()
        fill(store.vector_db, corpus, batch=plan.batch)
        batch_ns = clock() - start
        check_recall(measure_recall(store.vector_db, corpus, RECALL_PROBES), plan.min_recall,
                     f"{plan.kind} after a batch insert of {corpus.size:,}")

    single = Corpus(plan.single_docs)
    per_insert: list[int] = []
    with open_store(plan.kind, embedder) as store:
        for index in range(single.size):
            start = clock()
            insert(store.vector_db, single, index, index + 1)
            per_insert.append(clock() - start)
        check_recall(measure_recall(store.vector_db, single, RECALL_PROBES), plan.min_recall,
                     f"{plan.kind} after {single.size:,} single inserts")

    start = clock()
    for doc in corpus.documents():
        embedder.get_embedding(doc.content)
    embed_ns = clock() - start
    tenth = max(1, len(per_insert) // 10)
    return {"plan": asdict(plan),
            "batch_docs_per_s": _per_second(corpus.size, batch_ns),
            "single_docs_per_s": _per_second(len(per_insert), sum(per_insert)),
            "embed_docs_per_s": _per_second(corpus.size, embed_ns),
            # does a one-by-one insert slow down as the table grows (a new fragment per insert)?
            "single_first_tenth_ns": sum(per_insert[:tenth]) / tenth,
            "single_last_tenth_ns": sum(per_insert[-tenth:]) / tenth}
