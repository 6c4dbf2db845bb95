"""The RAG-overhead pass: an agent run with agno's knowledge search against the same run without it.

Engine: :mod:`agnobench.passes.knowledge.rag`. Each round is one forked
child that fills a fresh store and times three runs interleaved (plain, a
plain tool call, agno's ``search_knowledge_base``); each knowledge run must
cite the document its query is about. ``time_per_op_ns`` is the knowledge
run; ``overhead_ns`` is it minus the tool run (same model calls, no
retrieval), paired round by round.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError, PassContext, PassOutput, PassPlugin
from agnobench.core.model import Model
from agnobench.passes.knowledge.corpus_growth import check_store


@dataclass(frozen=True)
class RagParams:
    knowledge_store: str = "lancedb"
    rag_corpus_size: int = 1000
    rag_rounds: int = 3
    rag_calls: int = 40  # calls of each run per round
    rag_warmups: int = 2

    def check(self) -> None:
        check_store(self.knowledge_store)
        for key in ("rag_corpus_size", "rag_rounds", "rag_calls"):
            if getattr(self, key) < 1:
                raise ParamError(key, f"must be at least 1, got {getattr(self, key)!r}")


def quick(params: RagParams) -> RagParams:
    """--quick: a corpus a fifth the size (at least 100), one round, a quarter of the calls."""
    return replace(params, rag_corpus_size=max(100, params.rag_corpus_size // 5), rag_rounds=1,
                   rag_calls=max(5, params.rag_calls // 4), rag_warmups=min(params.rag_warmups, 1))


@dataclass
class RagRow(Model):
    name: str = ""
    time_per_op_ns: float = 0.0  # median over rounds of each round's median
    rounds_ns: list[float] = field(default_factory=list)
    vs_baseline: float | None = None  # ÷ the tool run, paired per round


@dataclass
class RagResult(Model):
    store: str = ""
    corpus_size: int = 0
    subject: str = ""
    baseline: str = ""
    calls_per_round: int = 0
    rows: list[RagRow] = field(default_factory=list)


def run(ctx: PassContext[RagParams]) -> PassOutput[RagResult]:
    from agnobench.passes.knowledge.rag import BASELINE, SUBJECT, RagPlan, rag_child
    from agnobench.measure.forking import run_forked

    p: RagParams = ctx.params
    plan = RagPlan(kind=p.knowledge_store, corpus_size=p.rag_corpus_size, calls=p.rag_calls, warmups=p.rag_warmups)
    per_round: dict[str, list[float]] = {}
    for index in range(p.rag_rounds):
        ctx.progress(f"rag overhead: {p.knowledge_store}, round {index + 1}/{p.rag_rounds}")
        raw = run_forked(lambda: rag_child(plan))
        for name, times in raw["times"].items():
            per_round.setdefault(name, []).append(float(statistics.median(times)))
    base = per_round[BASELINE]
    rows = [RagRow(name=name, time_per_op_ns=float(statistics.median(values)), rounds_ns=values,
                   vs_baseline=None if name == BASELINE else
                   float(statistics.median(v / b for v, b in zip(values, base) if b)))
            for name, values in per_round.items()]
    subject = per_round[SUBJECT]
    samples = {"time_per_op_ns": subject, "baseline_time_ns": base,
               "overhead_ns": [s - b for s, b in zip(subject, base)],
               "overhead_ratio": [s / b for s, b in zip(subject, base) if b]}
    return PassOutput(samples=samples, details=RagResult(store=p.knowledge_store, corpus_size=p.rag_corpus_size,
                                                         subject=SUBJECT, baseline=BASELINE,
                                                         calls_per_round=p.rag_calls, rows=rows))


PLUGIN = PassPlugin(name="rag_overhead", order=90, run=run, params=RagParams, result=RagResult, quick=quick,
                    summary="an agent run with agno knowledge search against the same run without retrieval")
