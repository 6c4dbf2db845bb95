"""The batch pass's typed contract: its params (``[measure.params]``) and its result.

A leaf of the pass: the plugin, the engine and the report import it; it imports
only the core.
"""


from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError
from agnobench.core.model import Model


@dataclass(frozen=True)
class BatchParams:
    batch_counts: list[int] = field(default_factory=lambda: [1000])
    batch_rounds: int = 5
    batch_min_items: int = 1000  # a small batch is rebuilt until this many results were timed
    reference_count: int | None = None  # the count growth is measured against; default: the smallest
    time_tolerance: float = 1.25  # "flat" time = per-item time within × this of the reference count's
    retained_tolerance: float = 0.10  # "flat" memory = per-item retained within ± this share

    def check(self) -> None:
        if not self.batch_counts or any(c <= 0 for c in self.batch_counts):
            raise ParamError("batch_counts",
                             f"must be a non-empty list of positive integers, got {self.batch_counts!r}")


def quick(params: BatchParams) -> BatchParams:
    """--quick is a smoke run: two rounds, a fifth of the items."""
    return replace(params, batch_rounds=min(params.batch_rounds, 2),
                   batch_min_items=max(100, params.batch_min_items // 5))


@dataclass
class CurvePoint(Model):
    """One count N: medians over rounds."""

    count: int = 0
    total_time_ns: float = 0.0  # building all N, measured
    time_mad_pct: float = 0.0
    time_per_item_ns: float = 0.0
    total_retained_bytes: float = 0.0  # all N alive after a full collection
    retained_per_item_bytes: float = 0.0
    single_op_ns: float = 0.0  # the op timed alone
    multiplied_total_ns: float = 0.0  # N × single_op_ns: the document's kind of arithmetic
    batches_timed: int = 0


@dataclass
class BatchVerdict(Model):
    time: str = ""  # "flat" or "grows"
    retained: str = ""  # "flat" or "changes"
    reference_count: int = 0
    criterion: str = ""


@dataclass
class BatchResult(Model):
    counts: list[int] = field(default_factory=list)
    rounds: int = 0
    curve: list[CurvePoint] = field(default_factory=list)
    verdict: BatchVerdict | None = None  # with two counts or more


def debug(p: BatchParams) -> BatchParams:
    """--debug-single-value: one round, the least that still runs every step once."""
    return replace(p, batch_rounds=1)
