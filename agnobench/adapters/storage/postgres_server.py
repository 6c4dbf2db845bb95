"""A throw-away PostgreSQL server (or a database on the user's), gone on every exit path.

:func:`postgres_database` yields a SQLAlchemy URL of an empty database:

- with ``AGNOBENCH_POSTGRES_URL`` set (``agnobench run --postgres-url``): a
  database ``agnobench_<random>`` created on that server, dropped at the end;
- else, with PostgreSQL's binaries installed (Debian's ``postgresql``): a fresh
  cluster in a temporary directory (``initdb``), a ``postgres`` process
  listening on a Unix socket in that directory only (no TCP port: the socket
  works inside the worker's own network namespace and nothing listens on any
  interface).

Who cleans up, and when:

- the normal way out (success, an exception, ``KeyboardInterrupt``): the
  context manager asks the server for a fast shutdown, waits, kills it if it
  lingers, and removes the directory;
- the worker killed outright (a timeout or Ctrl-C in agnobench SIGKILLs the
  worker's process group): the server runs in a session of its own with
  ``PR_SET_PDEATHSIG = SIGQUIT`` (PostgreSQL's immediate shutdown), so the
  kernel stops it when its parent dies; and a small *janitor* process, started
  before ``initdb`` in a session of its own, holds the read end of a pipe whose
  only writers are the worker (and its forks): when they are all gone it sees
  end-of-file, kills whatever server is left in the directory, removes the
  directory (or drops the database on the user's server) and exits.

``initdb`` and ``postgres`` refuse to run as root: as root they run as the
``postgres`` user (setgid/setuid before exec), the directory made theirs.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

URL_VARIABLE = "AGNOBENCH_POSTGRES_URL"
BINDIR_VARIABLE = "AGNOBENCH_POSTGRES_BINDIR"
INSTALL_LINE = "apt-get install postgresql (or agnobench run --postgres-url URL)"
TEMP_PREFIX = "agnobench-pg-"
PORT = 5432  # only names the socket file (.s.PGSQL.5432) in our own directory: no TCP port is opened
SUPERUSER = "agnobench"
DATABASE = "agnobench"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
LOG_TAIL_LINES = 12
MAX_TEMP_DIR = 48  # + "/agnobench-pg-<pid>-xxxxxxxx/.s.PGSQL.5432" stays under the 107-byte socket path limit
# the server's settings: its own socket directory only, no TCP; modest memory (the worker's memory limit
# applies to its children too); everything else PostgreSQL's defaults (fsync and synchronous_commit on)
SERVER_SETTINGS = {"listen_addresses": "", "shared_buffers": "32MB", "max_connections": "60",
                   "unix_socket_permissions": "0777"}


class PostgresUnavailable(RuntimeError):
    """Neither a server URL nor PostgreSQL's binaries: the scenario cannot run here."""


class ServerStartError(RuntimeError):
    """The throw-away server did not come up; the message carries its log's last lines."""


def find_bindir() -> Path | None:
    """Where ``initdb`` and ``postgres`` are: $AGNOBENCH_POSTGRES_BINDIR, Debian's newest, or PATH."""
    named = os.environ.get(BINDIR_VARIABLE)
    candidates = [Path(named)] if named else []
    candidates += sorted((Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin")),
                         key=lambda p: _version_key(p.parent.name), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            return bindir
    return None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def available() -> str | None:
    """None when a PostgreSQL database can be had here, else why not with the install line."""
    if os.environ.get(URL_VARIABLE) or find_bindir() is not None:
        return None
    return f"needs a PostgreSQL server: {INSTALL_LINE}"


@dataclass(frozen=True)
class RunAs:
    """The unprivileged user the server runs as (None: this process's own user)."""

    uid: int | None = None
    gid: int | None = None

    @classmethod
    def for_server(cls) -> "RunAs":
        if os.geteuid() != 0:
            return cls()
        try:
            entry = pwd.getpwnam("postgres")
        except KeyError:
            raise ServerStartError("running as root and there is no 'postgres' user to run the server as "
                                   "(initdb and postgres refuse root)") from None
        return cls(entry.pw_uid, entry.pw_gid)

    def preexec(self, death_signal: int | None = None) -> Callable[[], None]:
        from agnobench.harness.isolation import _PRCTL, PR_SET_PDEATHSIG  # resolved here, not after fork

        def switch() -> None:
            if self.gid is not None:
                os.setgroups([])
                os.setgid(self.gid)
            if self.uid is not None:
                os.setuid(self.uid)
            if death_signal is not None:  # after setuid: a change of credentials clears the setting
                _PRCTL(PR_SET_PDEATHSIG, death_signal, 0, 0, 0)

        return switch

    def own(self, path: Path) -> None:
        if self.uid is not None and self.gid is not None:
            os.chown(path, self.uid, self.gid)


# The janitor: waits for end-of-file on its pipe (every writer gone: the worker ended, however it ended),
# then stops whatever server is left in the directory and removes it, or drops the user's database.
_JANITOR = r"""
import os, shutil, signal, sys, time
from agnobench.harness.containment import leave_to_root
leave_to_root()  # out of the worker's cgroup, which the harness kills whole: the janitor must outlive it
sys.stdout.write("ready\n")
sys.stdout.flush()
fd, mode, target = int(sys.argv[1]), sys.argv[2], sys.argv[3]
while os.read(fd, 4096):
    pass
if mode == "dir":
    def server_pid():
        try:
            with open(os.path.join(target, "data", "postmaster.pid")) as handle:
                return int(handle.readline())
        except (OSError, ValueError):
            return None
    pid = server_pid()
    if pid:
        for sig, wait in ((signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and server_pid() == pid and os.path.exists(f"/proc/{pid}"):
                time.sleep(0.05)
            if not os.path.exists(f"/proc/{pid}"):
                break
    for _ in range(50):
        shutil.rmtree(target, ignore_errors=True)
        if not os.path.exists(target):
            break
        time.sleep(0.1)
elif mode == "db":
    try:
        import psycopg
        with psycopg.connect(os.environ["AGNOBENCH_JANITOR_URL"], autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
    except Exception:
        pass
"""


class Janitor:
    """The process that cleans up after this one, however this one ends (see the module docstring)."""

    def __init__(self, mode: str, target: str, env: dict[str, str] | None = None) -> None:
        read_fd, self._write_fd = os.pipe()  # both close-on-exec: no other child inherits the write end
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _JANITOR, str(read_fd), mode, target], pass_fds=(read_fd,),
                start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, env={**os.environ, **(env or {})})
        finally:
            os.close(read_fd)
        assert self.process.stdout is not None
        self.process.stdout.readline()  # it has left the worker's cgroup (or found none): safe to make things
        self.process.stdout.close()

    def finish(self, timeout: float = 30.0) -> None:
        """We cleaned up ourselves: let it check and end, and reap it."""
        if self._write_fd >= 0:
            os.close(self._write_fd)
            self._write_fd = -1
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class PostgresServer:
    """A running throw-away server: its directory, process and the URL of its empty database."""

    root: Path
    process: subprocess.Popen[bytes]
    url: str

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"


def short_temp_dir() -> str:
    """$TMPDIR when short enough for a socket path in it (≤ 107 bytes on Linux) and reachable by the server's
    user (as root the server runs as 'postgres', which must pass through it), else /tmp."""
    chosen = tempfile.gettempdir()
    reachable = os.geteuid() != 0 or all(os.stat(p).st_mode & 0o001 for p in [chosen, *map(str, Path(chosen).parents)])
    return chosen if len(chosen) <= MAX_TEMP_DIR and reachable else "/tmp"


def log_tail(path: Path, lines: int = LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:]) or "(empty log)"


def _run_as(run_as: RunAs, argv: list[str], log: Path, timeout: float) -> None:
    with open(log, "ab") as out:
        try:
            done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                  preexec_fn=run_as.preexec(), timeout=timeout, cwd="/")
        except subprocess.TimeoutExpired:
            raise ServerStartError(f"{Path(argv[0]).name} took longer than {timeout:g} s: {log_tail(log)}") from None
    if done.returncode != 0:
        raise ServerStartError(f"{Path(argv[0]).name} exited with status {done.returncode}: {log_tail(log)}")


def _connect_url(root: Path, database: str) -> str:
    return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={root}&port={PORT}"


def _wait_ready(server: PostgresServer, deadline: float, timeout: float) -> None:
    import psycopg

    while True:
        if server.process.poll() is not None:
            raise ServerStartError(f"postgres exited with status {server.process.returncode} while starting: "
                                   f"{log_tail(server.log_path)}")
        if (server.root / f".s.PGSQL.{PORT}").exists():
            try:
                with psycopg.connect(host=str(server.root), port=PORT, user=SUPERUSER, dbname="postgres",
                                     autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f'CREATE DATABASE "{DATABASE}"')
                return
            except psycopg.OperationalError:
                pass
        if time.monotonic() > deadline:
            raise ServerStartError(f"postgres did not accept connections within {timeout:g} s: "
                                   f"{log_tail(server.log_path)}")
        time.sleep(0.05)


def stop_server(process: subprocess.Popen[bytes], timeout: float | None = None) -> None:
    """Fast shutdown (SIGINT: roll back, disconnect, checkpoint), then SIGKILL if it lingers; reaped."""
    timeout = STOP_TIMEOUT_S if timeout is None else timeout
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, timeout), (signal.SIGKILL, timeout)):
        try:
            process.send_signal(sig)
        except ProcessLookupError:
            pass
        try:
            process.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def throwaway_server(bindir: Path | None = None, start_timeout: float = START_TIMEOUT_S) -> Iterator[PostgresServer]:
    """initdb + postgres in a temporary directory, stopped and removed on every exit path."""
    bindir = bindir or find_bindir()
    if bindir is None:
        raise PostgresUnavailable(f"PostgreSQL's binaries (initdb, postgres) not found: {INSTALL_LINE}")
    run_as = RunAs.for_server()
    root = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", dir=short_temp_dir()))
    janitor = Janitor("dir", str(root))
    process: subprocess.Popen[bytes] | None = None
    try:
        run_as.own(root)
        os.chmod(root, 0o700)
        data = root / "data"
        log = root / "server.log"
        deadline = time.monotonic() + start_timeout
        _run_as(run_as, [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                         "--no-sync", "--no-instructions"], root / "initdb.log", start_timeout)
        settings = [arg for key, value in SERVER_SETTINGS.items() for arg in ("-c", f"{key}={value}")]
        with open(log, "ab") as out:
            process = subprocess.Popen(
                [str(bindir / "postgres"), "-D", str(data), "-k", str(root), "-p", str(PORT), *settings],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, cwd="/", start_new_session=True,
                preexec_fn=run_as.preexec(death_signal=signal.SIGQUIT))
        server = PostgresServer(root=root, process=process, url=_connect_url(root, DATABASE))
        _wait_ready(server, deadline, start_timeout)
        yield server
    finally:
        if process is not None:
            stop_server(process)
        shutil.rmtree(root, ignore_errors=True)
        janitor.finish()


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not even a URL: say nothing of it beyond its scheme
        return url.split(":", 1)[0] + "://…"


def sqlalchemy_url(url: str) -> str:
    """postgres:// and postgresql:// with psycopg 3, as agno's PostgresDb wants it."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def libpq_url(url: str) -> str:
    """The same server as psycopg's own connect() wants it (no '+driver')."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def users_database(url: str) -> Iterator[str]:
    """A fresh database on the user's server, dropped at the end (by the janitor if this process dies)."""
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"agnobench_{secrets.token_hex(6)}"
    admin = libpq_url(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    janitor = Janitor("db", name, env={"AGNOBENCH_JANITOR_URL": admin})
    try:
        yield sqlalchemy_url(make_url(url).set(database=name).render_as_string(hide_password=False))
    finally:
        janitor.finish()  # drops the database (WITH (FORCE): connections left open do not stop it)


@contextmanager
def postgres_database() -> Iterator[str]:
    """The URL of an empty database: on the user's server if one is named, else on a throw-away one."""
    named = os.environ.get(URL_VARIABLE)
    if named:
        with users_database(named) as url:
            yield url
        return
    with throwaway_server() as server:
        yield server.url
