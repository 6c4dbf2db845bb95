"""The arithmetic of the service suite, kept apart so tests can check it on synthetic data.

Percentiles use :func:`agnobench.stats.percentile` (linear interpolation), the
same definition as the rest of agnobench. Memory per request in flight is
``(RSS with N in flight − idle RSS) ÷ N`` with N from Little's law
(throughput × mean latency), which for a closed loop of C connections is at
most C and falls below it when the generator, not the server, holds requests.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Sequence

from agnobench.stats import percentile

PERCENTILES: tuple[tuple[str, float], ...] = (("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("p999", 99.9))


@dataclass
class LatencySummary:
    """Latency of the good responses of one run, in nanoseconds."""

    count: int = 0
    mean: float = 0.0
    p50: float = 0.0
    p90: float = 0.0
    p99: float = 0.0
    p999: float = 0.0
    max: float = 0.0


def summarize_latencies(ns: Sequence[float]) -> LatencySummary:
    """p50/p90/p99/p99.9/max/mean of the given latencies; an empty run gives all zeros and count 0."""
    if not ns:
        return LatencySummary()
    values = {name: percentile(ns, q) for name, q in PERCENTILES}
    return LatencySummary(count=len(ns), mean=float(statistics.fmean(ns)), max=float(max(ns)), **values)


def in_flight(throughput_per_s: float, mean_latency_ns: float) -> float:
    """Little's law: the mean number of requests in the system."""
    return throughput_per_s * mean_latency_ns / 1e9


def memory_per_in_flight(rss_bytes: float, idle_rss_bytes: float, requests_in_flight: float) -> float | None:
    """(RSS at N in flight − idle RSS) ÷ N; None when nothing was in flight."""
    if requests_in_flight <= 0:
        return None
    return (rss_bytes - idle_rss_bytes) / requests_in_flight


def knee(levels: Sequence[int], throughputs: Sequence[float], gain: float = 1.10) -> int | None:
    """The concurrency after which more connections stop buying throughput.

    The first level whose next level raises requests/s by less than ``gain``
    (10 % by default) while latency keeps growing: past it the server is
    saturated and extra load only queues. None when throughput still grows at
    the last level (no knee within the levels measured) or with fewer than two.
    """
    pairs = list(zip(levels, throughputs))
    for (level, rate), (_, next_rate) in zip(pairs, pairs[1:]):
        if rate > 0 and next_rate < rate * gain:
            return level
    return None


def cpu_share(cpu_s: float, wall_s: float) -> float:
    """CPU time as cores busy over the wall time (1.0 = one core fully used)."""
    return cpu_s / wall_s if wall_s > 0 else 0.0
