"""Human formatting of numbers with units (SI prefixes, thousands separators)."""

from __future__ import annotations


def format_ns(ns: float) -> str:
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if abs(ns) >= scale:
            return f"{ns / scale:.3g} {unit}" if abs(ns) / scale < 1000 else f"{ns / scale:,.0f} {unit}"
    return f"{ns:.3g} ns" if abs(ns) < 100 else f"{ns:.0f} ns"


def format_bytes(value: float) -> str:
    if abs(value) >= 10 * 1024 * 1024:
        return f"{value / (1024 * 1024):,.1f} MiB"
    if abs(value) >= 100 * 1024:
        return f"{value / 1024:,.0f} KiB"
    return f"{value:,.0f} B"


def format_count(value: float) -> str:
    if abs(value) >= 1e6:
        return f"{value / 1e6:.3g}M"
    if abs(value) >= 1e4:
        return f"{value / 1e3:.3g}k"
    if abs(value - round(value)) < 0.05 or abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}"


def format_ratio(value: float) -> str:
    return f"×{value:.3g}" if value < 1000 else f"×{value:,.0f}"


def format_value(unit: str, value: float) -> str:
    """Format by the metric registry's unit names."""
    if unit == "ns":
        return format_ns(value)
    if unit == "B":
        return format_bytes(value)
    if unit == "ratio":
        return f"{value:.3g}"
    if unit == "%":
        return f"{value:.1f}%"
    return format_count(value)
