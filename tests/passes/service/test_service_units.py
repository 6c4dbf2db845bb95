"""The service suite's arithmetic and parsing, on synthetic data (no server)."""

from __future__ import annotations

import pytest

from agnobench.passes.service import wrk
from agnobench.passes.service.spec import LoadResult, LoadSpec, RequestSpec
from agnobench.passes.service.stats import (cpu_share, in_flight, knee, memory_per_in_flight, summarize_latencies)


def test_percentiles_of_one_to_a_thousand() -> None:
    summary = summarize_latencies(list(range(1, 1001)))
    assert summary.count == 1000
    assert summary.p50 == pytest.approx(500.5)
    assert summary.p90 == pytest.approx(900.1)
    assert summary.p99 == pytest.approx(990.01)
    assert summary.p999 == pytest.approx(999.001)
    assert summary.max == 1000
    assert summary.mean == pytest.approx(500.5)


def test_percentiles_of_nothing_are_zero_with_count_zero() -> None:
    summary = summarize_latencies([])
    assert summary.count == 0 and summary.p99 == 0


def test_memory_per_request_in_flight() -> None:
    # the document's arithmetic the other way round: 12 MB over idle with 10,000 in flight is 1.2 KB each
    assert memory_per_in_flight(50_000_000 + 12_000_000, 50_000_000, 10_000) == pytest.approx(1200)
    assert memory_per_in_flight(1, 0, 0) is None


def test_littles_law() -> None:
    assert in_flight(1000.0, 100e6) == pytest.approx(100.0)  # 1,000 req/s × 100 ms


def test_knee_is_the_last_level_that_still_bought_throughput() -> None:
    assert knee([1, 10, 100, 1000], [100.0, 900.0, 950.0, 940.0]) == 10
    assert knee([1, 10, 100], [100.0, 900.0, 5000.0]) is None
    assert knee([1], [100.0]) is None


def test_cpu_share() -> None:
    assert cpu_share(1.5, 3.0) == pytest.approx(0.5)
    assert cpu_share(1.0, 0.0) == 0.0


def test_request_encoding_fills_the_token_everywhere() -> None:
    request = RequestSpec(method="POST", path="/agents/a/runs?t={token}", body="message={token}&stream=false",
                          content_type="application/x-www-form-urlencoded", expect_body="reply to: {token}")
    raw = request.encode("127.0.0.1", 8000, "tok7")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"POST /agents/a/runs?t=tok7 HTTP/1.1\r\n")
    assert body == b"message=tok7&stream=false" and f"Content-Length: {len(body)}".encode() in head
    assert request.answer_ok(200, b'{"content": "reply to: tok7"}', "tok7")
    assert not request.answer_ok(200, b'{"content": "reply to: tok8"}', "tok7")
    assert not request.answer_ok(500, b'{"content": "reply to: tok7"}', "tok7")


def test_load_spec_round_trips_through_json_shape() -> None:
    spec = LoadSpec(host="127.0.0.1", port=1, request=RequestSpec(path="/x"), connections=3, duration_s=0.5)
    assert LoadSpec.from_dict(spec.to_dict()) == spec


def test_wrk_output_is_parsed_in_nanoseconds() -> None:
    line = ('AGNOBENCH {"good": 90, "wrong": 2, "requests": 95, "duration_us": 2000000, "connect": 1, "read": 1, '
            '"write": 0, "status": 2, "timeout": 1, "p50": 500.0, "p90": 900.0, "p99": 990.0, "p999": 999.0, '
            '"max": 1200.0, "mean": 510.0, "first_wrong": "status 500: boom"}')
    result = wrk.parse_output("Running 2s test\n" + line + "\n", connections=4, cpu_s=0.25)
    assert (result.good, result.wrong, result.socket_errors, result.timeouts) == (90, 2, 2, 1)
    assert result.errors == 5
    assert result.throughput == pytest.approx(45.0)
    assert result.latency.p99 == pytest.approx(990_000.0)
    assert result.first_wrong == "status 500: boom"
    assert LoadResult.from_dict(result.to_dict()) == result


def test_wrk_without_a_result_line_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="no result line"):
        wrk.parse_output("unable to connect to 127.0.0.1:1\n", connections=1, cpu_s=0.0)
