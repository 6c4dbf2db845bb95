"""A real uvicorn server on loopback: started, checked, stopped with nothing left behind, on every way out."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap

import pytest
from service_checks import TESTS_DIR, gone, group_members, listening, spec

from agnobench.passes.service import wrk
from agnobench.passes.service.generators import run_load
from agnobench.passes.service.levels import Plan, ServiceError, run_server
from agnobench.passes.service.server import Server, ServerFailed
from agnobench.passes.service.spec import LoadSpec, RequestSpec

REQUEST = RequestSpec(method="POST", path="/run", body='{"message": "{token}"}', content_type="application/json",
                      expect_body="echo: {token}")
GENERATORS = ["builtin", pytest.param("wrk", marks=pytest.mark.skipif(not wrk.available(), reason="wrk not on PATH "
                                                                                                    "(apt-get install wrk)"))]


def _load(server: Server, generator: str, connections: int = 4) -> LoadSpec:
    return LoadSpec(host=server.host, port=server.port, request=REQUEST, connections=connections,
                    duration_s=0.3 if generator == "builtin" else 1, timeout_s=5)


def test_server_starts_answers_and_leaves_nothing_behind() -> None:
    with Server(spec("echo_app")) as server:
        pid, port = server.proc.pid, server.port  # type: ignore[union-attr]
        assert server.host == "127.0.0.1" and listening(port)
        assert group_members(pid)
    assert gone(pid, port)


@pytest.mark.parametrize("generator", GENERATORS)
def test_every_response_is_checked_and_a_wrong_answer_counted(generator: str) -> None:
    with Server(spec("echo_app")) as server:
        right = run_load(_load(server, generator), generator)
    assert right.good > 0 and right.wrong == 0 and right.generator == generator
    assert right.latency.count == right.good and 0 < right.latency.p50 <= right.latency.p99 <= right.latency.max
    with Server(spec("stale_app")) as server:
        stale = run_load(_load(server, generator), generator)
    assert stale.wrong >= stale.good + stale.wrong - 1  # only the very first answer carries its own token
    assert "echo: " in stale.first_wrong
    with Server(spec("flaky_app")) as server:
        flaky = run_load(_load(server, generator, connections=1), generator)
    assert flaky.wrong > 0 and flaky.good > 0 and flaky.first_wrong.startswith("status 500")


def test_open_loop_counts_latency_from_the_schedule() -> None:
    with Server(spec("echo_app")) as server:
        result = run_load(LoadSpec(host=server.host, port=server.port, request=REQUEST, connections=0,
                                   duration_s=0.5, rate=40, timeout_s=5), "builtin")
    assert result.good + result.errors == 20 and result.wrong == 0 and result.rate == 40
    assert result.throughput == pytest.approx(result.good / 0.5)


def test_an_app_object_is_served_as_well_as_a_factory() -> None:
    with Server(spec("app")) as server:
        assert run_load(_load(server, "builtin"), "builtin").good > 0


def test_a_server_that_cannot_start_shows_its_output_and_leaves_nothing() -> None:
    server = Server(spec("broken_app", env={"BROKEN_REASON": "missing-config-xyz"}))
    with pytest.raises(ServerFailed, match="missing-config-xyz") as info:
        with server:
            pass
    assert "exited with status" in str(info.value)
    assert gone(server.proc.pid, server.port or 1)  # type: ignore[union-attr]


def test_a_wrong_answer_fails_the_measurement_and_the_server_still_stops() -> None:
    seen: list[str] = []
    with pytest.raises(ServiceError, match="answered wrong before any load"):
        run_server(spec("stale_app"), Plan(request=REQUEST, generator="builtin", connections=(2,), duration_s=0.3,
                                           warmup_s=0), seen.append)
    pid, port = _announced(seen)
    assert gone(pid, port)


def test_errors_under_load_fail_after_the_smoke_requests_pass() -> None:
    seen: list[str] = []
    with pytest.raises(ServiceError, match=r"answers wrong at 1 connections; first: status 500"):
        run_server(spec("flaky_app"), Plan(request=REQUEST, generator="builtin", connections=(1,), duration_s=0.3,
                                           warmup_s=0), seen.append)
    assert gone(*_announced(seen))


def test_levels_measure_two_workers_and_stop_both() -> None:
    seen: list[str] = []
    run = run_server(spec("echo_app", workers=2), Plan(request=REQUEST, generator="builtin", connections=(1, 4),
                                                       rates=(20.0,), duration_s=0.3, warmup_s=0.1), seen.append)
    assert run.processes >= 3 and run.workers == 2  # the supervisor, two workers (and a resource tracker)
    assert [lv.load.connections for lv in run.levels] == [1, 4] and len(run.rates) == 1
    for level in run.levels + run.rates:
        assert level.load.good > 0 and level.server_cpu_s >= 0
        assert level.server_cpu_per_request_ns == pytest.approx(level.server_cpu_s * 1e9 / level.load.good)
        assert level.rss_peak_bytes >= run.rss_idle_bytes * 0.5
    assert run.rss_peak_bytes >= max(lv.rss_peak_bytes for lv in run.levels)
    assert gone(*_announced(seen))


def test_a_killed_parent_takes_its_server_with_it() -> None:
    """The worker killed on a timeout (SIGKILL, no cleanup): the kernel ends the server and its workers."""
    script = textwrap.dedent(f"""
        import json, sys, time
        sys.path.insert(0, {str(TESTS_DIR)!r})
        from service_checks import spec
        from agnobench.passes.service.server import Server
        server = Server(spec("echo_app", workers=2)).__enter__()
        print(json.dumps([server.proc.pid, server.port]), flush=True)
        time.sleep(60)
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        pid, port = json.loads(parent.stdout.readline())  # type: ignore[union-attr]
        assert listening(port) and len(group_members(pid)) >= 3
        parent.send_signal(signal.SIGKILL)
        parent.wait()
        assert gone(pid, port)
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def _announced(progress: list[str]) -> tuple[int, int]:
    line = next(m for m in progress if m.startswith("server pid "))
    pid, _, address = line.split()[2:5]
    return int(pid), int(address.rsplit(":", 1)[1])
