"""The knowledge scenarios' ``operation``: embedding one query, checked.

The worker calls a scenario's operation once in its own process before the
passes fork their children. A vector store must not be open across that fork
(see :mod:`.stores`), so the operation touches no store: it embeds a corpus
query with :class:`HashEmbedder`, which every store query also does, and its
check proves the embedder is the offline one with the promised dimensions.
The stores themselves are opened by the knowledge passes, inside their
measuring children.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

from agnobench.adapters.knowledge.corpus import Corpus
from agnobench.adapters.knowledge.embedder import DIMENSIONS, HashEmbedder
from agnobench.adapters.knowledge.retrieval import RetrievalError


@dataclass
class QueryParts:
    embedder: HashEmbedder
    query: str


def query_parts() -> QueryParts:
    return QueryParts(embedder=HashEmbedder(), query=Corpus(1000).query(42))


def embed_query(parts: QueryParts) -> List[float]:
    return parts.embedder.get_embedding(parts.query)


def check_embedding(vector: List[float]) -> bool:
    if len(vector) != DIMENSIONS or not any(vector):
        raise RetrievalError(f"the query embedding has {len(vector)} dimensions (expected {DIMENSIONS}) or is empty")
    return True
