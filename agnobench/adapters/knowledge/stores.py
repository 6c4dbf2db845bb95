"""agno's embedded vector stores, each in a temporary directory removed on every exit path.

LanceDB (``agno.vectordb.lancedb.LanceDb``: files in the directory) is the
default store; ChromaDB (``agno.vectordb.chroma.ChromaDb`` on a persistent
local client) stands beside it. Both are the real stores as an agno user
configures them, with :class:`HashEmbedder` in place of a model.

Neither store survives ``fork()``: ChromaDB's client crashes or hangs in a
forked child and LanceDB warns that its async runtime may deadlock. So a store
is only ever opened in the process that uses it (the passes open theirs in
the forked measuring child), and this module imports neither library until a
store is opened.

A store may also be named ``"package.module:factory"``: the factory is called
as ``factory(path, embedder)`` in the measuring child and returns an agno
``VectorDb`` keeping its files under ``path`` — your own store, or your own
configuration of one, measured exactly like the built-in two.

Cleanup: :func:`open_store` removes its directory in a ``finally`` (normal
exit, exception, ``KeyboardInterrupt``). A process killed outright (a timeout
or Ctrl-C in the runner sends SIGKILL) cannot clean up, so every directory
carries its creator's pid, and each new :func:`open_store` first sweeps the
directories of processes that no longer exist.
"""

from __future__ import annotations

import importlib.util
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from agnobench.adapters.knowledge.embedder import HashEmbedder
from agnobench import tempdirs

STORES = ("lancedb", "chroma")
# the module each store needs, for the skip with its install line
STORE_MODULES = {"lancedb": "lancedb", "chroma": "chromadb"}
INSTALL_LINE = "pip install 'agnobench[knowledge]'"
TEMP_PREFIX = "agnobench-knowledge-"  # tempdirs.prefix("knowledge") without the pid
COLLECTION = "agnobench_corpus"  # ChromaDB wants 3+ characters


class StoreUnavailable(RuntimeError):
    """The store's library is not installed."""


@dataclass
class OpenStore:
    """A store ready for use: agno's ``VectorDb`` and the directory holding its files."""

    kind: str
    vector_db: Any  # agno.vectordb.base.VectorDb
    path: Path
    embedder: HashEmbedder


def is_factory(kind: str) -> bool:
    return ":" in kind


def missing_store(kind: str) -> str | None:
    """The install line when ``kind``'s library is absent, else None (nothing is imported)."""
    if is_factory(kind):
        return None
    if kind not in STORE_MODULES:
        raise ValueError(f"unknown store {kind!r} (known: {', '.join(STORES)}, or 'module:factory')")
    return None if importlib.util.find_spec(STORE_MODULES[kind]) else INSTALL_LINE


def sweep_stale(root: Path | None = None) -> list[Path]:
    """Remove the store directories of processes that are gone (and agnobench's other leftovers)."""
    return tempdirs.sweep_stale(root)


def _lancedb(path: Path, embedder: HashEmbedder) -> Any:
    from agno.vectordb.lancedb import LanceDb

    return LanceDb(uri=str(path), table_name=COLLECTION, embedder=embedder)


def _chroma(path: Path, embedder: HashEmbedder) -> Any:
    from agno.vectordb.chroma import ChromaDb
    from chromadb.config import Settings

    db = ChromaDb(collection=COLLECTION, path=str(path), persistent_client=True, embedder=embedder,
                  settings=Settings(anonymized_telemetry=False, allow_reset=True))
    db.create()
    return db


def _factory(kind: str) -> Callable[[Path, HashEmbedder], Any]:
    if kind == "lancedb":
        return _lancedb
    if kind == "chroma":
        return _chroma
    from agnobench.importing import import_reference

    return import_reference(kind)


def _close(store: OpenStore) -> None:
    client = getattr(store.vector_db, "_client", None)  # ChromaDb's: releases its SQLite files before removal
    close = getattr(client, "close", None)
    if callable(close):
        close()


@contextmanager
def open_store(kind: str, embedder: HashEmbedder | None = None, root: Path | None = None) -> Iterator[OpenStore]:
    """An empty store of ``kind`` in a fresh temporary directory, removed when the block exits."""
    install = missing_store(kind)
    if install:
        raise StoreUnavailable(f"{kind} is not installed: {install}")
    sweep_stale(root)
    label = "custom" if is_factory(kind) else kind
    path = Path(tempfile.mkdtemp(prefix=f"{tempdirs.prefix('knowledge')}{label}-", dir=root))
    try:
        embedder = embedder or HashEmbedder()
        vector_db = _factory(kind)(path, embedder)
        store = OpenStore(kind=kind, vector_db=vector_db, path=path, embedder=embedder)
        try:
            yield store
        finally:
            _close(store)
    finally:
        shutil.rmtree(path, ignore_errors=True)
