"""How a per-turn cost grows with the turn number, and how a memory reading grows with calls.

Two fits, both with an interval, both saying "too few points" rather than
guessing:

- :func:`growth_fit` names how a per-turn figure ``y`` grows with the turn
  ``t``: it fits ``y = a + b·t^k`` (``k`` on a grid, ``a`` and ``b`` by least
  squares for each ``k``), so a fixed cost per turn does not bend the
  exponent as a plain log-log slope would. A long series is first reduced to
  the medians of 20 blocks of consecutive turns (:func:`blocks`): one stalled
  turn must not decide the verdict. The interval of ``k`` is the
  profile-likelihood one: every ``k`` whose residual sum of squares is within
  the F test's 95 % bound of the best. The verdict: *constant* when the fitted
  curve moves less than ``FLAT_SHARE`` of its first value over the whole range
  (or the straight-line slope's interval holds zero), else *sublinear*,
  *linear* or *quadratic* by ``k``. A per-turn cost that grows linearly is a
  conversation whose total cost is quadratic: for bytes written, that is
  O(N²) write amplification (:func:`write_amplification`).
- :func:`per_call_slope` fits bytes retained per call (the leak pass): the
  least-squares slope of a memory reading over the call count, with its 95 %
  interval from Student's t.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Sequence

MIN_POINTS = 5  # fewer points than this get "too few points", never a verdict
MAX_BLOCKS = 20  # a longer series is fitted on the medians of this many blocks of consecutive turns
FLAT_SHARE = 0.10  # the fitted curve moving less than this share of its first value over the range is constant
K_GRID = [round(0.05 * i, 2) for i in range(1, 81)]  # 0.05 … 4.0
CONFIDENCE = 0.95


@dataclass(frozen=True)
class GrowthFit:
    """The verdict on one series and what it rests on."""

    verdict: str  # constant | shrinking | sublinear | linear | quadratic | too few points
    exponent: float | None = None  # k in y = a + b·t^k
    exponent_low: float | None = None
    exponent_high: float | None = None
    first: float | None = None  # the fitted value at the first point and at the last
    last: float | None = None
    points: int = 0
    note: str = ""

    def describe(self) -> str:
        if self.exponent is None or self.verdict == "constant":
            return f"{self.verdict}: {self.note}" if self.note else self.verdict
        interval = f"k = {self.exponent:.2f} [{self.exponent_low:.2f}, {self.exponent_high:.2f}]"
        return f"{self.verdict} ({interval})"


def _least_squares(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float]:
    """Intercept, slope and residual sum of squares of y on x."""
    n = len(x)
    mean_x, mean_y = sum(x) / n, sum(y) / n
    sxx = sum((v - mean_x) ** 2 for v in x)
    slope = sum((u - mean_x) * (v - mean_y) for u, v in zip(x, y)) / sxx if sxx else 0.0
    intercept = mean_y - slope * mean_x
    sse = sum((v - intercept - slope * u) ** 2 for u, v in zip(x, y))
    return intercept, slope, sse


def _t_quantile(df: int) -> float:
    from scipy.stats import t

    return float(t.ppf(0.5 + CONFIDENCE / 2, df))


def slope_interval(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float]:
    """The least-squares slope of y on x and its 95 % interval."""
    n = len(x)
    _, slope, sse = _least_squares(x, y)
    mean_x = sum(x) / n
    sxx = sum((v - mean_x) ** 2 for v in x)
    if n <= 2 or not sxx:
        return slope, -math.inf, math.inf
    half = _t_quantile(n - 2) * math.sqrt(sse / (n - 2) / sxx)
    return slope, slope - half, slope + half


def blocks(pairs: list[tuple[float, float]], most: int = MAX_BLOCKS) -> list[tuple[float, float]]:
    """At most ``most`` points: consecutive turns in blocks, each block's median turn and median value, so a
    single stalled turn (a checkpoint, another process on the CPU) cannot pull the fit; a straight line or a
    parabola keeps its shape (the median of a block of a monotone series is its middle point)."""
    size = -(-len(pairs) // most)
    if size <= 1:
        return pairs
    return [(statistics.median(t for t, _ in chunk), statistics.median(v for _, v in chunk))
            for chunk in (pairs[i:i + size] for i in range(0, len(pairs), size))]


def growth_fit(turns: Sequence[float], values: Sequence[float], relative: bool = True) -> GrowthFit:
    """The verdict on how ``values`` grow with ``turns`` (see the module docstring). ``relative=False`` for a
    level read on top of a large base (resident memory after each turn): only the slope's interval decides
    whether it is constant, not the share of the first value it moved."""
    pairs = [(float(t), float(v)) for t, v in zip(turns, values) if v is not None and math.isfinite(v)]
    if len(pairs) < MIN_POINTS:
        return GrowthFit("too few points", points=len(pairs),
                         note=f"{len(pairs)} point(s); a fit needs {MIN_POINTS} or more")
    measured = len(pairs)
    pairs = blocks(pairs)
    t, y = [p[0] for p in pairs], [p[1] for p in pairs]
    n = len(pairs)
    fits = []
    for k in K_GRID:
        a, b, sse = _least_squares([v ** k for v in t], y)
        fits.append((sse, k, a, b))
    best_sse, k, a, b = min(fits)
    first, last = a + b * t[0] ** k, a + b * t[-1] ** k
    scale = abs(first) or (sum(abs(v) for v in y) / n) if relative else (abs(last - first) or 1.0)
    from scipy.stats import f

    bound = best_sse * (1 + float(f.ppf(CONFIDENCE, 1, n - 3)) / (n - 3)) if n > 3 else math.inf
    inside = [kk for sse, kk, _, _ in fits if sse <= bound] or [k]
    low, high = min(inside), max(inside)
    _, slope_low, slope_high = slope_interval(t, y)
    change = (last - first) / scale if scale else 0.0
    common = dict(exponent=k, exponent_low=low, exponent_high=high, first=first, last=last, points=measured)
    if (relative and abs(change) < FLAT_SHARE) or slope_low <= 0.0 <= slope_high:
        return GrowthFit("constant", note=f"fitted value moves {100 * change:+.0f} % from first to last point",
                         **common)
    if change < 0:
        return GrowthFit("shrinking", note=f"{100 * change:+.0f} % from first to last point", **common)
    verdict = "quadratic" if k >= 1.5 else "linear" if k >= 0.5 else "sublinear"
    edge = f"; k at the end of the searched range ({K_GRID[-1]:g}): steeper still" if k >= K_GRID[-1] else ""
    return GrowthFit(verdict, note=f"{100 * change:+.0f} % from first to last point{edge}", **common)


def write_amplification(fit: GrowthFit) -> str:
    """What a per-turn bytes-written verdict means for the whole conversation."""
    if fit.verdict in ("linear", "quadratic") and fit.exponent is not None:
        total = "O(N²)" if fit.verdict == "linear" else f"O(N^{fit.exponent + 1:.1f})"
        return (f"write amplification: each turn writes more than the last, so a conversation of N turns writes "
                f"{total} bytes (turn t rewrites what earlier turns wrote)")
    if fit.verdict == "constant":
        return "no write amplification: each turn writes about the same bytes, O(N) over the conversation"
    return ""


@dataclass(frozen=True)
class SlopeFit:
    """Bytes retained per call: the slope of a memory reading over calls, with its 95 % interval."""

    per_call: float
    low: float
    high: float
    points: int


def per_call_slope(calls: Sequence[float], readings: Sequence[float]) -> SlopeFit | None:
    """None with fewer than ``MIN_POINTS`` samples."""
    if len(calls) < MIN_POINTS:
        return None
    slope, low, high = slope_interval(calls, readings)
    return SlopeFit(slope, low, high, len(calls))
