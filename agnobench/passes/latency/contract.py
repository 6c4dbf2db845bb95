"""The latency pass's typed contract: its params (``[measure.params]``) and its result.

A leaf of the pass: the plugin, the engine and the report import it; it imports
only the core.
"""


from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError
from agnobench.core.model import Model


@dataclass(frozen=True)
class LatencyParams:
    latency_processes: int = 2  # forked children, each one sample of each percentile
    latency_calls: int = 0  # fixed calls per child; 0 = as many as fit the budget
    latency_budget_s: float = 0.3  # seconds of calls per child when not fixed
    latency_warmups: int = 5

    def check(self) -> None:
        if self.latency_processes < 1:
            raise ParamError("latency_processes", "must be at least 1")
        if self.latency_calls < 0 or self.latency_warmups < 0:
            raise ParamError("latency_calls" if self.latency_calls < 0 else "latency_warmups", "must not be negative")
        if self.latency_budget_s <= 0:
            raise ParamError("latency_budget_s", "must be positive")


def quick(params: LatencyParams) -> LatencyParams:
    """--quick is a smoke run: one process, a third of the calls or a quarter of the time."""
    return replace(params, latency_processes=1, latency_budget_s=params.latency_budget_s / 4,
                   latency_warmups=min(params.latency_warmups, 2),
                   latency_calls=max(1, params.latency_calls // 3) if params.latency_calls else 0)


@dataclass
class LatencyResult(Model):
    latency_calls_per_process: list[int] = field(default_factory=list)
    latency_pooled_ns: dict[str, float] = field(default_factory=dict)  # p50, p95, p99, max, mean, calls
    latency_note: str | None = None  # set when too few calls make p99 close to the maximum
