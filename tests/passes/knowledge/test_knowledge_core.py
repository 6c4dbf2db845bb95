"""The knowledge suite's parts: embedder, corpus, stores, recall and cleanup."""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from agnobench.adapters.knowledge.corpus import FILLER, KEY_WORDS, SYLLABLES, Corpus
from agnobench.adapters.knowledge.embedder import DIMENSIONS, HashEmbedder
from agnobench.adapters.knowledge.stores import STORES, TEMP_PREFIX, missing_store, open_store, sweep_stale

needs_stores = pytest.mark.skipif(any(missing_store(k) for k in STORES), reason="pip install 'agnobench[knowledge]'")


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b))


# ---- embedder ---------------------------------------------------------------

def test_embedder_is_an_agno_embedder_of_the_asked_dimensions() -> None:
    from agno.knowledge.embedder.base import Embedder

    embedder = HashEmbedder(dimensions=64)
    assert isinstance(embedder, Embedder)
    vector, usage = embedder.get_embedding_and_usage("copper kettle")
    assert len(vector) == 64 and usage is None
    assert math.isclose(math.sqrt(sum(v * v for v in vector)), 1.0)
    assert len(HashEmbedder().get_embedding("x")) == DIMENSIONS == 384
    with pytest.raises(ValueError):
        HashEmbedder(dimensions=0)


def test_embedder_async_twins_agree() -> None:
    import asyncio

    embedder = HashEmbedder()
    text = "lantern harbor velvet"
    assert asyncio.run(embedder.async_get_embedding(text)) == embedder.get_embedding(text)
    assert asyncio.run(embedder.async_get_embedding_and_usage(text)) == (embedder.get_embedding(text), None)


def test_embedder_meaning_shared_words_are_near() -> None:
    embedder = HashEmbedder()
    base = embedder.get_embedding("copper kettle on the winter harbor")
    near = embedder.get_embedding("a copper kettle at the harbor")
    far = embedder.get_embedding("velvet violin in the orchard")
    assert _cos(base, near) > 0.5 > _cos(base, far)
    assert _cos(base, embedder.get_embedding("the of about what")) == 0.0  # stop words only: a zero vector


_SUBPROCESS_EMBED = """
import json, socket, sys
sys.addaudithook(lambda event, args: event.startswith("socket.") and print("NET", event, file=sys.stderr))
from agnobench.adapters.knowledge.embedder import HashEmbedder
from agnobench.adapters.knowledge.corpus import Corpus
corpus = Corpus(50)
print(json.dumps([HashEmbedder().get_embedding(corpus.document(i).content) for i in (0, 7, 49)]))
"""


def test_embedder_is_deterministic_across_processes_and_offline() -> None:
    """Same vectors under two hash seeds; no socket at all; no model file anywhere."""
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "HF_HUB_OFFLINE": "1"}
        proc = subprocess.run([sys.executable, "-c", _SUBPROCESS_EMBED], capture_output=True, text=True, env=env,
                              timeout=120, check=True)
        assert "NET" not in proc.stderr
        outputs.append(json.loads(proc.stdout))
    assert outputs[0] == outputs[1]
    assert len(outputs[0]) == 3 and all(len(v) == DIMENSIONS for v in outputs[0])


# ---- corpus -----------------------------------------------------------------

def test_corpus_is_a_pure_function_of_index_and_seed() -> None:
    corpus = Corpus(2000)
    assert corpus.document(123) == Corpus(5000).document(123)
    assert corpus.document(123).name == "doc-000123"
    assert corpus.document(123).key_phrase in corpus.query(123)
    assert Corpus(2000, seed=1).key_phrase(5) != corpus.key_phrase(5)
    with pytest.raises(IndexError):
        corpus.document(2000)
    assert corpus.probes(5) == [0, 500, 1000, 1499, 1999]


def test_key_words_are_unique_to_one_document_and_never_filler() -> None:
    corpus = Corpus(20_000)
    words = [w for i in range(corpus.size) for w in corpus.key_phrase(i).split()]
    assert len(words) == len(set(words)) == KEY_WORDS * corpus.size
    shape = re.compile(f"^({'|'.join(SYLLABLES)}){{4}}$")
    assert not [w for w in FILLER if shape.match(w)]


def test_every_query_has_its_document_nearest_by_brute_force() -> None:
    """The known right answer is the true nearest neighbour (cosine), so recall can be demanded."""
    corpus = Corpus(3000)
    embedder = HashEmbedder()
    vectors = [embedder.get_embedding(d.content) for d in corpus.documents()]
    for index in corpus.probes(40):
        query = embedder.get_embedding(corpus.query(index))
        scores = [_cos(query, v) for v in vectors]
        best = max(range(corpus.size), key=scores.__getitem__)
        assert best == index


# ---- stores -----------------------------------------------------------------

@needs_stores
@pytest.mark.parametrize("kind", STORES)
def test_store_recall_on_the_known_corpus(kind: str, tmp_path: Path) -> None:
    from agnobench.adapters.knowledge.retrieval import check_recall, fill, measure_recall

    corpus = Corpus(300)
    with open_store(kind, root=tmp_path) as store:
        assert store.path.is_dir() and store.path.name.startswith(TEMP_PREFIX)
        fill(store.vector_db, corpus, batch=100)
        result = check_recall(measure_recall(store.vector_db, corpus, probes=20), 1.0, kind)
        assert (result.hits, result.first, result.probes) == (20, 20, 20)
    assert list(tmp_path.iterdir()) == []


@needs_stores
@pytest.mark.parametrize("kind", STORES)
def test_a_store_returning_wrong_documents_fails(kind: str, tmp_path: Path) -> None:
    from agnobench.adapters.knowledge.retrieval import RetrievalError, check_recall, fill, measure_recall

    corpus = Corpus(200)
    with open_store(kind, root=tmp_path) as store:
        fill(store.vector_db, corpus)
        real_search = store.vector_db.search

        def wrong_search(query: str, limit: int = 5, **kwargs: object) -> list:
            return real_search(query=corpus.query(1), limit=limit)  # always the same, wrong, documents

        store.vector_db.search = wrong_search
        with pytest.raises(RetrievalError, match=r"recall@5 0\.000 is below 0\.9 \(0/10"):
            check_recall(measure_recall(store.vector_db, corpus, probes=10), 0.9, kind)


@needs_stores
@pytest.mark.parametrize("kind", STORES)
def test_store_directory_removed_when_the_block_fails(kind: str, tmp_path: Path) -> None:
    seen = []
    with pytest.raises(KeyError):
        with open_store(kind, root=tmp_path) as store:
            seen.append(store.path)
            assert store.path.is_dir()
            raise KeyError("boom")
    assert seen and not seen[0].exists()
    assert list(tmp_path.iterdir()) == []


_KILLED = """
import os, sys, time
from pathlib import Path
from agnobench.adapters.knowledge.stores import open_store
with open_store(sys.argv[1], root=Path(sys.argv[2])) as store:
    print("PATH", store.path, flush=True)
    time.sleep(60)
"""


@needs_stores
def test_a_killed_process_leaves_its_directory_to_the_next_sweep(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-c", _KILLED, "lancedb", str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        line = next(line for line in proc.stdout if line.startswith("PATH "))
        path = Path(line.split(" ", 1)[1].strip())
        assert path.is_dir()
    finally:
        proc.send_signal(signal.SIGKILL)  # what the runner does on a timeout: no finally runs
        proc.wait(timeout=30)
        proc.stdout.close()
    assert path.exists()
    assert sweep_stale(tmp_path) == [path]
    assert not path.exists()


def test_sweep_leaves_live_processes_and_other_files_alone(tmp_path: Path) -> None:
    mine = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-lancedb-x"
    other = tmp_path / "unrelated-123-dir"
    mine.mkdir(), other.mkdir()
    assert sweep_stale(tmp_path) == []
    assert mine.exists() and other.exists()


@needs_stores
def test_agent_knowledge_run_cites_its_document_and_fails_on_a_wrong_one(tmp_path: Path) -> None:
    from agnobench.passes.knowledge.rag import BASELINE, PLAIN, SUBJECT, build_ops
    from agnobench.adapters.knowledge.retrieval import RetrievalError, fill

    corpus = Corpus(80)
    with open_store("lancedb", root=tmp_path) as store:
        fill(store.vector_db, corpus)
        ops = build_ops(store.vector_db, corpus)
        first = ops[SUBJECT]()  # asks about the first probe, document 0
        assert corpus.name(0) in first.content and [t.tool_name for t in first.tools] == ["search_knowledge_base"]
        assert corpus.name(0) in first.tools[0].result  # the knowledge tool really retrieved it
        ops[BASELINE](), ops[PLAIN]()

        real_search = store.vector_db.search
        store.vector_db.search = lambda query, limit=5, **kw: real_search(query=corpus.query(corpus.size - 1), limit=1)
        with pytest.raises(RetrievalError, match="does not cite"):
            ops[SUBJECT]()


def test_every_knowledge_scenario_skips_with_the_knowledge_install_line() -> None:
    from agnobench.catalog import builtin_scenarios

    knowledge = [s for s in builtin_scenarios() if s.suite == "knowledge"]
    assert len(knowledge) >= 6
    for scenario in knowledge:
        assert scenario.requires is not None, scenario.name
        assert scenario.requires.install_line() == "pip install 'agnobench[knowledge]'"
        assert set(scenario.requires.packages) <= {"lancedb", "chromadb"}
