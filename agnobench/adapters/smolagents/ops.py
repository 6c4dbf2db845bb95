"""Operations of the smolagents scenarios: construction, single run, tool run, 5-turn conversation.

History is smolagents' own: ``agent.run(task, reset=False)`` keeps the
agent's memory steps, so the next task sees the earlier ones; the first turn
of each conversation runs with ``reset=True``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smolagents import Tool, ToolCallingAgent, tool
from smolagents.memory import ActionStep

from agnobench.adapters.contract import (PROMPT, TURNS, ModelLog, add_numbers, expect_reply, expect_tool_ran,
                                         expect_turn, turn_prompt)
from agnobench.adapters.smolagents.mock_model import EchoModel

NAME = "smolagents"
QUIET = 0  # LogLevel.ERROR: smolagents prints each step's panels to the terminal at its default level


@dataclass
class Parts:
    model: EchoModel
    tools: list[Tool]


@dataclass
class State:
    agent: ToolCallingAgent
    log: ModelLog


def shared_parts() -> Parts:
    return Parts(EchoModel(), [tool(add_numbers)])  # the decorator a user applies once, at import


def create_with_tool(parts: Parts) -> ToolCallingAgent:
    return ToolCallingAgent(tools=parts.tools, model=parts.model, verbosity_level=QUIET)


def _state(tools: list[Tool]) -> State:
    log = ModelLog()
    return State(ToolCallingAgent(tools=tools, model=EchoModel(log), verbosity_level=QUIET), log)


def simple_agent() -> State:
    return _state([])


def tool_agent() -> State:
    return _state([tool(add_numbers)])


conversation_agent = simple_agent


def run_single(state: State) -> Any:
    return expect_reply(NAME, state.agent.run(PROMPT), PROMPT)


def run_tool(state: State) -> Any:
    answer = state.agent.run(PROMPT)
    executed = [str(step.observations).removeprefix("Observation:").strip() for step in state.agent.memory.steps
                if isinstance(step, ActionStep) and step.tool_calls and step.tool_calls[0].name != "final_answer"
                and step.error is None]
    expect_tool_ran(NAME, answer, state.log, executed)
    return answer


def conversation(state: State) -> Any:
    answer = None
    for turn in range(TURNS):
        answer = state.agent.run(turn_prompt(turn), reset=turn == 0)
        expect_turn(NAME, answer, state.log, turn)
    return answer
