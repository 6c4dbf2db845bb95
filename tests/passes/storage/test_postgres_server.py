"""The throw-away PostgreSQL server: up, then gone — process, socket and directory — on every way out.

The real server needs Debian's ``postgresql`` (``.ci/run`` installs it); the
failure and timeout paths use fake binaries, so they run anywhere.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

from conftest import TESTS_DIR

from agnobench.adapters.storage import postgres_server as pg

needs_postgres = pytest.mark.skipif(pg.find_bindir() is None, reason="needs PostgreSQL's binaries: apt-get install postgresql")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(") ")[-1][0] != "Z"
    except OSError:
        return False


def _eventually(check, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def _no_leftovers(root: Path, pid: int | None) -> bool:
    return not root.exists() and (pid is None or not _alive(pid))


@pytest.fixture
def fake_bindir():  # type: ignore[no-untyped-def]
    """A directory the 'postgres' user can read, for fake initdb/postgres scripts."""
    path = Path(tempfile.mkdtemp(prefix="agnobench-fakepg-"))
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _script(path: Path, body: str) -> None:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(0o755)


@needs_postgres
def test_server_starts_answers_and_leaves_nothing() -> None:
    import psycopg

    with pg.throwaway_server() as server:
        root, pid = server.root, server.process.pid
        socket = root / f".s.PGSQL.{pg.PORT}"
        assert socket.exists() and _alive(pid)
        with psycopg.connect(host=str(root), port=pg.PORT, user=pg.SUPERUSER, dbname=pg.DATABASE) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
            # listens on its socket only: no TCP port
            assert conn.execute("show listen_addresses").fetchone() == ("",)
    assert not socket.exists()
    assert _no_leftovers(root, pid)


def test_initdb_failure_names_its_log_and_leaves_nothing(fake_bindir: Path) -> None:
    _script(fake_bindir / "initdb", "echo 'initdb: boom: disk full'; exit 3")
    _script(fake_bindir / "postgres", "exit 0")
    before = set(Path("/tmp").glob(f"{pg.TEMP_PREFIX}{os.getpid()}-*"))
    with pytest.raises(pg.ServerStartError, match="initdb exited with status 3: initdb: boom: disk full"):
        with pg.throwaway_server(fake_bindir):
            pass
    assert set(Path("/tmp").glob(f"{pg.TEMP_PREFIX}{os.getpid()}-*")) == before


def test_server_that_dies_while_starting_reports_its_log(fake_bindir: Path) -> None:
    _script(fake_bindir / "initdb", 'mkdir -p "$2"')
    _script(fake_bindir / "postgres", "echo 'FATAL:  could not create shared memory segment'; exit 1")
    with pytest.raises(pg.ServerStartError, match="postgres exited with status 1 while starting: "
                                                  "FATAL:  could not create shared memory segment"):
        with pg.throwaway_server(fake_bindir):
            pass


def test_server_that_never_answers_times_out_and_is_killed(fake_bindir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg, "STOP_TIMEOUT_S", 0.5)
    pid_file = Path(tempfile.mkdtemp(prefix="agnobench-fakepid-"))
    os.chmod(pid_file, 0o777)
    _script(fake_bindir / "initdb", 'mkdir -p "$2"')
    _script(fake_bindir / "postgres", f"trap '' INT; echo $$ > {pid_file}/pid; echo 'waiting forever'; "
                                      "while true; do sleep 0.1; done")
    try:
        with pytest.raises(pg.ServerStartError, match="did not accept connections within 1 s: waiting forever"):
            with pg.throwaway_server(fake_bindir, start_timeout=1.0):
                pass
        pid = int((pid_file / "pid").read_text())
        assert _eventually(lambda: not _alive(pid))  # ignored SIGINT: it took SIGKILL
    finally:
        shutil.rmtree(pid_file, ignore_errors=True)


_OWNER = textwrap.dedent("""
    import sys, time
    from agnobench.adapters.storage import postgres_server as pg
    with pg.throwaway_server() as server:
        print(server.root, server.process.pid, flush=True)
        time.sleep(120)
""")


def _start_owner() -> tuple[subprocess.Popen[str], Path, int]:
    # SIGINT at its default in the owner, as in a terminal: a shell's background job (`pytest &`, CI started that
    # way) has it ignored, and a child inherits that, so Ctrl-C would never reach the context manager
    owner = subprocess.Popen([sys.executable, "-c", _OWNER], stdout=subprocess.PIPE, text=True,
                             start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert owner.stdout is not None
    root, pid = owner.stdout.readline().split()
    return owner, Path(root), int(pid)


@needs_postgres
def test_owner_killed_outright_leaves_nothing() -> None:
    """As when agnobench SIGKILLs a timed-out worker's group: the janitor and the death signal clean up."""
    owner, root, pid = _start_owner()
    os.killpg(owner.pid, signal.SIGKILL)
    owner.wait()
    assert _eventually(lambda: _no_leftovers(root, pid)), f"left: dir={root.exists()} server={_alive(pid)}"


@needs_postgres
def test_ctrl_c_stops_the_server_and_removes_its_directory() -> None:
    owner, root, pid = _start_owner()
    owner.send_signal(signal.SIGINT)  # KeyboardInterrupt unwinds through the context manager
    owner.wait(30)
    assert _no_leftovers(root, pid)


def test_without_binaries_or_url_it_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pg.URL_VARIABLE, raising=False)
    monkeypatch.setattr(pg, "find_bindir", lambda: None)
    assert pg.available() == "needs a PostgreSQL server: apt-get install postgresql (or agnobench run --postgres-url URL)"
    monkeypatch.setenv(pg.URL_VARIABLE, "postgresql://u:secret@/db?host=/nowhere")
    assert pg.available() is None


def test_redact_never_shows_the_password() -> None:
    assert "secret" not in pg.redact("postgresql://bob:secret@db.example:5432/app")
    assert pg.redact("postgresql://bob:secret@db.example:5432/app") == "postgresql://bob:***@db.example:5432/app"


def _servers_under(roots: set[Path]) -> list[int]:
    """Postgres processes whose command line names one of ``roots``."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if "postgres" in cmdline and any(str(root) in cmdline for root in roots):
                found.append(int(proc.name))
    return found


@pytest.fixture
def private_tmp(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """A short TMPDIR of this test's own, so servers other runs start on the machine are not counted."""
    path = Path(tempfile.mkdtemp(prefix="abt-", dir="/tmp"))
    path.chmod(0o755)  # the server's user passes through it
    monkeypatch.setenv("TMPDIR", str(path))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _our_dirs(root: Path) -> set[Path]:
    return set(root.glob(f"{pg.TEMP_PREFIX}*"))


def _long_growth(tmp_path: Path, timeout_s: float) -> Path:
    source = TESTS_DIR.parent / "scenarios" / "storage" / "12-growth-postgres.toml"
    text = source.read_text().replace("timeout_s = 600", f"timeout_s = {timeout_s}").replace(
        "growth_turns = 100", "growth_turns = 100000")
    path = tmp_path / "long-growth.toml"
    path.write_text(text.replace('name = "storage-growth-postgres"', 'name = "long-growth"'))
    return path


def _wait_for_server(root: Path, timeout: float = 60.0) -> set[Path]:
    assert _eventually(lambda: bool(_servers_under(_our_dirs(root))), timeout), "no server started"
    return _our_dirs(root)


@needs_postgres
@pytest.mark.e2e
def test_a_scenario_that_times_out_leaves_no_server(tmp_path: Path, private_tmp: Path) -> None:
    """The worker is SIGKILLed with its group at its timeout: the server and its directory still go."""
    # Not --quick: its rule cuts growth_turns to a few, and a fast machine finishes them inside the timeout.
    run = subprocess.Popen([sys.executable, "-m", "agnobench", "run", str(_long_growth(tmp_path, 8)),
                            "-o", str(tmp_path / "r.json")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    made = _wait_for_server(private_tmp)
    assert run.wait(180) == 1
    import json

    failed = json.loads((tmp_path / "r.json").read_text())["scenarios"][0]
    assert failed["status"] == "failed" and "timed out" in failed["error"], failed["error"]
    assert _eventually(lambda: not any(p.exists() for p in made) and not _servers_under(made))
    assert not _our_dirs(private_tmp)


@needs_postgres
@pytest.mark.e2e
def test_ctrl_c_during_a_run_leaves_no_server(tmp_path: Path, private_tmp: Path) -> None:
    run = subprocess.Popen([sys.executable, "-m", "agnobench", "run", str(_long_growth(tmp_path, 120)), "--quick",
                            "-o", str(tmp_path / "r.json")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
    try:
        made = _wait_for_server(private_tmp)
        run.send_signal(signal.SIGINT)
        assert run.wait(60) == 130
    finally:
        if run.poll() is None:
            run.kill()
    assert _eventually(lambda: not any(p.exists() for p in made) and not _servers_under(made))
