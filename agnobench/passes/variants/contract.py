"""The variants pass's typed contract: its params (``[measure.params]``) and its result.

A leaf of the pass: the plugin, the engine and the report import it; it imports
only the core.
"""


from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.model import Model


@dataclass(frozen=True)
class VariantsParams:
    variants: dict[str, str] = field(default_factory=dict)  # name = "module:factory" of the variant's op
    subject: str = ""  # default: the last variant
    baseline: str = ""  # default: the first, when there are two or more
    items_per_call: int = 1  # a call that serves N requests reports time per request
    variant_rounds: int = 3
    variant_budget_s: float = 0.6
    variant_calls: int = 0
    variant_warmups: int = 2
    peak_memory: bool = False
    allocations: bool = False


def quick(params: VariantsParams) -> VariantsParams:
    """--quick is a smoke run: two rounds, a third of the calls, one warmup."""
    return replace(params, variant_rounds=min(params.variant_rounds, 2), variant_budget_s=params.variant_budget_s / 4,
                   variant_warmups=min(params.variant_warmups, 1),
                   variant_calls=max(2, params.variant_calls // 3) if params.variant_calls else 0)


@dataclass
class VariantRow(Model):
    """One variant: its time per call (per request when a call serves several), spread, p95, GC."""

    name: str = ""
    time_per_op_ns: float = 0.0  # median over rounds of each round's median call
    mad_pct: float = 0.0
    p95_ns: float = 0.0
    calls: int = 0
    gc_per_1k_calls: list[float] = field(default_factory=list)  # collections started, generations 0/1/2
    vs_baseline: float | None = None  # ÷ the baseline, paired round by round
    peak_bytes: float | None = None
    allocated_bytes_per_op: float | None = None
    allocs_per_op: float | None = None


@dataclass
class VariantsResult(Model):
    subject: str = ""
    baseline: str | None = None
    subject_metric: str = "time_per_op_ns"
    items_per_call: int = 1
    calls_per_round: int = 0
    rounds: int = 0
    rows: list[VariantRow] = field(default_factory=list)


def debug(p: VariantsParams) -> VariantsParams:
    """--debug-single-value: one round, the least that still runs every step once."""
    return replace(p, variant_rounds=1)
