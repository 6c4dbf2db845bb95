"""Operations of the OpenAI Agents SDK scenarios: construction, single run, tool run, 5-turn conversation.

History is the SDK's documented manual pattern: ``result.to_input_list()``
plus the next user message as the next run's input (its sessions persist to
SQLite; this suite keeps history in memory for every framework).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any

from agents import Agent, Runner, Tool, function_tool
from agents.items import ToolCallOutputItem

from agnobench.adapters.contract import (INSTRUCTIONS, PROMPT, TURNS, ModelLog, add_numbers, expect_reply,
                                         expect_tool_ran, expect_turn, turn_prompt)
from agnobench.adapters.openai_agents.mock_model import EchoModel

NAME = "OpenAI Agents SDK"


def _fresh_loop_after_fork() -> None:
    """``Runner.run_sync`` keeps one event loop per thread across calls, and runs sync tools with
    ``asyncio.to_thread`` on that loop's executor, whose threads stay in the parent of a fork.
    agnobench measures in forked children, where the first tool run would wait forever; with no
    loop set, the SDK creates its own, as in a fresh process."""
    asyncio.set_event_loop(None)


os.register_at_fork(after_in_child=_fresh_loop_after_fork)


@dataclass
class Parts:
    model: EchoModel
    tools: list[Tool]  # the Agent takes a list of any kind of tool (list is invariant)


@dataclass
class State:
    agent: Agent[Any]
    log: ModelLog


def shared_parts() -> Parts:
    return Parts(EchoModel(), [function_tool(add_numbers)])  # the decorator a user applies once, at import


def create_with_tool(parts: Parts) -> Agent[Any]:
    return Agent(name="assistant", instructions=INSTRUCTIONS, model=parts.model, tools=parts.tools)


def _state(tools: list[Tool]) -> State:
    log = ModelLog()
    return State(Agent(name="assistant", instructions=INSTRUCTIONS, model=EchoModel(log), tools=tools), log)


def simple_agent() -> State:
    return _state([])


def tool_agent() -> State:
    return _state([function_tool(add_numbers)])


conversation_agent = simple_agent


def run_single(state: State) -> Any:
    result = Runner.run_sync(state.agent, PROMPT)
    expect_reply(NAME, result.final_output, PROMPT)
    return result


def run_tool(state: State) -> Any:
    result = Runner.run_sync(state.agent, PROMPT)
    executed = [str(item.output) for item in result.new_items if isinstance(item, ToolCallOutputItem)]
    expect_tool_ran(NAME, result.final_output, state.log, executed)
    return result


def conversation(state: State) -> Any:
    history: list[Any] = []
    result = None
    for turn in range(TURNS):
        result = Runner.run_sync(state.agent, history + [{"role": "user", "content": turn_prompt(turn)}])
        expect_turn(NAME, result.final_output, state.log, turn)
        history = result.to_input_list()
    return result
