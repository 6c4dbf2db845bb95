"""The storage suite's scenarios, skips and bad input, without measuring anything heavy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import TESTS_DIR

from agnobench.adapters.storage import postgres_server as pg
from agnobench.core.registry import plugin
from agnobench.scenario import load_scenario

SCENARIOS = sorted((TESTS_DIR.parent / "scenarios" / "storage").glob("*.toml"))


def test_every_storage_scenario_loads_and_its_passes_are_registered() -> None:
    assert len(SCENARIOS) >= 13
    for path in SCENARIOS:
        scenario = load_scenario(path)
        assert scenario.suite == "storage"
        for name in scenario.measure.passes:
            assert plugin(name).name == name


def test_postgres_scenarios_skip_with_the_server_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from agnobench.runner import skipped_result

    monkeypatch.delenv(pg.URL_VARIABLE, raising=False)
    monkeypatch.setattr(pg, "find_bindir", lambda: None)
    postgres = [load_scenario(p) for p in SCENARIOS if "postgres" in p.name]
    assert len(postgres) == 4
    for scenario in postgres:
        skipped = skipped_result(scenario)
        assert skipped is not None and skipped.skipped, scenario.name
        assert skipped.details["requires"]["install"] == pg.INSTALL_LINE
        assert skipped.details["requires"]["missing"] == ["a postgresql server"]
    sqlite = [load_scenario(p) for p in SCENARIOS if "sqlite" in p.name]
    assert all(skipped_result(s) is None for s in sqlite)


def test_unknown_server_in_requires_is_bad_input(tmp_path: Path) -> None:
    from agnobench.errors import InputError

    text = SCENARIOS[2].read_text().replace('servers = ["postgresql"]', 'servers = ["oracle"]')
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError, match="requires.servers"):
        load_scenario(path)


@pytest.mark.e2e
def test_unreachable_postgres_url_is_one_line_exit_2_without_the_password(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "agnobench", "run", "storage-growth-postgres", "--quick",
                           "--postgres-url", "postgresql://bob:hunter2@127.0.0.1:1/app", "-o", str(tmp_path / "r.json")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --postgres-url: postgresql://bob:***@127.0.0.1:1/app: "
                                                   "cannot connect")
    assert "hunter2" not in done.stderr + done.stdout
    assert not (tmp_path / "r.json").exists()


def test_relay_passes_bytes_both_ways_and_leaves_nothing() -> None:
    import socket
    import threading

    from agnobench.adapters.storage.postgres_url import UnixRelay

    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def echo() -> None:
        conn, _ = server.accept()
        with conn:
            while data := conn.recv(1024):
                conn.sendall(data.upper())

    threading.Thread(target=echo, daemon=True).start()
    relay = UnixRelay("127.0.0.1", port)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(str(relay.path))
            client.sendall(b"startup packet")
            assert client.recv(1024) == b"STARTUP PACKET"
        relay.settle(quiet_s=0.1, limit_s=5)
    finally:
        relay.close()
        server.close()
    assert not relay.root.exists()
