"""Summary statistics, in one place (as pyperf keeps its own in one module).

Medians and median absolute deviations are the headline figures because these
machines are noisy: a median ignores the occasional preempted sample that a
mean would absorb, and MAD does not explode the way a standard deviation does.
"""

from __future__ import annotations

import math
import statistics
from typing import Sequence


def percentile(samples: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile, ``q`` in [0, 100] (numpy's default method)."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    if len(ordered) == 1:
        return float(ordered[0])
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    fraction = position - low
    return float(ordered[low] + (ordered[high] - ordered[low]) * fraction)


def median_abs_dev(samples: Sequence[float]) -> float:
    center = statistics.median(samples)
    return float(statistics.median(abs(x - center) for x in samples))


def summarize(samples: Sequence[float]) -> dict[str, float]:
    """Median, mean, stdev, MAD, min, max, quartiles and count of the samples."""
    if not samples:
        raise ValueError("no samples")
    values = [float(x) for x in samples]
    return {
        "median": float(statistics.median(values)),
        "mean": float(statistics.fmean(values)),
        "stdev": float(statistics.stdev(values)) if len(values) > 1 else 0.0,
        "mad": median_abs_dev(values),
        "min": min(values),
        "max": max(values),
        "q1": percentile(values, 25),
        "q3": percentile(values, 75),
        "n": float(len(values)),
    }

