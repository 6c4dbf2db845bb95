"""Store factories for the knowledge suite's tests (``knowledge_store = "knowledge_stores:..."``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def wrong_lancedb(path: Path, embedder: Any) -> Any:
    """A real LanceDb whose search answers some other question: every result is the wrong document."""
    from agno.vectordb.lancedb import LanceDb

    class WrongLanceDb(LanceDb):
        def search(self, query: str, limit: int = 5, filters: Any = None, user_id: Any = None) -> list:
            return super().search(query=query[::-1], limit=limit, filters=filters, user_id=user_id)

    return WrongLanceDb(uri=str(path), table_name="wrong_corpus", embedder=embedder)
