"""The corpus-growth pass: top-5 query time at several corpus sizes, recall, memory per 1,000 vectors.

Engine: :mod:`agnobench.passes.knowledge.growth` (one forked child builds a
store per size and times queries interleaved across sizes). The headline
``time_per_op_ns`` is one top-5 query through agno's ``VectorDb.search`` at
the largest size; ``query_growth`` is that time over the smallest size's,
paired round by round; the curve and its verdict are in the details.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError, PassContext, PassOutput, PassPlugin
from agnobench.core.metrics import MetricInfo
from agnobench.core.model import Model

STORES = ("lancedb", "chroma")  # agnobench.adapters.knowledge.stores.STORES, without importing it here
MEMORY_SPAN = 5000  # vectors between the smallest and largest corpus needed to report memory per 1,000
REFERENCE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class GrowthParams:
    knowledge_store: str = "lancedb"
    corpus_sizes: list[int] = field(default_factory=lambda: [1000, 10000])
    growth_rounds: int = 5  # each round times every size in turn
    growth_calls: int = 30  # timed queries per size per round
    recall_probes: int = 50  # queries with known answers checked per size
    min_recall: float = 0.9  # below this at any size the scenario fails
    insert_batch: int = 1000  # documents per insert call while filling

    def check(self) -> None:
        check_store(self.knowledge_store)
        if len(self.corpus_sizes) < 2 or any(s <= 0 for s in self.corpus_sizes):
            raise ParamError("corpus_sizes", f"must list two or more positive sizes, got {self.corpus_sizes!r}")
        if not 0.0 <= self.min_recall <= 1.0:
            raise ParamError("min_recall", f"must be between 0 and 1, got {self.min_recall!r}")
        for key in ("growth_rounds", "growth_calls", "recall_probes", "insert_batch"):
            if getattr(self, key) < 1:
                raise ParamError(key, f"must be at least 1, got {getattr(self, key)!r}")


def check_store(kind: str) -> None:
    """A built-in store, or ``"package.module:factory"`` (called as ``factory(path, embedder)`` in the child)."""
    if kind not in STORES and not REFERENCE.match(kind):
        raise ParamError("knowledge_store", f"must be one of {', '.join(STORES)} or 'package.module:factory', "
                                            f"got {kind!r}")


def quick(params: GrowthParams) -> GrowthParams:
    """--quick: corpora a twentieth the size (100 to 2,000), two rounds, fewer queries."""
    sizes = sorted({min(2000, max(100, s // 20)) for s in params.corpus_sizes})
    if len(sizes) < 2:
        sizes = [sizes[0], sizes[0] * 5]
    return replace(params, corpus_sizes=sizes, growth_rounds=min(params.growth_rounds, 2),
                   growth_calls=min(params.growth_calls, 10), recall_probes=min(params.recall_probes, 20))


@dataclass
class GrowthPoint(Model):
    size: int = 0
    query_ns: float = 0.0  # median over rounds of each round's median query
    query_mad_pct: float = 0.0
    query_p95_ns: float = 0.0
    queries_timed: int = 0
    recall: float = 0.0  # recall@5 on recall_probes known answers
    recall_at_1: float = 0.0
    recall_probes: int = 0
    insert_docs_per_s: float | None = None  # filling this size, insert_batch documents per call
    rss_growth_bytes: float = 0.0  # resident memory added while filling (the store's native memory)
    disk_bytes: float = 0.0


@dataclass
class GrowthResult(Model):
    store: str = ""
    points: list[GrowthPoint] = field(default_factory=list)
    embed_query_ns: float = 0.0  # HashEmbedder alone on the same queries: part of every query
    growth: str = ""  # flat | logarithmic | sublinear | linear | superlinear
    ratio: float = 0.0  # query time at the largest size ÷ at the smallest, median of the per-round ratios
    exponent: float = 0.0  # k in time ∝ size^k over the last step, from the per-round ratios
    criterion: str = ""
    rounds: int = 0


def run(ctx: PassContext[GrowthParams]) -> PassOutput[GrowthResult]:
    from agnobench.passes.knowledge.growth import GrowthPlan, growth_child, growth_verdict
    from agnobench.measure.forking import run_forked

    p: GrowthParams = ctx.params
    sizes = sorted(set(p.corpus_sizes))
    plan = GrowthPlan(kind=p.knowledge_store, sizes=sizes, rounds=p.growth_rounds, calls=p.growth_calls,
                      probes=p.recall_probes, min_recall=p.min_recall, batch=p.insert_batch)
    ctx.progress(f"corpus growth: {p.knowledge_store} at {', '.join(f'{s:,}' for s in sizes)} vectors")
    raw = run_forked(lambda: growth_child(plan))
    points = [GrowthPoint(**{k: v for k, v in row.items() if k in GrowthPoint.__dataclass_fields__})
              for row in raw["points"]]
    first, last = raw["points"][0], raw["points"][-1]
    # the curve relative to the smallest size, paired round by round (each round visits every size), so the
    # verdict reads the curve's shape rather than how fast the machine was in each size's turn
    relative = [statistics.median(b / a for a, b in zip(first["query_rounds_ns"], row["query_rounds_ns"]) if a)
                for row in raw["points"]]
    verdict = growth_verdict(sizes, relative)
    samples: dict[str, list[float]] = {
        "time_per_op_ns": last["query_rounds_ns"],
        "query_growth": [b / a for a, b in zip(first["query_rounds_ns"], last["query_rounds_ns"]) if a],
        "recall_at_5": [min(pt.recall for pt in points)],
        "embed_query_ns": [raw["embed_query_ns"]],
        "disk_per_1k_vectors_bytes": [1000 * last["disk_bytes"] / last["size"]],
    }
    span = last["size"] - first["size"]
    if span >= MEMORY_SPAN:  # below it, allocator noise is as large as the vectors (--quick corpora)
        # the marginal cost of 1,000 more vectors: the largest size over the smallest, so the store's
        # fixed cost (opening it, its first table) cancels
        samples["rss_per_1k_vectors_bytes"] = [1000 * (last["rss_growth_bytes"] - first["rss_growth_bytes"]) / span]
    if last["insert_docs_per_s"]:
        samples["insert_docs_per_s"] = [last["insert_docs_per_s"]]
    details = GrowthResult(store=p.knowledge_store, points=points, embed_query_ns=raw["embed_query_ns"],
                           growth=verdict.growth, ratio=verdict.ratio, exponent=verdict.exponent,
                           criterion=verdict.criterion,
                           rounds=p.growth_rounds)
    return PassOutput(samples=samples, details=details)


METRICS = (
    MetricInfo("query_growth", "ratio", "query growth",
               note="query growth: top-5 query time at the largest corpus ÷ at the smallest, paired round by round."),
    MetricInfo("recall_at_5", "ratio", "recall@5", lower_is_better=False,
               note="recall@5: share of probe queries whose one right document (known from the generated corpus) "
                    "came back in the top 5; the lowest over all corpus sizes. Below min_recall fails the scenario."),
    MetricInfo("rss_per_1k_vectors_bytes", "B", "memory/1k vectors",
               note="memory/1k vectors: resident memory added per 1,000 more vectors (largest corpus minus smallest, "
                    "when they differ by 5,000 or more): the stores' native memory, which tracemalloc cannot see; "
                    "disk/1k vectors: their files."),
    MetricInfo("disk_per_1k_vectors_bytes", "B", "disk/1k vectors"),
    MetricInfo("insert_docs_per_s", "1/s", "insert docs/s", lower_is_better=False),
    MetricInfo("embed_query_ns", "ns", "embed query", column="more"),
)

PLUGIN = PassPlugin(name="corpus_growth", order=70, run=run, params=GrowthParams, result=GrowthResult, metrics=METRICS,
                    quick=quick,
                    summary="top-5 query time over corpus sizes with a growth verdict, recall@5, memory per 1k vectors")
