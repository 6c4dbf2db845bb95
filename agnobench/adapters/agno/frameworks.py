"""Agno's side of the frameworks suite: the same work every peer framework does.

Construction, the single-turn run and the tool-call run use agno's own
adapter (:mod:`~agnobench.adapters.agno.creation`, ``execution``) with the
shared contract's checks; the conversation keeps the whole 5-turn history in
context (``num_history_runs=TURNS``; agno's default keeps 3) on a fresh
``InMemoryDb`` per conversation, as the other frameworks carry uncapped
in-memory history.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from agno.agent import Agent
from agno.db.in_memory import InMemoryDb
from agno.run.agent import RunOutput
from agno.run.base import RunStatus

from agnobench.adapters.agno.mock_model import MockModel
from agnobench.adapters.contract import (PROMPT, TOOL_ARGUMENTS, TOOL_NAME, TURNS, ModelLog, RunCheckError,
                                         add_numbers, expect_reply, expect_tool_ran, expect_turn, turn_prompt)

NAME = "Agno"


def _completed(output: RunOutput) -> RunOutput:
    if output.status != RunStatus.completed:  # agno reports failure in the output; it does not raise
        raise RunCheckError(f"{NAME} run did not complete: status={output.status}, content={output.content!r}")
    return output


def _log(output: RunOutput) -> ModelLog:
    """What agno sent the model on the run's last call (its messages are exactly that list)."""
    messages = output.messages or []
    at = max((i for i, m in enumerate(messages) if m.role == "user"), default=len(messages))
    log = ModelLog()
    log.record([str(m.content) for m in messages if m.role == "user"],
               [str(m.content) for m in messages[at + 1:] if m.role == "tool"])
    return log


@dataclass
class Parts:
    model: MockModel
    tools: list[Callable[..., Any]]


def shared_parts() -> Parts:
    return Parts(MockModel(), [add_numbers])


def create_with_tool(parts: Parts) -> Agent:
    return Agent(model=parts.model, tools=parts.tools)


@dataclass
class State:
    agent: Agent
    conversations: Iterator[int] = field(default_factory=itertools.count)


def simple_agent() -> State:
    return State(Agent(model=MockModel()))


def tool_agent() -> State:
    return State(Agent(model=MockModel(mock_tool_name=TOOL_NAME, mock_tool_arguments=dict(TOOL_ARGUMENTS)),
                       tools=[add_numbers]))


def conversation_agent() -> State:
    return State(Agent(model=MockModel(), db=InMemoryDb(), add_history_to_context=True, num_history_runs=TURNS))


def run_single(state: State) -> RunOutput:
    output = _completed(state.agent.run(PROMPT))
    expect_reply(NAME, output.content, PROMPT)
    return output


def run_tool(state: State) -> RunOutput:
    output = _completed(state.agent.run(PROMPT))
    executed = [str(t.result) for t in output.tools or [] if t.tool_name == TOOL_NAME and not t.tool_call_error]
    expect_tool_ran(NAME, output.content, _log(output), executed)
    return output


def conversation(state: State) -> Any:
    state.agent.db = InMemoryDb()  # constant work per conversation: no store grown by earlier ops
    session = f"conversation-{next(state.conversations)}"
    output = None
    for turn in range(TURNS):
        output = _completed(state.agent.run(turn_prompt(turn), session_id=session))
        expect_turn(NAME, output.content, _log(output), turn)
    return output
