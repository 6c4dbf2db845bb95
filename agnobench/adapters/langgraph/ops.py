"""Operations of the LangGraph scenarios: construction, single run, tool run, 5-turn conversation.

History is LangGraph's own: an ``InMemorySaver`` checkpointer, one thread per
conversation (each turn restores and checkpoints the graph state).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from langchain.agents import create_agent
from langchain_core.messages import ToolMessage
from langgraph.checkpoint.memory import InMemorySaver

from agnobench.adapters.contract import PROMPT, TURNS, add_numbers, expect_reply, expect_tool_ran, expect_turn, turn_prompt
from agnobench.adapters.langgraph.mock_model import EchoChatModel, _text

NAME = "LangGraph"


@dataclass
class Parts:
    model: EchoChatModel
    tools: list[Callable[..., Any]]


@dataclass
class State:
    agent: Any
    model: EchoChatModel
    threads: Iterator[int] = field(default_factory=itertools.count)


def shared_parts() -> Parts:
    return Parts(EchoChatModel(), [add_numbers])


def create_with_tool(parts: Parts) -> Any:
    return create_agent(parts.model, tools=parts.tools)


def simple_agent() -> State:
    model = EchoChatModel()
    return State(create_agent(model, tools=[]), model)


def tool_agent() -> State:
    model = EchoChatModel()
    return State(create_agent(model, tools=[add_numbers]), model)


def conversation_agent() -> State:
    model = EchoChatModel()
    return State(create_agent(model, tools=[], checkpointer=InMemorySaver()), model)


def _ask(state: State, prompt: str, config: dict[str, Any] | None = None) -> list[Any]:
    return state.agent.invoke({"messages": [{"role": "user", "content": prompt}]}, config)["messages"]


def run_single(state: State) -> list[Any]:
    messages = _ask(state, PROMPT)
    expect_reply(NAME, _text(messages[-1]), PROMPT)
    return messages


def run_tool(state: State) -> list[Any]:
    messages = _ask(state, PROMPT)
    executed = [_text(m) for m in messages if isinstance(m, ToolMessage) and m.status == "success"]
    expect_tool_ran(NAME, _text(messages[-1]), state.model.log, executed)
    return messages


def conversation(state: State) -> list[Any]:
    config = {"configurable": {"thread_id": f"conversation-{next(state.threads)}"}}
    messages: list[Any] = []
    for turn in range(TURNS):
        messages = _ask(state, turn_prompt(turn), config)
        expect_turn(NAME, _text(messages[-1]), state.model.log, turn)
    return messages
