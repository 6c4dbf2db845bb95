"""Filling a store with the corpus, querying it, and checking what came back.

Every figure the knowledge suite reports rests on these: documents go in
through agno's own ``VectorDb.insert`` (which embeds them, as it does for a
user), queries go through agno's ``VectorDb.search`` (which embeds the query),
and :func:`check_recall` compares the results with the corpus's known right
answers. A store that returns the wrong documents raises
:class:`RetrievalError`, so its timings are never reported as if it worked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, List

from agnobench.adapters.knowledge.corpus import Corpus, CorpusDocument

TOP_K = 5
INSERT_BATCH = 1000  # documents per insert call when filling a store


class RetrievalError(AssertionError):
    """The store did not return the documents the corpus says are right."""


def agno_documents(docs: Iterable[CorpusDocument]) -> List[Any]:
    from agno.knowledge.document import Document

    return [Document(content=d.content, name=d.name, id=d.name, meta_data={"index": d.index}) for d in docs]


def content_hash(corpus: Corpus) -> str:
    return f"agnobench-corpus-{corpus.seed}"


def insert(vector_db: Any, corpus: Corpus, start: int, stop: int) -> None:
    """Documents ``start..stop`` in one ``insert`` call (agno embeds them inside it)."""
    vector_db.insert(content_hash(corpus), agno_documents(corpus.documents(start, stop)))


def fill(vector_db: Any, corpus: Corpus, start: int = 0, batch: int = INSERT_BATCH) -> None:
    """The corpus from ``start`` to its end, ``batch`` documents per insert call."""
    for first in range(start, corpus.size, batch):
        insert(vector_db, corpus, first, min(first + batch, corpus.size))


def search_names(vector_db: Any, query: str, limit: int = TOP_K) -> List[str]:
    return [d.name for d in vector_db.search(query=query, limit=limit)]


@dataclass
class Recall:
    """How many probe queries found their document in the top ``k`` (and first)."""

    k: int
    probes: int
    hits: int
    first: int
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.hits / self.probes if self.probes else 0.0

    @property
    def recall_at_1(self) -> float:
        return self.first / self.probes if self.probes else 0.0


def measure_recall(vector_db: Any, corpus: Corpus, probes: int, k: int = TOP_K) -> Recall:
    indices = corpus.probes(probes)
    hits = first = 0
    misses: list[dict[str, Any]] = []
    for index in indices:
        names = search_names(vector_db, corpus.query(index), k)
        wanted = corpus.name(index)
        if wanted in names:
            hits += 1
            first += names[0] == wanted
        elif len(misses) < 5:
            misses.append({"query": index, "wanted": wanted, "got": names})
    return Recall(k=k, probes=len(indices), hits=hits, first=first, misses=misses)


def check_recall(result: Recall, minimum: float, where: str) -> Recall:
    """Raise unless at least ``minimum`` of the probes found their document."""
    if result.recall < minimum:
        example = result.misses[0] if result.misses else {}
        raise RetrievalError(f"{where}: recall@{result.k} {result.recall:.3f} is below {minimum:g} "
                             f"({result.hits}/{result.probes} queries found their document); e.g. the query for "
                             f"{example.get('wanted')} returned {example.get('got')}")
    return result


def rss_bytes() -> int:
    """Resident set size of this process: the stores' native memory is invisible to tracemalloc."""
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


def disk_bytes(path: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(dirpath, name))
            except OSError:
                pass
    return total
