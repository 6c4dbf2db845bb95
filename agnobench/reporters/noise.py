"""Figures that are noise, not measurements: shown as "not measurable here", with the reason.

A negative memory figure (retained bytes, resident memory per 1,000 vectors)
is the noise of the measurement outweighing the figure, and a rerun spread of
±150 % says the figure could be anything from nothing to two and a half times
itself. Printed as numbers they read as findings ("−285 KiB memory per 1,000
vectors"); the reporters print ``n/m`` (a numeric column's width) or the full
words, and say why under the table. The values stay in the results file.
"""

from __future__ import annotations

NOT_MEASURABLE = "not measurable here"
SHORT = "n/m"
SPREAD_LIMIT_PCT = 100.0  # a ± beyond the figure itself
_MEMORY_UNITS = ("B",)


def value_noise(unit: str, value: float) -> str:
    """Why ``value`` of a metric in ``unit`` is noise, or ''."""
    if unit in _MEMORY_UNITS and value < 0:
        return "negative: the memory measurement's noise is larger than the figure"
    return ""


def spread_noise(pct: float) -> str:
    """Why a ± of ``pct`` % makes its figure noise, or ''."""
    if pct > SPREAD_LIMIT_PCT:
        return f"±{pct:.0f} %: the spread is larger than the figure itself"
    return ""


def note(where: str, reason: str) -> str:
    return f"{SHORT} = {NOT_MEASURABLE}: {where} ({reason})."
