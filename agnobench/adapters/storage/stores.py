"""agno's session stores — InMemoryDb, SqliteDb on a temporary file, PostgresDb — with a meter on each.

:func:`open_store` yields an :class:`OpenStore`: the agno ``db`` to hand an
agent, and a meter whose :meth:`StoreMeter.read` gives cumulative
:class:`Counters` (read before and after a turn; the difference is the turn's):

- every SQL store: statements run, rows written (the driver's row count of
  INSERT/UPDATE/DELETE), rows read, and the bytes of the statements'
  parameters (what agno sent to be stored: a session rewritten on every turn
  shows here first), through SQLAlchemy's ``after_cursor_execute`` event;
- SQLite: bytes this process wrote with ``write(2)`` (``/proc/self/io``
  ``wchar``: the WAL, the database file and checkpoints; the turn runs on
  this thread alone), pages (those bytes ÷ the page size), and the growth of
  the database file, its ``-wal`` and ``-shm``; rows read from a cursor that
  counts what SQLAlchemy fetches (sqlite3 gives no row count for SELECT);
- PostgreSQL: WAL bytes generated (``pg_current_wal_insert_lsn()`` before and
  after: exact, where ``pg_stat_wal`` is flushed by each backend at most once
  a second), the database's size, and rows read (psycopg's row count of
  SELECT); :meth:`StoreMeter.table_totals` reads ``pg_stat_user_tables``'
  tuples inserted/updated/deleted once agno's connections are closed (each
  backend flushes its statistics when it ends).

The directory (SQLite) or database (PostgreSQL) is removed on every exit path.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

STORES = ("memory", "sqlite", "postgres")
TEMP_PREFIX = "agnobench-sqlite-"


class StoreError(RuntimeError):
    """The store failed under a conversation (agno logged it, or a turn did not complete)."""


@dataclass
class Counters:
    """Cumulative readings of a store's meter; a turn's figures are two readings' difference."""

    statements: int = 0
    rows_written: int = 0
    rows_read: int = 0
    sent_bytes: int = 0  # bytes of statement parameters
    bytes_written: float | None = None  # SQLite: write(2) bytes; PostgreSQL: WAL bytes
    file_bytes: float | None = None  # SQLite: db + wal + shm; PostgreSQL: pg_database_size
    rss_bytes: float = 0.0

    def minus(self, before: "Counters") -> "Counters":
        def diff(a: float | None, b: float | None) -> float | None:
            return None if a is None or b is None else a - b

        return Counters(self.statements - before.statements, self.rows_written - before.rows_written,
                        self.rows_read - before.rows_read, self.sent_bytes - before.sent_bytes,
                        diff(self.bytes_written, before.bytes_written), diff(self.file_bytes, before.file_bytes),
                        self.rss_bytes)


def rss_bytes() -> float:
    with open("/proc/self/statm") as handle:
        return float(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def written_bytes() -> int:
    """Bytes this process has passed to write(2) and friends (``wchar``)."""
    with open("/proc/self/io") as handle:
        for line in handle:
            if line.startswith("wchar:"):
                return int(line.split()[1])
    return 0


_fetched = [0]  # rows SQLAlchemy fetched from SQLite cursors, process-wide


class CountingCursor(sqlite3.Cursor):
    """A sqlite3 cursor that counts the rows fetched through it."""

    def fetchone(self) -> Any:
        row = super().fetchone()
        _fetched[0] += row is not None
        return row

    def fetchmany(self, size: int | None = None) -> list[Any]:
        rows = super().fetchmany(self.arraysize if size is None else size)
        _fetched[0] += len(rows)
        return rows

    def fetchall(self) -> list[Any]:
        rows = super().fetchall()
        _fetched[0] += len(rows)
        return rows


class CountingConnection(sqlite3.Connection):
    def cursor(self, factory: Any = CountingCursor) -> Any:
        return super().cursor(factory)


def _parameter_bytes(params: Any) -> int:
    if not params:
        return 0
    if isinstance(params, dict):
        values = params.values()
    elif isinstance(params, (list, tuple)) and params and isinstance(params[0], (dict, list, tuple)):
        return sum(_parameter_bytes(p) for p in params)  # executemany
    else:
        values = params
    total = 0
    for value in values:
        if isinstance(value, (bytes, bytearray, memoryview)):
            total += len(value)
        elif value is not None:
            total += len(str(value).encode())
    return total


@dataclass
class StoreMeter:
    """Counts what a store's engine runs; reads the store's own write counters."""

    kind: str
    engine: Any = None  # sqlalchemy Engine (None for the in-memory store)
    files: list[Path] = field(default_factory=list)
    admin: Any = None  # psycopg connection (PostgreSQL): WAL position and sizes
    page_size: int = 4096
    _counts: Counters = field(default_factory=Counters)

    def attach(self) -> None:
        if self.engine is None:
            return
        from sqlalchemy import event

        counts = self._counts
        sqlite = self.kind == "sqlite"

        @event.listens_for(self.engine, "after_cursor_execute")
        def _count(conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
            counts.statements += 1
            counts.sent_bytes += _parameter_bytes(params)
            verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
            rowcount = getattr(cursor, "rowcount", -1)
            if verb in ("INSERT", "UPDATE", "DELETE") and rowcount and rowcount > 0:
                counts.rows_written += rowcount
            elif verb in ("SELECT", "WITH") and not sqlite and rowcount and rowcount > 0:
                counts.rows_read += rowcount

    def read(self) -> Counters:
        c = self._counts
        now = Counters(c.statements, c.rows_written, c.rows_read, c.sent_bytes, rss_bytes=rss_bytes())
        if self.kind == "sqlite":
            now.rows_read = _fetched[0]
            now.bytes_written = float(written_bytes())
            now.file_bytes = float(sum(p.stat().st_size for p in self.files if p.exists()))
        elif self.kind == "postgres" and self.admin is not None:
            row = self.admin.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), '0/0'), "
                                     "pg_database_size(current_database())").fetchone()
            now.bytes_written, now.file_bytes = float(row[0]), float(row[1])
        return now

    def table_totals(self) -> dict[str, int]:
        """PostgreSQL: tuples inserted, updated (HOT among them) and deleted in agno's tables, as the server
        counted them; call after agno's connections are closed (their backends flush on exit)."""
        if self.admin is None:
            return {}
        self.admin.execute("SELECT pg_stat_clear_snapshot()")
        row = self.admin.execute("SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0), "
                                 "coalesce(sum(n_tup_hot_upd), 0), coalesce(sum(n_tup_del), 0) "
                                 "FROM pg_stat_user_tables").fetchone()
        return {"tuples_inserted": int(row[0]), "tuples_updated": int(row[1]), "tuples_hot_updated": int(row[2]),
                "tuples_deleted": int(row[3])}


@dataclass
class OpenStore:
    kind: str
    db: Any  # an agno BaseDb
    meter: StoreMeter
    where: str = ""  # file, or socket directory / redacted URL


def _sqlite_store(stack: ExitStack, busy_timeout_s: float | None) -> OpenStore:
    from agno.db.sqlite import SqliteDb
    from agno.db.sqlite import sqlite as agno_sqlite
    from sqlalchemy import create_engine

    from agnobench.adapters.storage.postgres_server import Janitor

    root = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
    stack.callback(Janitor("dir", str(root)).finish)  # removes it even if this process is killed outright
    stack.callback(shutil.rmtree, root, ignore_errors=True)
    path = root / "agno.db"
    # agno's own engine for a file, plus a connection class that counts fetched rows
    engine = create_engine(f"sqlite:///{path}", json_serializer=agno_sqlite.json_serializer,
                           connect_args={"factory": CountingConnection,
                                         **({"timeout": busy_timeout_s} if busy_timeout_s is not None else {})})
    stack.callback(engine.dispose)
    db = SqliteDb(db_engine=engine, db_file=str(path))
    files = [path, root / "agno.db-wal", root / "agno.db-shm"]
    return OpenStore("sqlite", db, StoreMeter("sqlite", engine, files), str(path))


def _postgres_store(stack: ExitStack) -> OpenStore:
    import psycopg
    from agno.db.postgres import PostgresDb

    from agnobench.adapters.storage.postgres_server import libpq_url, postgres_database

    url = stack.enter_context(postgres_database())
    db = PostgresDb(db_url=url)
    stack.callback(db.db_engine.dispose)  # before the database goes (callbacks run last-in first-out)
    admin = psycopg.connect(libpq_url(url), autocommit=True)
    stack.callback(admin.close)
    return OpenStore("postgres", db, StoreMeter("postgres", db.db_engine, admin=admin), "PostgreSQL")


@contextmanager
def open_store(kind: str, busy_timeout_s: float | None = None) -> Iterator[OpenStore]:
    """A fresh, empty store of ``kind`` with its meter attached; removed on every way out. ``busy_timeout_s``:
    how long a SQLite connection waits for a lock before "database is locked" (None: sqlite3's 5 s)."""
    if kind not in STORES:
        raise ValueError(f"unknown store {kind!r} (known: {', '.join(STORES)})")
    with ExitStack() as stack:
        if kind == "memory":
            from agno.db.in_memory import InMemoryDb

            store = OpenStore("memory", InMemoryDb(), StoreMeter("memory"), "process memory")
        elif kind == "sqlite":
            store = _sqlite_store(stack, busy_timeout_s)
        else:
            store = _postgres_store(stack)
        store.meter.attach()
        yield store
