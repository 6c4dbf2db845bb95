"""The turn-growth pass: one conversation grown to N turns on a store, per-turn cost and its growth verdict.

Engine: :mod:`agnobench.passes.storage.growth` (runs in the worker: a
PostgreSQL server it starts is its own child). The scenario's operation is
not used beyond the worker's check; the pass opens its own store. Samples:
``turn_time_ns`` (every turn's time) and ``bytes_per_turn`` (every turn's
bytes written, on SQL stores); the curve and the verdict of each metric on
how it grows with the turn number are in the details
(:mod:`agnobench.measure.growth_fit`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError, PassContext, PassOutput, PassPlugin
from agnobench.core.metrics import MetricInfo
from agnobench.adapters.storage.records import TurnPoint
from agnobench.core.model import Model

STORES = ("memory", "sqlite", "postgres")  # agnobench.adapters.storage.stores.STORES, without importing it
QUICK_TURNS = 10
# metric of a turn -> (label, fit relative to its first value?)
FITTED = {"time_ns": ("time per turn", True), "bytes_written": ("bytes written per turn", True),
          "rows_read": ("rows read per turn", True), "sent_bytes": ("parameter bytes sent per turn", True),
          "rss_bytes": ("resident memory after the turn", False)}


def check_store(key: str, kind: str) -> None:
    if kind not in STORES:
        raise ParamError(key, f"must be one of {', '.join(STORES)}, got {kind!r}")


@dataclass(frozen=True)
class TurnGrowthParams:
    store: str = "sqlite"
    growth_turns: int = 100
    growth_rounds: int = 3  # conversations grown in lockstep; each turn's figure is their median

    def check(self) -> None:
        check_store("store", self.store)
        if self.growth_rounds < 1:
            raise ParamError("growth_rounds", f"must be at least 1, got {self.growth_rounds!r}")
        if self.growth_turns < 1:
            raise ParamError("growth_turns", f"must be at least 1, got {self.growth_turns!r}")


@dataclass
class MetricVerdict(Model):
    metric: str = ""
    label: str = ""
    verdict: str = ""  # constant | shrinking | sublinear | linear | quadratic | too few points
    exponent: float | None = None
    exponent_low: float | None = None
    exponent_high: float | None = None
    points: int = 0
    note: str = ""
    meaning: str = ""  # for bytes written: whether the conversation has O(N²) write amplification

    def describe(self) -> str:
        if self.exponent is None or self.verdict == "constant":  # a flat curve's exponent means nothing
            return f"{self.verdict}: {self.note}" if self.note else self.verdict
        edge = " — steeper than the searched range" if "end of the searched range" in self.note else ""
        return f"{self.verdict} (k = {self.exponent:.2f} [{self.exponent_low:.2f}, {self.exponent_high:.2f}]){edge}"


@dataclass
class TurnGrowthResult(Model):
    store: str = ""
    where: str = ""
    rounds: int = 1
    turns: list[TurnPoint] = field(default_factory=list)
    verdicts: list[MetricVerdict] = field(default_factory=list)
    table_totals: dict[str, int] = field(default_factory=dict)  # PostgreSQL: pg_stat_user_tables over the run

    def verdict(self, metric: str) -> MetricVerdict | None:
        return next((v for v in self.verdicts if v.metric == metric), None)


def verdicts(points: list[TurnPoint]) -> list[MetricVerdict]:
    from agnobench.measure.growth_fit import growth_fit, write_amplification

    found = []
    for metric, (label, relative) in FITTED.items():
        series = [(p.turn, getattr(p, metric)) for p in points if getattr(p, metric) is not None]
        if not series:
            continue
        fit = growth_fit([t for t, _ in series], [v for _, v in series], relative=relative)
        found.append(MetricVerdict(metric, label, fit.verdict, fit.exponent, fit.exponent_low, fit.exponent_high,
                                   fit.points, fit.note,
                                   write_amplification(fit) if metric == "bytes_written" else ""))
    return found


def run(ctx: PassContext[TurnGrowthParams]) -> PassOutput[TurnGrowthResult]:
    from agnobench.passes.storage.growth import grow

    p: TurnGrowthParams = ctx.params
    ctx.progress(f"turn growth: {p.growth_turns} turns on {p.store}")
    raw = grow(p.store, p.growth_turns, p.growth_rounds, ctx.progress)
    points = [TurnPoint.from_dict(row) for row in raw["turns"]]
    samples: dict[str, list[float]] = {"turn_time_ns": [pt.time_ns for pt in points]}
    written = [pt.bytes_written for pt in points if pt.bytes_written is not None]
    if written:
        samples["bytes_per_turn"] = written
    details = TurnGrowthResult(store=p.store, where=raw["where"], rounds=raw["rounds"], turns=points, verdicts=verdicts(points),
                               table_totals=raw["table_totals"])
    return PassOutput(samples=samples, details=details)


METRICS = (
    MetricInfo("turn_time_ns", "ns", "time/turn",
               note="time/turn: one turn of a conversation with its whole history in context, on the store; median "
                    "over every turn (the curve and its growth verdict are in the storage tables)."),
    MetricInfo("bytes_per_turn", "B", "written/turn",
               note="written/turn: bytes one turn wrote to the store (SQLite: write(2) bytes, WAL and file; "
                    "PostgreSQL: WAL bytes); median over every turn."),
)

PLUGIN = PassPlugin(name="turn_growth", order=120, run=run, params=TurnGrowthParams, result=TurnGrowthResult, metrics=METRICS,
                    quick=lambda p: replace(p, growth_turns=min(p.growth_turns, QUICK_TURNS), growth_rounds=1),
                    summary="one conversation grown turn by turn on a store: per-turn time, bytes written, rows "
                            "read, memory, and a constant/linear/quadratic verdict on each")
