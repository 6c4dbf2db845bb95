"""The insert-throughput pass: documents per second into a fresh store, batched and one by one.

Engine: :mod:`agnobench.passes.knowledge.throughput`, one forked child per
round. Every insert goes through agno's ``VectorDb.insert`` (which embeds each
document first); the embedder alone is timed on the same documents so the
store's share shows. After inserting, probe queries must find their documents.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError, PassContext, PassOutput, PassPlugin
from agnobench.core.metrics import MetricInfo
from agnobench.core.model import Model
from agnobench.passes.knowledge.corpus_growth import check_store


@dataclass(frozen=True)
class InsertParams:
    knowledge_store: str = "lancedb"
    insert_docs: int = 1000  # documents of the batched insert
    insert_batch_size: int = 1000  # documents per insert call in the batched insert
    single_docs: int = 100  # documents inserted with one insert call each
    insert_rounds: int = 3
    insert_min_recall: float = 0.9

    def check(self) -> None:
        check_store(self.knowledge_store)
        for key in ("insert_docs", "insert_batch_size", "single_docs", "insert_rounds"):
            if getattr(self, key) < 1:
                raise ParamError(key, f"must be at least 1, got {getattr(self, key)!r}")


def quick(params: InsertParams) -> InsertParams:
    """--quick: a fifth of the documents (at least 50 batched, 10 single), one round."""
    return replace(params, insert_docs=max(50, params.insert_docs // 5), single_docs=max(10, params.single_docs // 5),
                   insert_rounds=1)


@dataclass
class InsertRound(Model):
    batch_docs_per_s: float = 0.0
    single_docs_per_s: float = 0.0
    embed_docs_per_s: float = 0.0
    single_first_tenth_ns: float = 0.0  # mean time of one single insert over the first tenth
    single_last_tenth_ns: float = 0.0  # ... and over the last tenth: does it slow as the table grows?


@dataclass
class InsertResult(Model):
    store: str = ""
    insert_docs: int = 0
    insert_batch_size: int = 0
    single_docs: int = 0
    rounds: list[InsertRound] = field(default_factory=list)

    def median(self, key: str) -> float:
        return float(statistics.median(getattr(r, key) for r in self.rounds)) if self.rounds else 0.0


def run(ctx: PassContext[InsertParams]) -> PassOutput[InsertResult]:
    from agnobench.passes.knowledge.throughput import InsertPlan, insert_child
    from agnobench.measure.forking import run_forked

    p: InsertParams = ctx.params
    plan = InsertPlan(kind=p.knowledge_store, batch_docs=p.insert_docs, batch=p.insert_batch_size,
                      single_docs=p.single_docs, min_recall=p.insert_min_recall)
    rounds = []
    for index in range(p.insert_rounds):
        ctx.progress(f"insert throughput: {p.knowledge_store}, round {index + 1}/{p.insert_rounds}")
        raw = run_forked(lambda: insert_child(plan))
        rounds.append(InsertRound(**{k: v for k, v in raw.items() if k in InsertRound.__dataclass_fields__}))
    samples = {"batch_insert_docs_per_s": [r.batch_docs_per_s for r in rounds],
               "single_insert_docs_per_s": [r.single_docs_per_s for r in rounds],
               "embed_docs_per_s": [r.embed_docs_per_s for r in rounds]}
    return PassOutput(samples=samples, details=InsertResult(store=p.knowledge_store, insert_docs=p.insert_docs,
                                                            insert_batch_size=p.insert_batch_size,
                                                            single_docs=p.single_docs, rounds=rounds))


METRICS = (
    MetricInfo("batch_insert_docs_per_s", "1/s", "batch insert docs/s", lower_is_better=False,
               note="insert docs/s: documents per second through agno's VectorDb.insert into a fresh store "
                    "(embedding included), batched and one insert call per document; embed docs/s: the embedder "
                    "alone on the same documents."),
    MetricInfo("single_insert_docs_per_s", "1/s", "single insert docs/s", lower_is_better=False),
    MetricInfo("embed_docs_per_s", "1/s", "embed docs/s", lower_is_better=False, column="more"),
)

PLUGIN = PassPlugin(name="insert_throughput", order=80, run=run, params=InsertParams, result=InsertResult, metrics=METRICS,
                    quick=quick,
                    summary="documents/s into a fresh embedded vector store, batched and one by one")
