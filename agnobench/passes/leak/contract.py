"""The leak pass's typed contract: its params (``[measure.params]``) and its result.

A leaf of the pass: the plugin, the engine and the report import it; it imports
only the core.
"""


from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError
from agnobench.core.metrics import MetricInfo
from agnobench.core.model import Model

QUICK_CALLS = 2000
QUICK_BUDGET_S = 2.5


@dataclass(frozen=True)
class LeakParams:
    leak_calls: int = 50000
    leak_samples: int = 20  # readings, evenly spaced over the calls (plus one before the first)
    leak_warmup: int = -1  # untraced calls first; -1: a tenth of leak_calls, at least 10
    leak_min_bytes: float = 8.0  # a slope under this many bytes per call is "no growth"
    leak_budget_s: float = 120.0  # stop calling after this long (the calls made are recorded)

    def check(self) -> None:
        if self.leak_calls < 1:
            raise ParamError("leak_calls", f"must be at least 1, got {self.leak_calls!r}")
        if self.leak_samples < 2:
            raise ParamError("leak_samples", f"must be at least 2, got {self.leak_samples!r}")
        if self.leak_budget_s <= 0:
            raise ParamError("leak_budget_s", f"must be positive, got {self.leak_budget_s!r}")


@dataclass
class LeakResult(Model):
    calls: int = 0
    calls_asked: int = 0
    warmup_calls: int = 0
    stopped_early: bool = False
    budget_s: float = 0.0
    at_calls: list[float] = field(default_factory=list)
    traced_bytes: list[float] = field(default_factory=list)
    rss_bytes: list[float] = field(default_factory=list)
    per_call_bytes: float | None = None
    per_call_low: float | None = None
    per_call_high: float | None = None
    rss_per_call_bytes: float | None = None
    rss_per_call_low: float | None = None
    rss_per_call_high: float | None = None
    verdict: str = ""
    rss_verdict: str = ""
    min_bytes: float = 0.0
    fitted_from_call: float = 0.0  # the fit starts at this reading (the first quarter is left out)
    note: str = ""


METRICS = (
    MetricInfo("leak_bytes_per_call", "B", "retained/call (leak)",
               note="retained/call (leak): slope of traced memory (after a collection) over many calls, with its "
                    "95 % interval and verdict in the leak table; rss/call the same for the resident set."),
    MetricInfo("leak_rss_per_call", "B", "rss/call (leak)"),
)


def quick(params: LeakParams) -> LeakParams:
    """--quick: a smoke run, too few calls for a verdict."""
    return replace(params, leak_calls=min(params.leak_calls, QUICK_CALLS),
                   leak_budget_s=min(params.leak_budget_s, QUICK_BUDGET_S))
