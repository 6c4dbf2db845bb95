"""What every framework's scenarios share: the tool, the prompts, the reply and the checks.

The frameworks suite sets Agno beside LangGraph, PydanticAI, CrewAI, the
OpenAI Agents SDK and smolagents. For the ratios to mean anything, every
framework runs the same work: the same ``add_numbers`` tool, the same
prompts, and a mock at its own model boundary that answers by the same rule
as agno's :class:`~agnobench.adapters.agno.mock_model.MockModel` — echo the
last user message, append every tool result that followed it. Because the
mock only ever repeats what the framework handed it, a reply carrying
``tool result: 5`` proves the tool ran and its result reached the model's
second turn, and a reply to ``turn 4`` whose model saw ``turn 0`` … ``turn 4``
proves history reached the model.

This module imports no framework: each adapter (and the parent process) can
use it without loading agno or a peer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

PROMPT = "What is the weather like?"  # the single-turn and tool-call prompt, as agno's scenarios use
TOOL_NAME = "add_numbers"
TOOL_ARGUMENTS = {"a": 2, "b": 3}
TOOL_RESULT = "5"
TURNS = 5  # the conversation scenario's length
REPLY_PREFIX = "mock reply to: "  # agno's MockModel answers with the same prefix (a test holds them equal)
INSTRUCTIONS = "You are a helpful assistant."  # where a framework requires a role or instructions


class RunCheckError(AssertionError):
    """A run did not do what the scenario measures: it must fail, never be timed."""


def add_numbers(a: int, b: int) -> int:
    """Add two integers.

    Args:
        a: The first integer.
        b: The second integer.
    """
    return a + b


def turn_prompt(turn: int) -> str:
    return f"turn {turn}"


def reply_to(prompt: str, tool_results: Sequence[str] = ()) -> str:
    """The reply every mock gives: the user's text, then the tool results it was handed."""
    return REPLY_PREFIX + prompt + "".join(f" | tool result: {r}" for r in tool_results)


@dataclass
class ModelLog:
    """What the mock model was handed on its latest call (one agent, one thread)."""

    calls: int = 0
    user_texts: list[str] = field(default_factory=list)  # every user message of the latest request
    tool_results: list[str] = field(default_factory=list)  # tool results after the latest user message

    def record(self, user_texts: list[str], tool_results: list[str]) -> None:
        self.calls += 1
        self.user_texts = user_texts
        self.tool_results = tool_results


def expect_reply(framework: str, reply: object, prompt: str, *tool_results: str) -> str:
    expected = reply_to(prompt, tool_results)
    if reply != expected:
        raise RunCheckError(f"{framework} answered {reply!r}, expected {expected!r}")
    return expected


def expect_tool_ran(framework: str, reply: object, log: ModelLog, executed: Sequence[str]) -> None:
    """The tool ran (the framework's own record says so) and its result reached the model's second turn."""
    expect_reply(framework, reply, PROMPT, TOOL_RESULT)
    if log.tool_results != [TOOL_RESULT]:
        raise RunCheckError(f"{framework}: the model's second turn saw tool results {log.tool_results}")
    if list(executed) != [TOOL_RESULT]:
        raise RunCheckError(f"{framework}: its record of tool executions is {list(executed)}, expected one {TOOL_RESULT!r}")


def expect_turn(framework: str, reply: object, log: ModelLog, turn: int) -> None:
    """Turn ``turn`` answered itself, and the model saw every earlier turn of the conversation."""
    expect_reply(framework, reply, turn_prompt(turn))
    wanted = [turn_prompt(t) for t in range(turn + 1)]
    if log.user_texts != wanted:
        raise RunCheckError(f"{framework}: turn {turn} sent the model user messages {log.user_texts}, "
                            f"expected {wanted} (history not used?)")
