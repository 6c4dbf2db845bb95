"""Latency histograms: HDR (``hdrhistogram``) so percentiles are exact to 3 significant digits and mergeable.

A generator process (the built-in one, each Locust worker) records every right
answer's latency, counted from the request's *scheduled* send, into an
:class:`HdrHistogram` and ships it encoded (base64 text, a few hundred bytes);
whoever ran several generators adds the decoded histograms and reads the
percentiles of the whole. Merging histograms is exact; merging percentiles is
not (the p99 of two p99s is no p99), which is why histograms travel, not
summaries.

Recorded in nanoseconds from 1 µs to 1 hour, 3 significant digits: a value is
reported within 0.1 % of what was recorded.
"""

from __future__ import annotations

from typing import Any, Iterable

from agnobench.passes.service.stats import LatencySummary

LOWEST_NS = 1_000
HIGHEST_NS = 3_600 * 10**9
SIGNIFICANT_DIGITS = 3
INSTALL = "pip install 'agnobench[service]'"


class HdrMissing(RuntimeError):
    """The ``hdrhistogram`` package is not installed."""


def _cls() -> Any:
    try:
        from hdrh.histogram import HdrHistogram
    except ImportError:
        raise HdrMissing(f"the hdrhistogram package is missing ({INSTALL})") from None
    return HdrHistogram


def available() -> bool:
    try:
        _cls()
    except HdrMissing:
        return False
    return True


def new() -> Any:
    return _cls()(LOWEST_NS, HIGHEST_NS, SIGNIFICANT_DIGITS)


def record(histogram: Any, latency_ns: float) -> None:
    """One latency, clamped into the histogram's range (a sub-microsecond answer counts as 1 µs)."""
    histogram.record_value(int(min(max(latency_ns, LOWEST_NS), HIGHEST_NS)))


def encode(histogram: Any) -> str:
    return histogram.encode().decode("ascii") if histogram.get_total_count() else ""


def merge(encoded: Iterable[str]) -> Any:
    """One histogram holding every value of the encoded ones (empty strings are empty histograms)."""
    total = new()
    for text in encoded:
        if text:
            total.add(_cls().decode(text.encode("ascii")))
    return total


def summarize(histogram: Any) -> LatencySummary:
    """p50/p90/p99/p99.9/max/mean of a histogram; an empty one gives all zeros and count 0."""
    count = histogram.get_total_count()
    if not count:
        return LatencySummary()
    at = histogram.get_value_at_percentile
    return LatencySummary(count=count, mean=float(histogram.get_mean_value()), p50=float(at(50.0)),
                          p90=float(at(90.0)), p99=float(at(99.0)), p999=float(at(99.9)),
                          max=float(histogram.get_max_value()))
