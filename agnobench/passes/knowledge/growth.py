"""Query time as the corpus grows: one child builds a store per size and times them interleaved.

For each corpus size a fresh store (its own temporary directory) is filled
through agno's ``insert`` (timed: the batch insert throughput at that size),
its memory is read (resident-set growth while filling, and bytes on disk),
and recall@5 is checked on probe queries whose right answers are known — a
size whose store returns the wrong documents fails the whole measurement.
Then top-5 queries are timed in rounds that visit every size in turn, so a
machine that slows for a few seconds slows every size alike and the curve
keeps its shape. The query embedding (agno's ``search`` embeds the query) is
timed on its own beside it, so the store's own share is visible.

:func:`growth_verdict` names the curve: flat, logarithmic, sublinear, linear
or superlinear, with its criterion stated.
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from typing import Any, Callable

from agnobench.adapters.knowledge.corpus import Corpus
from agnobench.adapters.knowledge.embedder import HashEmbedder
from agnobench.adapters.knowledge.retrieval import (TOP_K, check_recall, disk_bytes, fill, insert, measure_recall,
                                                    rss_bytes)
from agnobench.adapters.knowledge.stores import open_store
from agnobench.stats import median_abs_dev, percentile

FLAT_TOLERANCE = 1.25  # as the scaling curve: within ×1.25 of the smallest size is flat


@dataclass(frozen=True)
class GrowthVerdict:
    growth: str  # flat | logarithmic | sublinear | linear | superlinear
    ratio: float  # query time at the largest size ÷ at the smallest
    exponent: float  # slope of log(time) over log(size) between the two largest sizes
    criterion: str


def growth_verdict(sizes: list[int], times: list[float], flat_tolerance: float = FLAT_TOLERANCE) -> GrowthVerdict:
    """Name how query time grows with the corpus (``times`` absolute, or relative to the smallest size).

    ``exponent`` is k in time ∝ size^k over the last step. A linear scan with a
    fixed overhead approaches k = 1 as the scan dominates; a logarithmic index
    (HNSW) gives k ≤ 0.1 from 10,000 to 100,000 (ln 100,000 ÷ ln 10,000 = 1.25).
    """
    if len(sizes) < 2 or len(sizes) != len(times) or min(times) <= 0:
        raise ValueError("a growth verdict needs two or more sizes with positive times")
    ratio = times[-1] / times[0]
    exponent = math.log(times[-1] / times[-2]) / math.log(sizes[-1] / sizes[-2])
    if ratio <= flat_tolerance:
        growth = "flat"
    elif exponent >= 1.5:
        growth = "superlinear"
    elif exponent >= 0.5:
        growth = "linear"
    elif exponent >= 0.2:
        growth = "sublinear"
    else:
        growth = "logarithmic"
    criterion = (f"flat = time at {sizes[-1]:,} within ×{flat_tolerance:g} of time at {sizes[0]:,}; otherwise by k "
                 f"in time ∝ size^k from {sizes[-2]:,} to {sizes[-1]:,}: k ≥ 1.5 superlinear, ≥ 0.5 linear, "
                 f"≥ 0.2 sublinear, else logarithmic")
    return GrowthVerdict(growth=growth, ratio=ratio, exponent=exponent, criterion=criterion)


@dataclass
class GrowthPlan:
    kind: str
    sizes: list[int]
    rounds: int
    calls: int  # timed queries per size per round
    probes: int  # recall queries per size
    min_recall: float
    batch: int  # documents per insert call while filling


def _timed(fn: Callable[[str], Any], queries: list[str], calls: int) -> list[int]:
    clock = time.perf_counter_ns
    times = []
    for query in itertools.islice(itertools.cycle(queries), calls):
        start = clock()
        fn(query)
        times.append(clock() - start)
    return times


def _warm_up(kind: str, embedder: HashEmbedder) -> None:
    """Load the store's machinery once, so the first size's memory is not the library's."""
    corpus = Corpus(50, seed=99)
    with open_store(kind, embedder) as store:
        fill(store.vector_db, corpus)
        store.vector_db.search(query=corpus.query(0), limit=TOP_K)


def growth_child(plan: GrowthPlan) -> dict[str, Any]:
    """Build every size, check recall, time queries interleaved; JSON-able, for ``run_forked``."""
    embedder = HashEmbedder()
    _warm_up(plan.kind, embedder)
    stores: dict[int, Any] = {}
    queries: dict[int, list[str]] = {}
    points: dict[int, dict[str, Any]] = {}
    with ExitStack() as stack:
        for size in plan.sizes:
            corpus = Corpus(size)
            before = rss_bytes()
            store = stack.enter_context(open_store(plan.kind, embedder))
            insert(store.vector_db, corpus, 0, min(plan.batch, size))  # the first batch creates the table
            start = time.perf_counter_ns()
            fill(store.vector_db, corpus, start=min(plan.batch, size), batch=plan.batch)
            filled_ns = time.perf_counter_ns() - start
            store.vector_db.search(query=corpus.query(0), limit=TOP_K)  # an index loads on first use
            grown = rss_bytes() - before
            recall = check_recall(measure_recall(store.vector_db, corpus, plan.probes), plan.min_recall,
                                  f"{plan.kind} at {size:,} vectors")
            timed_docs = size - min(plan.batch, size)
            points[size] = {"size": size, "rss_growth_bytes": grown, "disk_bytes": disk_bytes(store.path),
                            "insert_docs_per_s": 1e9 * timed_docs / filled_ns if timed_docs and filled_ns else None,
                            "recall": recall.recall, "recall_at_1": recall.recall_at_1, "recall_probes": recall.probes,
                            "recall_misses": recall.misses}
            stores[size] = store.vector_db
            queries[size] = [corpus.query(i) for i in corpus.probes(max(plan.probes, plan.calls))]

        per_round: dict[int, list[float]] = {size: [] for size in plan.sizes}
        pooled: dict[int, list[int]] = {size: [] for size in plan.sizes}
        for round_index in range(plan.rounds):
            shift = round_index % len(plan.sizes)  # each round starts at another size
            for size in plan.sizes[shift:] + plan.sizes[:shift]:
                db = stores[size]
                times = _timed(lambda q: db.search(query=q, limit=TOP_K), queries[size], plan.calls)
                per_round[size].append(float(statistics.median(times)))
                pooled[size].extend(times)
        embed_ns = float(statistics.median(_timed(embedder.get_embedding, queries[plan.sizes[-1]], plan.calls)))

    for size in plan.sizes:
        median = statistics.median(per_round[size])
        points[size].update({"query_ns": median, "query_rounds_ns": per_round[size],
                             "query_mad_pct": 100 * median_abs_dev(per_round[size]) / median if median else 0.0,
                             "query_p95_ns": percentile(pooled[size], 95), "queries_timed": len(pooled[size])})
    return {"plan": asdict(plan), "points": [points[size] for size in plan.sizes], "embed_query_ns": embed_ns}
