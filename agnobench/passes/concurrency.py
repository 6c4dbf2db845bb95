"""The concurrency pass: workers × mode, throughput, speedup and cross-talk (engine: measure.concurrency)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.measure.params_schema import ParamError
from agnobench.measure.passes import PassContext, PassOutput, PassPlugin

MODES = ("threads", "processes", "asyncio")


@dataclass(frozen=True)
class ConcurrencyParams:
    modes: list[str] = field(default_factory=lambda: list(MODES))
    workers: list[int] = field(default_factory=lambda: [1, 2, 4, 8])
    rounds: int = 3
    work_s: float = 0.03  # seconds of calls per worker and cell, when ops_per_worker is not fixed
    ops_per_worker: int = 0
    linear_threshold: float = 0.8  # "scales linearly" = speedup ≥ this × ideal at every worker count
    variants: dict[str, str] = field(default_factory=dict)  # name = "module:factory" of a Workload
    control: bool = True  # the reference kernel in 1..N processes: the machine's parallel capacity
    headline_variant: str | None = None
    headline_mode: str | None = None
    headline_workers: int | None = None

    def check(self) -> None:
        unknown = [m for m in self.modes if m not in MODES]
        if not self.modes or unknown:
            raise ParamError("modes", f"must be a non-empty list of {', '.join(MODES)}; got {self.modes!r}")
        if not self.workers or any(w <= 0 for w in self.workers):
            raise ParamError("workers", f"must be a non-empty list of positive integers, got {self.workers!r}")


def quick(params: ConcurrencyParams) -> ConcurrencyParams:
    """--quick is a smoke run: fewer rounds, a fifth of the work per cell."""
    return replace(params, rounds=min(params.rounds, 2), work_s=params.work_s / 5,
                   ops_per_worker=max(3, params.ops_per_worker // 5) if params.ops_per_worker else 0)


def run(ctx: PassContext) -> PassOutput:
    from agnobench.measure.concurrency import measure_concurrency

    return measure_concurrency(ctx, ctx.params)


PLUGIN = PassPlugin(name="concurrency", run=run, params=ConcurrencyParams, quick=quick, legacy_key="concurrency",
                    sections="agnobench.reporters.concurrency:concurrency_sections",
                    summary="threads, processes and asyncio tasks at 1..N workers: speedup, and every answer checked")
