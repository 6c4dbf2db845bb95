"""Capacity at a latency goal: HDR histograms, the rate search, coordinated omission, Locust across namespaces."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time

import pytest
from service_checks import TESTS_DIR, spec

from agnobench.passes.service import capacity, hdr, netns, wrk
from agnobench.passes.service.generators import run_load
from agnobench.passes.service.levels import Plan, SloPlan, run_server
from agnobench.passes.service.plan import CapacityFigures, efficiency, plan
from agnobench.passes.service.server import Server
from agnobench.passes.service.spec import LoadResult, LoadSpec, RequestSpec
from agnobench.passes.service.stats import summarize_latencies

REQUEST = RequestSpec(method="POST", path="/run", body='{"message": "{token}"}', content_type="application/json",
                      expect_body="echo: {token}")
MS = 1_000_000
HAS_LOCUST = __import__("importlib.util").util.find_spec("locust") is not None


# HDR histograms ---------------------------------------------------------------------------------------------------

def test_hdr_percentiles_of_known_latencies_are_exact_to_its_precision() -> None:
    histogram = hdr.new()
    for ms in range(1, 1001):  # 1 ms .. 1 s
        hdr.record(histogram, ms * MS)
    summary = hdr.summarize(histogram)
    exact = summarize_latencies([ms * MS for ms in range(1, 1001)])
    assert summary.count == 1000
    for name in ("p50", "p90", "p99", "max"):  # HDR reports the recorded value within 0.1 % (3 digits)
        assert getattr(summary, name) == pytest.approx(getattr(exact, name), rel=2e-3), name
    assert summary.mean == pytest.approx(500.5 * MS, rel=2e-3)


def test_hdr_histograms_merge_exactly_where_percentiles_would_not() -> None:
    fast, slow = hdr.new(), hdr.new()
    for _ in range(990):
        hdr.record(fast, 1 * MS)
    for _ in range(10):
        hdr.record(slow, 1000 * MS)
    merged = hdr.summarize(hdr.merge([hdr.encode(fast), hdr.encode(slow), ""]))
    assert merged.count == 1000
    assert merged.p50 == pytest.approx(1 * MS, rel=2e-3)
    assert merged.p99 == pytest.approx(1 * MS, rel=2e-3)  # the 990th of 1,000 values
    assert merged.p999 == pytest.approx(1000 * MS, rel=2e-3)  # the 1,000 ms ones: the top 1 %
    # averaging the two generators' own p99s (1 ms and 1 s) would have said ~500 ms: wrong
    assert hdr.summarize(hdr.merge([])).count == 0


def test_a_generator_result_carries_its_histogram() -> None:
    from agnobench.passes.service.loadgen import Latencies

    latencies = Latencies()
    for us in (100, 200, 300):
        latencies.add(us * 1000)
    result = LoadResult(generator="builtin", connections=0, duration_s=1, good=3, latency=latencies.summary(),
                        histogram=latencies.encoded())
    again = LoadResult.from_dict(result.to_dict())
    assert hdr.summarize(hdr.merge([again.histogram])).count == 3
    assert again.latency.max == pytest.approx(300_000, rel=2e-3)


# the search -------------------------------------------------------------------------------------------------------

def _knee_server(knee: float, base_ms: float = 5.0) -> tuple[list[float], object]:
    """A synthetic server: p99 = 5 ms up to the knee, then +10 ms per request/s above it (a queue that grows)."""
    asked: list[float] = []

    def trial(rate: float) -> capacity.Trial:
        asked.append(rate)
        p99 = base_ms * MS if rate <= knee else (base_ms + 10 * (rate - knee)) * MS
        return capacity.Trial(rate=rate, p99_ns=p99, errors=0, good=int(rate), goal_ns=100 * MS)

    return asked, trial


@pytest.mark.parametrize("start", [50.0, 400.0, 3000.0])
def test_the_search_finds_a_known_knee_within_its_precision(start: float) -> None:
    asked, trial = _knee_server(knee=500.0)
    found = capacity.search(trial, start, floor=1, ceiling=20_000, precision=0.1, max_trials=12)  # type: ignore[arg-type]
    # p99 ≤ 100 ms up to knee + 9.5 req/s: the true capacity is 509.5
    assert found.capacity is not None and found.bracketed
    assert 509.5 / 1.1 <= found.capacity <= 509.5
    assert len(found.trials) == len(asked) <= 12
    missed_above = [t.rate for t in found.trials if not t.met]
    assert min(missed_above) <= found.capacity * 1.1


def test_a_goal_never_met_reports_the_lowest_rate_tried_not_zero() -> None:
    _, trial = _knee_server(knee=0.0, base_ms=150)  # p99 ≥ 150 ms at any rate
    found = capacity.search(trial, 100, floor=5, ceiling=1000, max_trials=8)  # type: ignore[arg-type]
    assert found.capacity is None and not found.bracketed
    assert found.lowest is not None and found.lowest.rate == 5 and found.lowest.p99_ns > 100 * MS


def test_a_search_that_never_misses_is_a_floor_at_the_ceiling() -> None:
    _, trial = _knee_server(knee=1e9)
    found = capacity.search(trial, 100, floor=1, ceiling=800, max_trials=8)  # type: ignore[arg-type]
    assert found.capacity == 800 and not found.bracketed
    assert [t.rate for t in found.trials] == [100, 200, 400, 800]


def test_errors_miss_the_goal_whatever_the_latency() -> None:
    assert not capacity.Trial(rate=10, p99_ns=1, errors=1, good=9, goal_ns=100 * MS).met
    assert not capacity.Trial(rate=10, p99_ns=0, errors=0, good=0, goal_ns=100 * MS).met


def test_windows_that_disagree_are_warned_about() -> None:
    assert capacity.disagreement([10 * MS, 12 * MS, 15 * MS]) == ""
    assert "disagree" in capacity.disagreement([10 * MS, 70 * MS])


def test_the_plan_is_arithmetic_on_the_figures() -> None:
    one = CapacityFigures(processes=1, rate=400, achieved=[400, 390], server_cores=0.8, rss_bytes=100e6)
    two = CapacityFigures(processes=2, rate=600, achieved=[600], server_cores=1.5, rss_bytes=200e6)
    assert one.per_busy_core == 500 and two.per_process == 300
    assert efficiency(one, two) == pytest.approx(0.75)
    p = plan(one, machine_cores=2, best_efficiency=0.75)
    assert p.processes == 25  # ⌈10,000 ÷ 400⌉
    assert p.processes_at_efficiency == math.ceil(10_000 / 300)  # 34
    assert p.machines == 17 and p.memory_bytes == 34 * 100e6


def test_the_search_on_a_real_server_with_a_known_knee() -> None:
    """serial_app holds its loop 5 ms a request: it cannot serve more than 200/s. Over a 0.5 s window a queue
    above that adds (rate − 200) × 0.5 × 5 ms by the window's end, past a 50 ms goal above 220/s."""
    plan_ = Plan(request=REQUEST, generator="builtin", connections=(), duration_s=0.5, warmup_s=0, timeout_s=5,
                 slo=SloPlan(goal_ns=50 * MS, start_rate=800, max_trials=4, repeats=1))
    run = run_server(spec("serial_app"), plan_, lambda _: None)
    cap = run.capacity
    assert cap is not None and cap.trials[0].load.rate == 800 and not cap.met[0]  # 4× the server's limit
    assert cap.rate is not None and cap.rate <= 220
    assert [lv.load.rate for lv in cap.windows] == [cap.rate, cap.rate]  # found, then repeated once


# coordinated omission ---------------------------------------------------------------------------------------------

FIXED_RATE = ["builtin", pytest.param("locust", marks=pytest.mark.skipif(not HAS_LOCUST, reason="needs "
                                                                                              "agnobench[locust]"))]


@pytest.mark.parametrize("generator", FIXED_RATE)
def test_a_one_second_stall_shows_in_p99_at_a_fixed_rate(generator: str) -> None:
    """50 requests/s for 2 s; the 10th request holds the server 1 s, so the ~50 requests scheduled during the
    stall wait for its end: those scheduled in its first half wait ≥ 0.5 s (a quarter of all), the first few
    ~1 s. Counted from each request's scheduled send, p90 ≥ 0.5 s and p99 ≥ 0.8 s whatever the machine's speed
    (a slower machine only adds)."""
    with Server(spec("stall_app")) as server:
        result = run_load(LoadSpec(host=server.host, port=server.port, request=REQUEST, connections=0,
                                   duration_s=2, rate=50, timeout_s=10), generator)
    assert result.wrong == 0 and result.errors == 0 and result.good >= 95
    assert result.latency.p90 >= 500 * MS
    assert result.latency.p99 >= 800 * MS


@pytest.mark.skipif(not wrk.available(), reason="wrk not on PATH")
def test_what_wrk_reports_for_the_same_stall() -> None:
    """wrk (closed loop, 1 connection) sends nothing while its request waits: it measures one slow request among
    thousands of fast ones. Its reported percentiles still show the stall because wrk 4 back-fills its histogram
    after the run (stats_correct: synthetic values at the connection's observed mean interval, before its Lua
    done() reads them), not because it kept a schedule. docs/service.md quotes the figures printed here."""
    with Server(spec("stall_app")) as server:
        result = run_load(LoadSpec(host=server.host, port=server.port, request=REQUEST, connections=1,
                                   duration_s=2, timeout_s=10), "wrk")
    assert result.wrong == 0 and result.latency.max >= 900 * MS
    print(f"wrk over the 1 s stall: {result.good} answers, p50 {result.latency.p50 / MS:.3g} ms, p90 "
          f"{result.latency.p90 / MS:.3g} ms, p99 {result.latency.p99 / MS:.3g} ms, max {result.latency.max / MS:.4g} "
          f"ms, mean {result.latency.mean / MS:.3g} ms")


# Locust across network namespaces ---------------------------------------------------------------------------------

def _ours() -> tuple[set[str], set[str]]:
    names = set(subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout.split())
    devices = subprocess.run(["ip", "-o", "link"], capture_output=True, text=True).stdout
    return ({n for n in names if n.startswith(netns.PREFIX)},
            {line.split(":")[1].strip().split("@")[0] for line in devices.splitlines()
             if line.split(":")[1].strip().startswith("ab")})


needs_root = pytest.mark.skipif(bool(netns.usable()), reason=netns.usable() or "")


@needs_root
def test_a_private_network_is_made_and_removed() -> None:
    before = _ours()
    with netns.PrivateNetwork(2) as net:
        names, devices = _ours()
        assert set(net.namespaces) <= names and {net.bridge, f"{net.tag}h0", f"{net.tag}h1"} <= devices
        assert net.server_address not in net.addresses and len(set(net.addresses)) == 2
        inside = subprocess.run([*net.exec_prefix(0), "ip", "-o", "-4", "addr"], capture_output=True, text=True)
        assert net.addresses[0] in inside.stdout and net.server_address not in inside.stdout
    assert _ours() == before


@needs_root
@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGKILL])
def test_namespaces_and_devices_are_removed_after_ctrl_c_and_kill(how: signal.Signals) -> None:
    before = _ours()
    script = ("import sys, time\nfrom agnobench.passes.service.netns import PrivateNetwork\n"
              "with PrivateNetwork(2) as net:\n    print(' '.join(net.namespaces), flush=True)\n    time.sleep(60)\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=TESTS_DIR.parent)
    try:
        made = proc.stdout.readline().split()  # type: ignore[union-attr]
        assert made and set(made) <= _ours()[0]
        proc.send_signal(how)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    deadline = time.monotonic() + 10  # after SIGKILL the janitor does it, a moment later
    while _ours() != before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _ours() == before


@needs_root
@pytest.mark.skipif(not HAS_LOCUST, reason="needs agnobench[locust]")
def test_locust_master_and_two_workers_in_namespaces_measure_and_leave_nothing() -> None:
    before = _ours()
    plan_ = Plan(request=REQUEST, generator="builtin", connections=(), rates=(40.0,), duration_s=0.5, warmup_s=0,
                 timeout_s=5, rate_generator="locust", locust_workers=2)
    run = run_server(spec("echo_app"), plan_, lambda _: None)
    (level,) = run.rates
    assert level.load.generator == "locust" and level.load.good == 20 and level.load.errors == 0
    assert level.load.latency.count == 20 and hdr.summarize(hdr.merge([level.load.histogram])).count == 20
    assert "worker 0 in namespace agnobench-" in run.load_network and "worker 1" in run.load_network
    assert _ours() == before


def test_a_locust_worker_that_dies_fails_the_window_with_its_output() -> None:
    from agnobench.passes.service import locust_run

    master = locust_run._Process("master", [sys.executable, "-c", "import time; time.sleep(30)"], dict(os.environ))
    worker = locust_run._Process("worker 0", [sys.executable, "-c", "import sys; print('worker boom'); sys.exit(3)"],
                                 dict(os.environ))
    try:
        with pytest.raises(locust_run.LocustFailed, match="worker died.*status 3.*worker boom"):
            locust_run._wait([master, worker], limit_s=20)
    finally:
        for process in (master, worker):
            process.stop()
    assert master.proc.returncode is not None and worker.proc.returncode == 3
