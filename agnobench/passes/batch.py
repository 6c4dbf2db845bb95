"""The batch pass: N results built and held at once, and the scaling curve (engine: measure.batch)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.measure.params_schema import ParamError
from agnobench.measure.passes import PassContext, PassOutput, PassPlugin


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
            raise ParamError("batch_counts", f"must be a non-empty list of positive integers, got {self.batch_counts!r}")


def quick(params: BatchParams) -> BatchParams:
    """--quick is a smoke run: two rounds, a fifth of the items."""
    return replace(params, batch_rounds=min(params.batch_rounds, 2),
                   batch_min_items=max(100, params.batch_min_items // 5))


def run(ctx: PassContext) -> PassOutput:
    from agnobench.measure.batch import measure_batch

    return measure_batch(ctx, ctx.params)


PLUGIN = PassPlugin(name="batch", run=run, params=BatchParams, quick=quick, legacy_key="batch",
                    sections="agnobench.reporters.realworld:scaling_sections",
                    summary="N results built and held at once: measured totals, and the per-item curve over N")
