"""The concurrency pass's typed contract: its params (``[measure.params]``) and its result.

A leaf of the pass: the plugin, the engine and the report import it; it imports
only the core.
"""


from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError
from agnobench.core.model import Model

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


@dataclass
class MatrixRow(Model):
    """One cell of the matrix (variant × mode × workers), medians over rounds."""

    variant: str = ""
    mode: str = ""
    workers: int = 0
    ops_per_sec: float = 0.0  # aggregate over all workers
    speedup: float = 0.0  # ÷ the same variant and mode at 1 worker, same round
    efficiency: float = 0.0
    ideal_speedup: int = 0
    time_per_op_ns: float = 0.0  # aggregate wall ÷ all calls, as Go's RunParallel
    worker_time_per_op_ns: float = 0.0  # wall ÷ one worker's calls
    rounds: int = 0
    ops_per_worker: int = 0
    checked: int = 0
    ops_per_sec_samples: list[float] = field(default_factory=list)
    speedup_samples: list[float] = field(default_factory=list)


@dataclass
class Verdict(Model):
    """One series (variant × mode) against the document's claim of linear scaling."""

    variant: str = ""
    mode: str = ""
    verdict: str = ""  # "linear", "sub-linear", "no scaling", with ", slows down"
    best_speedup: float = 0.0
    best_at: int = 0
    speedups: dict[str, float] = field(default_factory=dict)  # workers -> speedup
    of_control: float | None = None  # speedup ÷ the control's at control_at (CPU-bound series)
    control_at: int | None = None


@dataclass
class WorkloadInfo(Model):
    description: str = ""
    io_bound: bool = False
    notes: list[str] = field(default_factory=list)
    ops_per_worker: int = 0


@dataclass
class Control(Model):
    speedups: dict[str, float] = field(default_factory=dict)
    note: str | None = None  # set when the machine offered less parallelism than its CPU count
    ops_per_worker: int = 0


@dataclass
class Headline(Model):
    variant: str = ""
    mode: str = ""
    workers: int = 0


@dataclass
class ConcurrencyResult(Model):
    cpus: int = 0
    modes: list[str] = field(default_factory=list)
    workers: list[int] = field(default_factory=list)
    rounds: int = 0
    variants: dict[str, WorkloadInfo] = field(default_factory=dict)
    rows: list[MatrixRow] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    criterion: str = ""
    document_claim: str = ""
    claim_holds_for: list[str] = field(default_factory=list)
    claim_fails_for: list[str] = field(default_factory=list)
    headline: Headline = field(default_factory=Headline)
    calls_checked: int = 0
    crosstalk: int = 0
    control: Control = field(default_factory=Control)
    load_average_before: list[float] = field(default_factory=list)


def debug(p: ConcurrencyParams) -> ConcurrencyParams:
    """--debug-single-value: one round, the least that still runs every step once."""
    return replace(p, rounds=1)
