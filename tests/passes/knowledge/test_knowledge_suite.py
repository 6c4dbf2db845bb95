"""The knowledge suite end to end: its passes on the real stores, through the CLI, tiny sizes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agnobench.passes.knowledge.growth import growth_verdict
from agnobench.adapters.knowledge.stores import STORES, TEMP_PREFIX, missing_store
from conftest import TESTS_DIR, run_cli

needs_stores = pytest.mark.skipif(any(missing_store(k) for k in STORES), reason="pip install 'agnobench[knowledge]'")

HEAD = """name = "{name}"
description = "test"
suite = "knowledge"
setup = "agnobench.adapters.knowledge.ops:query_parts"
operation = "agnobench.adapters.knowledge.ops:embed_query"
check = "agnobench.adapters.knowledge.ops:check_embedding"

[measure]
passes = ["{pass_name}"]
timeout_s = 240

[measure.params]
knowledge_store = "{store}"
"""
SCENARIOS = {
    "growth-lancedb": ("corpus_growth", "lancedb",
                       "corpus_sizes = [60, 240]\ngrowth_rounds = 2\ngrowth_calls = 3\nrecall_probes = 12\n"),
    "growth-chroma": ("corpus_growth", "chroma",
                      "corpus_sizes = [60, 240]\ngrowth_rounds = 1\ngrowth_calls = 3\nrecall_probes = 12\n"),
    "growth-wrong": ("corpus_growth", "knowledge_stores:wrong_lancedb",
                     "corpus_sizes = [60, 240]\ngrowth_rounds = 1\ngrowth_calls = 3\nrecall_probes = 12\n"),
    "insert-lancedb": ("insert_throughput", "lancedb", "insert_docs = 40\nsingle_docs = 4\ninsert_rounds = 1\n"),
    "rag-lancedb": ("rag_overhead", "lancedb", "rag_corpus_size = 60\nrag_rounds = 1\nrag_calls = 3\n"),
}


def test_growth_verdicts_on_known_curves() -> None:
    sizes = [1000, 10000, 100000]
    assert growth_verdict(sizes, [1.0, 1.1, 1.2]).growth == "flat"
    assert growth_verdict(sizes, [1.0, 10.0, 100.0]).growth == "linear"
    assert growth_verdict(sizes, [1.0, 1.5, 10.0]).growth == "linear"  # overhead first, then the scan
    assert growth_verdict(sizes, [6.9, 9.2, 11.5]).growth == "logarithmic"  # ∝ ln(size)
    assert growth_verdict(sizes, [1.0, 2.0, 4.0]).growth == "sublinear"
    assert growth_verdict(sizes, [1.0, 100.0, 10000.0]).growth == "superlinear"
    verdict = growth_verdict(sizes, [1.0, 10.0, 100.0])
    assert verdict.ratio == pytest.approx(100.0) and verdict.exponent == pytest.approx(1.0)
    with pytest.raises(ValueError):
        growth_verdict([1000], [1.0])


@pytest.mark.e2e
def test_bad_store_name_is_bad_input(tmp_path: Path) -> None:
    scenario = tmp_path / "bad.toml"
    scenario.write_text(HEAD.format(name="bad", pass_name="corpus_growth", store="pinecone"))
    result = run_cli("run", str(scenario), "--quick")
    assert result.returncode == 2
    assert "measure.params.knowledge_store" in result.stderr and "Traceback" not in result.stderr


@needs_stores
@pytest.mark.e2e
def test_the_knowledge_passes_on_real_stores(tmp_path: Path) -> None:
    for name, (pass_name, store, params) in SCENARIOS.items():
        (tmp_path / f"{name}.toml").write_text(HEAD.format(name=name, pass_name=pass_name, store=store) + params)
    shutil.copy(TESTS_DIR / "knowledge_stores.py", tmp_path / "knowledge_stores.py")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = run_cli("run", str(tmp_path), "-o", str(tmp_path / "out.json"), "--format", "json",
                     env={"TMPDIR": str(scratch)})
    assert result.returncode == 1, result.stderr[-2000:]  # the wrong store fails; the others are kept
    scenarios = {s["name"]: s for s in result.json()["scenarios"]}
    assert set(scenarios) == set(SCENARIOS)

    wrong = scenarios["growth-wrong"]
    assert wrong["status"] == "failed" and "recall@5" in wrong["error"] and not wrong["metrics"]

    for name in ("growth-lancedb", "growth-chroma"):
        growth = scenarios[name]
        assert growth["status"] == "ok", growth["error"]
        assert growth["metrics"]["recall_at_5"]["median"] == 1.0
        details = growth["passes"]["corpus_growth"]["details"]
        assert [p["size"] for p in details["points"]] == [60, 240]
        assert details["growth"] in {"flat", "logarithmic", "sublinear", "linear", "superlinear"}
        assert all(p["disk_bytes"] > 0 and p["recall_at_1"] == 1.0 for p in details["points"])
        assert growth["metrics"]["time_per_op_ns"]["median"] > 0

    inserts = scenarios["insert-lancedb"]
    assert inserts["status"] == "ok", inserts["error"]
    assert inserts["metrics"]["batch_insert_docs_per_s"]["median"] > 0
    assert inserts["metrics"]["single_insert_docs_per_s"]["median"] > 0

    rag = scenarios["rag-lancedb"]
    assert rag["status"] == "ok", rag["error"]
    rows = {r["name"]: r for r in rag["passes"]["rag_overhead"]["details"]["rows"]}
    assert set(rows) == {"agent-run", "agent-tool-run", "agent-knowledge-run"}
    assert rag["metrics"]["overhead_ns"]["median"] == pytest.approx(
        rows["agent-knowledge-run"]["time_per_op_ns"] - rows["agent-tool-run"]["time_per_op_ns"], rel=0.5)

    # every store directory is gone, the failed scenario's too
    assert not [p for p in scratch.rglob("*") if p.name.startswith(TEMP_PREFIX)]
