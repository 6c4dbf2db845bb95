"""Execution ops against real agno: each checks its own result, and a broken path raises instead of timing."""

from __future__ import annotations

import asyncio
import os
import time
from dataclasses import dataclass
from typing import Any, Iterator

import pytest
from agno.agent import Agent
from agno.run.agent import RunOutput
from agno.run.base import RunStatus

from agnobench.adapters.agno import execution as ex
from agnobench.adapters.agno.mock_model import REPLY_PREFIX, MockModel
from agnobench.measure.forking import run_forked


@dataclass
class FailingModel(MockModel):
    """A provider that errors: agno turns it into status=error, it does not raise."""

    def invoke(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("provider down")

    def invoke_stream(self, *args: Any, **kwargs: Any) -> Iterator[Any]:
        yield from ()
        raise RuntimeError("stream cut")


def test_plain_tool_stream_and_async_runs_pass_their_checks() -> None:
    state = ex.simple_agent()
    assert ex.check_completed_run(ex.run_simple(state))
    assert ex.check_stream_text(ex.run_stream(state))
    assert ex.check_completed_run(asyncio.run(ex.arun_simple(state)))
    output = ex.run_tool(ex.tool_agent())
    assert ex.check_tool_run(output)
    assert [(t.tool_name, str(t.result)) for t in output.tools] == [("add_numbers", "5")]  # agno ran it


def test_a_failed_run_fails_the_op_instead_of_counting_as_fast() -> None:
    broken = ex.AgentState(Agent(model=FailingModel()))
    assert broken.agent.run("x").status == RunStatus.error  # agno does not raise ...
    with pytest.raises(ex.RunCheckError, match="did not complete"):  # ... so the op must
        ex.run_simple(broken)
    with pytest.raises(ex.RunCheckError):
        ex.run_stream(broken)


def test_a_tool_that_never_ran_fails_the_tool_op() -> None:
    no_tools = ex.AgentState(Agent(model=MockModel(mock_tool_name="add_numbers", mock_tool_arguments={"a": 2, "b": 3})))
    with pytest.raises(ex.RunCheckError):
        ex.run_tool(no_tools)  # the model is offered no tools, so agno runs none


def test_an_answer_to_another_prompt_is_caught() -> None:
    output = RunOutput(content=REPLY_PREFIX + "someone else", status=RunStatus.completed)
    with pytest.raises(ex.RunCheckError, match="expected"):
        ex.expect_run(output, "my prompt")


def test_history_turns_rotate_sessions_and_history_is_checked() -> None:
    state = ex.memory_agent()
    for turn in range(ex.TURNS_PER_SESSION + 1):  # the sixth run starts a new session at turn 0
        output = ex.run_with_history(state)
        assert output.content == REPLY_PREFIX + f"turn {turn % ex.TURNS_PER_SESSION}"
    forgetful = ex.HistoryState(Agent(model=MockModel()))  # no db, no history
    ex.run_with_history(forgetful)
    with pytest.raises(ex.RunCheckError, match="history"):
        ex.run_with_history(forgetful)


def test_durable_history_on_sqlite_survives_a_fork() -> None:
    state = ex.durable_agent()
    ex.run_durable(state)
    ex.run_durable(state)

    def in_child() -> list[str]:  # a measuring child opens its own database and starts at turn 0
        return [ex.run_durable(state).content for _ in range(3)]

    assert run_forked(in_child) == [REPLY_PREFIX + f"turn {t}" for t in range(3)]
    assert os.path.isdir(state.directory)


def test_conversation_and_memory_ops() -> None:
    assert ex.check_conversation(ex.conversation(ex.conversation_agent()))
    memories = ex.memory_manager()
    ids = [ex.add_memory(memories) for _ in range(memories.window + 1)]
    assert len(set(ids)) == len(ids) and ex.check_memory_id(ids[0])
    stored = memories.manager.get_user_memories(user_id="user-1") or []
    assert len(stored) == 1  # emptied at the window boundary, then one added


@dataclass
class WaitRecordingModel(MockModel):
    """Records when its simulated wait starts and ends."""

    waits: list[tuple[float, float]] | None = None

    async def _asleep(self) -> None:
        start = time.perf_counter()
        await super()._asleep()
        self.waits = (self.waits or []) + [(start, time.perf_counter())]


def test_mock_model_waits_without_blocking_the_event_loop() -> None:
    model = WaitRecordingModel(mock_latency_s=0.02)
    agent = Agent(model=model)
    ticks: list[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.perf_counter())
            await asyncio.sleep(0.001)

    async def main() -> RunOutput:
        task = asyncio.ensure_future(ticker())
        output = await agent.arun("async wait")
        task.cancel()
        return output

    output = asyncio.run(main())
    assert output.content == REPLY_PREFIX + "async wait"
    (start, end), = model.waits or []
    # another task ran while the model waited: asyncio.sleep, not a blocking time.sleep
    assert any(start < tick < end for tick in ticks)
    assert model.mock_slept_ns >= 20_000_000 and model.mock_calls == 1


def test_mock_model_several_tool_calls_in_one_reply() -> None:
    calls = [{"name": "add_numbers", "arguments": {"a": i, "b": 1}} for i in range(3)]
    agent = Agent(model=MockModel(mock_tool_calls=calls), tools=[ex.add_numbers])
    output = agent.run("sum")
    assert [str(t.result) for t in output.tools] == ["1", "2", "3"]
    assert output.content == ex.expected_reply("sum", "1", "2", "3")
