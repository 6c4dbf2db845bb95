"""Operations of the CrewAI scenarios: construction, single run, tool run, 5-turn conversation.

``Agent.kickoff`` is CrewAI's way to run one agent without a crew. History is
passed as messages, as ``kickoff`` documents: earlier user turns and the
agent's replies, then the new question. (``LiteAgentOutput.messages`` would
not do: it drops the assistant's replies.)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from crewai import Agent
from crewai.lite_agent_output import LiteAgentOutput
from crewai.tools import BaseTool, tool
from crewai.utilities.types import LLMMessage

from agnobench.adapters.contract import (INSTRUCTIONS, PROMPT, TOOL_NAME, TURNS, ModelLog, RunCheckError, add_numbers,
                                         expect_reply, expect_tool_ran, expect_turn, turn_prompt)
from agnobench.adapters.crewai.mock_model import EchoLLM

NAME = "CrewAI"
ROLE = dict(role="Assistant", goal="Answer the user's question", backstory=INSTRUCTIONS)


def _restart_event_bus_after_fork() -> None:
    """CrewAI's event bus is not fork-safe: its handler threads and loop thread stay in the parent.

    agnobench measures in forked children; without this a child's first kickoff
    waits forever on a loop no thread runs. The bus creates them lazily, so the
    child is put back to "not yet created", exactly as a fresh process starts.
    """
    import threading

    from crewai.events.event_bus import crewai_event_bus as bus

    bus._executor_initialized = False
    bus._pending_futures = set()
    bus._futures_lock = threading.Lock()
    bus._has_pending_events = False


os.register_at_fork(after_in_child=_restart_event_bus_after_fork)


def _quiet() -> None:
    """CrewAI's event listener prints a panel per run unless a non-verbose Crew turns it off; do the same."""
    from crewai.events.event_listener import event_listener

    event_listener.formatter.verbose = False


def _tool() -> BaseTool:
    return tool(TOOL_NAME)(add_numbers)  # the decorator a user applies once, at import


@dataclass
class Parts:
    llm: EchoLLM
    tools: list[BaseTool]


@dataclass
class State:
    agent: Agent
    log: ModelLog


def shared_parts() -> Parts:
    return Parts(EchoLLM(model="agnobench-echo"), [_tool()])


def create_with_tool(parts: Parts) -> Agent:
    return Agent(**ROLE, llm=parts.llm, tools=parts.tools)


def _state(tools: list[BaseTool]) -> State:
    _quiet()
    llm = EchoLLM(model="agnobench-echo")
    return State(Agent(**ROLE, llm=llm, tools=tools), llm.log)


def simple_agent() -> State:
    return _state([])


def tool_agent() -> State:
    return _state([_tool()])


conversation_agent = simple_agent


def _kickoff(agent: Agent, messages: str | list[LLMMessage]) -> LiteAgentOutput:
    """``Agent.kickoff``: its answer, which it hands back as a coroutine only inside a running event loop (a
    Flow's); these ops run with none, so a coroutine here is a broken run."""
    output = agent.kickoff(messages)
    if not isinstance(output, LiteAgentOutput):
        raise RunCheckError(f"{NAME}: kickoff returned {type(output).__name__}, not the agent's output")
    return output


def run_single(state: State) -> Any:
    output = _kickoff(state.agent, PROMPT)
    expect_reply(NAME, output.raw, PROMPT)
    return output


def run_tool(state: State) -> Any:
    output = _kickoff(state.agent, PROMPT)
    if output.tool_failures:
        raise RunCheckError(f"{NAME}: tool failures {output.tool_failures}")
    executed = [str(m.get("content")) for m in output.messages if m.get("role") == "tool"]
    expect_tool_ran(NAME, output.raw, state.log, executed)
    return output


def conversation(state: State) -> Any:
    history: list[LLMMessage] = []
    output = None
    for turn in range(TURNS):
        prompt = turn_prompt(turn)
        output = _kickoff(state.agent, history + [{"role": "user", "content": prompt}])
        expect_turn(NAME, output.raw, state.log, turn)
        history += [{"role": "user", "content": prompt}, {"role": "assistant", "content": output.raw}]
    return output
