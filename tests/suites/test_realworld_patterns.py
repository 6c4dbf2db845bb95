"""Real-world and pattern ops, and the passes that measure them, on answers known in advance."""

from __future__ import annotations

import sys
import time
from typing import Any

import pytest
from agno.agent import Agent

from agnobench.adapters.agno import patterns, realworld
from agnobench.adapters.agno.caching_model import CachingModel
from agnobench.adapters.agno.execution import PROMPT, RunCheckError, expect_run
from agnobench.adapters.agno.mock_model import MockModel
from agnobench.passes.batch.engine import interleaved_schedule
from agnobench.measure.pipeline import run_pass
from agnobench.core.settings import QUICK
import calib_ops


def test_team_of_100_is_built_and_every_member_answers_its_own_task() -> None:
    parts = realworld.team_parts()
    assert realworld.check_team(realworld.build_team(parts))
    output = realworld.coordinated_run()()
    assert len(output.member_responses) == realworld.TEAM_SIZE
    assert [m.content for m in output.member_responses][:2] == [
        "mock reply to: task for member-0", "mock reply to: task for member-1"]


def test_team_workflow_and_direct_variants_give_the_expected_answers() -> None:
    for factory in (realworld.single_agent_run, realworld.agent_tool_run, realworld.one_member_team_run,
                    realworld.direct_agent_steps, realworld.workflow_agent_steps, realworld.direct_function_steps,
                    realworld.workflow_function_steps):
        factory()()  # each op raises RunCheckError on a wrong answer
    assert realworld.direct_agent_steps()() == realworld.workflow_agent_steps()().content


def test_llm_latency_run_reports_the_models_wait() -> None:
    state = realworld._latency_agent(0.002)
    result = realworld.timed_run(state)
    assert realworld.check_timed_run(result)
    assert result.model_ns >= 2_000_000  # time.sleep sleeps at least as long as asked


def test_response_cache_hits_skip_the_model_and_a_bad_key_is_caught() -> None:
    patterns.cache_hit_run()()  # raises if the wrapped model was called on a hit
    patterns.cache_miss_run()()  # raises unless a miss called it exactly once
    agent = Agent(model=CachingModel(wrapped=MockModel(), memo_key=lambda messages, tools: "same"))
    expect_run(agent.run("first"), "first")
    with pytest.raises(RunCheckError):
        expect_run(agent.run("second"), "second")  # served the first caller's answer


def test_agent_pool_reuses_and_clears() -> None:
    pool = patterns.AgentPool(2, lambda: Agent(model=MockModel()))
    agent = pool.get()
    agent.run(PROMPT)
    assert agent.session_id is not None
    pool.put(agent)
    assert agent.session_id is None and agent.session_state is None
    patterns.pooled_agent_per_request()()
    patterns.fresh_agent_per_request()()


def test_bounded_and_unbounded_batches_serve_every_request() -> None:
    import asyncio

    assert asyncio.run(patterns.bounded_requests()()) == patterns.REQUESTS


# ---- the passes, on ops with known answers ---------------------------------

def test_batch_pass_retains_exactly_what_the_op_returns() -> None:
    out = run_pass("batch", calib_ops.bytearray_1000, QUICK, batch_counts=[1, 10, 100], batch_rounds=1,
                   batch_min_items=500)
    size = sys.getsizeof(bytearray(1000))
    curve = out.details.curve
    assert [row.count for row in curve] == [1, 10, 100]
    assert [row.retained_per_item_bytes for row in curve] == [size, size, size]
    assert out.samples["total_retained_bytes"] == [100 * size]
    assert out.samples["retained_growth"] == [1.0]
    assert out.details.verdict.retained == "flat"
    # --quick times a fifth of batch_min_items: 100 batches of 1, 10 of 10, 1 of 100
    assert [row.batches_timed for row in curve] == [100, 10, 1]


def test_variants_pass_pairs_rounds_and_attributes_gc_to_its_variant(tmp_path: Any) -> None:
    module = tmp_path / "variant_ops.py"
    module.write_text("import gc\n"
                      "def quiet():\n    return lambda: None\n"
                      "def collects():\n    return gc.collect\n")
    sys.path.insert(0, str(tmp_path))
    try:
        out = run_pass("variants", calib_ops.noop, QUICK,
                       variants={"quiet": "variant_ops:quiet", "collects": "variant_ops:collects"},
                       subject="collects", baseline="quiet", variant_calls=9, variant_rounds=2)
    finally:
        sys.path.remove(str(tmp_path))
    rows = {r.name: r for r in out.details.rows}
    assert rows["collects"].gc_per_1k_calls[2] == pytest.approx(1000)  # every call a full collection
    assert rows["quiet"].gc_per_1k_calls == [0, 0, 0]
    assert rows["collects"].calls == rows["quiet"].calls == 2 * 3  # quick mode: calls // 3 per round
    assert len(out.samples["overhead_ratio"]) == 2
    subject, base = out.samples["time_per_op_ns"], out.samples["baseline_time_ns"]
    assert out.samples["overhead_ns"] == [s - b for s, b in zip(subject, base)]


def test_latency_pass_splits_model_wait_from_framework_time() -> None:
    class Timed:
        def __init__(self, model_ns: int) -> None:
            self.model_ns = model_ns

    def op() -> Timed:
        start = time.perf_counter_ns()
        time.sleep(0.001)
        return Timed(time.perf_counter_ns() - start)

    out = run_pass("latency", op, QUICK, latency_calls=9, latency_warmups=0)
    assert len(out.samples["latency_p50_ns"]) == 1  # quick: one process
    assert out.samples["model_time_ns"][0] >= 1_000_000
    assert 0 <= out.samples["framework_share_pct"][0] < 100
    assert out.details.latency_pooled_ns["calls"] == 3
    plain = run_pass("latency", calib_ops.noop, QUICK, latency_calls=30)
    assert "framework_time_ns" not in plain.samples
    p50, p95, p99 = (plain.samples[k][0] for k in ("latency_p50_ns", "latency_p95_ns", "latency_p99_ns"))
    assert p50 <= p95 <= p99


def test_batches_of_every_count_are_spread_over_the_round() -> None:
    schedule = interleaved_schedule([1, 10, 100], 100)
    assert [schedule.count(c) for c in (1, 10, 100)] == [100, 10, 1]
    tens = [i for i, c in enumerate(schedule) if c == 10]
    assert tens[0] < 15 and tens[-1] > len(schedule) - 5  # not all at the start, not all at the end
