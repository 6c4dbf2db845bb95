"""The store-sessions pass: N conversations at once on one store, threads and asyncio tasks.

Engine: :mod:`agnobench.passes.storage.sessions`. Per cell (mode × sessions):
turns per second (completed turns only), p50/p99 per turn, and errors counted
by kind — SQLite's "database is locked" among them. Any error fails nothing by
itself (the count is the finding) unless ``max_errors`` is set below it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError, PassContext, PassOutput, PassPlugin
from agnobench.core.metrics import MetricInfo
from agnobench.adapters.storage.records import SessionCell
from agnobench.core.model import Model
from agnobench.passes.storage.turn_growth import check_store

MODES = ("threads", "asyncio")


@dataclass(frozen=True)
class SessionsParams:
    store: str = "sqlite"
    session_counts: list[int] = field(default_factory=lambda: [1, 4, 16])
    session_modes: list[str] = field(default_factory=lambda: ["threads", "asyncio"])
    session_turns: int = 10  # turns each session runs

    def check(self) -> None:
        check_store("store", self.store)
        if not self.session_counts or any(n < 1 for n in self.session_counts):
            raise ParamError("session_counts", f"must list positive counts, got {self.session_counts!r}")
        for mode in self.session_modes:
            if mode not in MODES:
                raise ParamError("session_modes", f"must be among {', '.join(MODES)}, got {mode!r}")
        if self.session_turns < 1:
            raise ParamError("session_turns", f"must be at least 1, got {self.session_turns!r}")


@dataclass
class SessionsResult(Model):
    store: str = ""
    cells: list[SessionCell] = field(default_factory=list)


def run(ctx: PassContext[SessionsParams]) -> PassOutput[SessionsResult]:
    from agnobench.passes.storage.sessions import concurrency

    p: SessionsParams = ctx.params
    raw = concurrency(p.store, list(p.session_modes), sorted(set(p.session_counts)), p.session_turns, ctx.progress)
    cells = [SessionCell.from_dict(c) for c in raw["cells"]]
    widest = [c for c in cells if c.sessions == max(p.session_counts)]
    samples: dict[str, list[float]] = {
        "session_turns_per_s": [c.turns_per_s for c in widest],
        "session_p99_ns": [c.p99_ns for c in widest if c.completed],
        "session_errors": [float(sum(c.errors for c in cells))],
    }
    return PassOutput(samples={k: v for k, v in samples.items() if v}, details=SessionsResult(p.store, cells))


METRICS = (
    MetricInfo("session_turns_per_s", "1/s", "turns/s (most sessions)", lower_is_better=False,
               note="turns/s (most sessions): completed turns per second with the most sessions at once, threads "
                    "and asyncio; p99/turn beside it. errors: failed turns over every cell, counted by kind in "
                    "the storage tables (\"database is locked\" among them), never dropped."),
    MetricInfo("session_p99_ns", "ns", "p99/turn (most sessions)"),
    MetricInfo("session_errors", "count", "errors"),
)

PLUGIN = PassPlugin(name="store_sessions", order=130, run=run, params=SessionsParams, result=SessionsResult, metrics=METRICS,
                    quick=lambda p: replace(p, session_turns=min(p.session_turns, 3)),
                    summary="N sessions at once on one store (threads, asyncio): turns/s, p99 per turn, errors "
                            "such as 'database is locked' counted")
