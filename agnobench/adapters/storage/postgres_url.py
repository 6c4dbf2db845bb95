"""``agnobench run --postgres-url``: check the server before measuring, and reach it from the workers.

Checked in the parent before any scenario runs: a URL that is not a
PostgreSQL URL, a server that cannot be reached, or a login it refuses is bad
input — one line naming ``--postgres-url`` with the URL's password hidden,
exit 2.

Scenario workers run in a network namespace of their own with only ``lo``
(docs/harness.md): a TCP address of the parent's network is not reachable
from there, but a Unix socket in a directory is (a socket file is found by
path, not by network). So for a TCP URL the parent runs a small relay for
the whole run: a Unix socket in a temporary directory, each connection to it
passed on to the named server, and the workers get the same URL with that
directory as its host. The relay's thread, its connections and its
directory end with the run (a ``finally`` in the command), on every way out.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from agnobench.adapters.storage.postgres_server import PORT, URL_VARIABLE, libpq_url, redact
from agnobench.errors import InputError

OPTION = "--postgres-url"
CONNECT_TIMEOUT_S = 5
QUIET_S = 1.5  # the relay stays until unused this long at the end of a run (janitors drop their databases)
SETTLE_LIMIT_S = 10.0


def check_url(url: str) -> None:
    """Connect once; bad input (exit 2, one line, no password) when it cannot."""
    try:
        import psycopg
    except ImportError:
        raise InputError(OPTION, None, "needs psycopg: pip install 'agnobench[postgres]'") from None
    shown = redact(url)
    try:
        from sqlalchemy.engine import make_url

        if make_url(url).get_backend_name() not in ("postgresql", "postgres"):
            raise ValueError(url)
        target = libpq_url(url)
    except Exception:
        raise InputError(OPTION, None, f"{shown}: not a PostgreSQL URL (postgresql://user:password@host:port/db)") from None
    try:
        with psycopg.connect(target, connect_timeout=CONNECT_TIMEOUT_S, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # refused, unreachable, login failed, no such database
        reason = " ".join(str(exc).split())
        password = _password(url)
        if password:
            reason = reason.replace(password, "***")
        raise InputError(OPTION, None, f"{shown}: cannot connect: {reason}") from None


def _password(url: str) -> str | None:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).password
    except Exception:
        return None


def _host_port(url: str) -> tuple[str | None, int]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    host = parsed.host or parsed.query.get("host")
    return (host if isinstance(host, str) else None), int(parsed.port or 5432)


class UnixRelay:
    """A Unix socket whose every connection is passed on to ``host:port`` over TCP."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.root = Path(tempfile.mkdtemp(prefix="agnobench-pgrelay-", dir="/tmp"))
        os.chmod(self.root, 0o755)
        self.path = self.root / f".s.PGSQL.{PORT}"
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(self.path))
        os.chmod(self.path, 0o777)
        self.listener.listen(64)
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.last_activity = time.monotonic()
        self._thread = threading.Thread(target=self._accept, name="agnobench-pg-relay", daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                inner, _ = self.listener.accept()
            except OSError:
                return  # closed: the run is over
            try:
                outer = socket.create_connection(self.target, timeout=CONNECT_TIMEOUT_S)
                outer.settimeout(None)
            except OSError:
                inner.close()
                continue
            with self._lock:
                self._open.update((inner, outer))
                self.last_activity = time.monotonic()
            for a, b in ((inner, outer), (outer, inner)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            with self._lock:
                self._open.discard(source)
                self._open.discard(sink)
                self.last_activity = time.monotonic()

    def settle(self, quiet_s: float = QUIET_S, limit_s: float = SETTLE_LIMIT_S) -> None:
        """Wait until nothing has used the relay for ``quiet_s``: a worker's janitor drops its database
        through it just after the worker ends, which can be just after the run's last scenario."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            with self._lock:
                busy = bool(self._open)
                idle = time.monotonic() - self.last_activity
            if not busy and idle >= quiet_s:
                return
            time.sleep(0.05)

    def close(self) -> None:
        self.listener.close()
        with self._lock:
            for sock in self._open:
                sock.close()
            self._open.clear()
        shutil.rmtree(self.root, ignore_errors=True)


@contextmanager
def workers_reach(url: str, checked: bool = False) -> Iterator[str]:
    """Check ``url``, set it for the workers (``AGNOBENCH_POSTGRES_URL``), relayed if it is TCP; undone at the end."""
    if not checked:
        check_url(url)
    from sqlalchemy.engine import make_url

    host, port = _host_port(url)
    relay = None
    given = url
    if host is None or not host.startswith("/"):
        relay = UnixRelay(host or "localhost", port)
        parsed = make_url(url).set(host=None, port=None)
        given = parsed.update_query_dict({"host": str(relay.root), "port": str(PORT)}).render_as_string(
            hide_password=False)
    before = os.environ.get(URL_VARIABLE)
    os.environ[URL_VARIABLE] = given
    try:
        yield given
    finally:
        if before is None:
            os.environ.pop(URL_VARIABLE, None)
        else:
            os.environ[URL_VARIABLE] = before
        if relay is not None:
            relay.settle()
            relay.close()
