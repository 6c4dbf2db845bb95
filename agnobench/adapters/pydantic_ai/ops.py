"""Operations of the PydanticAI scenarios: construction, single run, tool run, 5-turn conversation.

History is PydanticAI's documented pattern: ``message_history=result.all_messages()``
passed to the next ``run_sync``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from pydantic_ai import Agent
from pydantic_ai.messages import (ModelMessage, ModelRequest, ModelResponse, TextPart, ToolCallPart,
                                  ToolReturnPart, UserPromptPart)
from pydantic_ai.models.function import AgentInfo, FunctionModel

from agnobench.adapters.contract import (PROMPT, TOOL_ARGUMENTS, TOOL_NAME, TURNS, ModelLog, add_numbers,
                                         expect_reply, expect_tool_ran, expect_turn, reply_to, turn_prompt)

NAME = "PydanticAI"


def _text(part: UserPromptPart) -> str:
    return part.content if isinstance(part.content, str) else "".join(str(c) for c in part.content)


def echo_model(log: ModelLog) -> FunctionModel:
    """PydanticAI's FunctionModel answering by the shared rule, recording what it was handed."""

    def answer(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        requests = [m for m in messages if isinstance(m, ModelRequest)]
        users = [_text(p) for m in requests for p in m.parts if isinstance(p, UserPromptPart)]
        last = requests[-1].parts
        results = [p.model_response_str() for p in last if isinstance(p, ToolReturnPart)]
        log.record(users, results)
        if info.function_tools and not any(isinstance(p, ToolReturnPart) for p in last):
            return ModelResponse(parts=[ToolCallPart(TOOL_NAME, dict(TOOL_ARGUMENTS))])
        return ModelResponse(parts=[TextPart(reply_to(users[-1], results))])

    return FunctionModel(answer)


@dataclass
class Parts:
    model: FunctionModel
    tools: list[Callable[..., Any]]


@dataclass
class State:
    agent: Agent[None, str]
    log: ModelLog


def shared_parts() -> Parts:
    return Parts(echo_model(ModelLog()), [add_numbers])


def create_with_tool(parts: Parts) -> Agent[None, str]:
    return Agent(parts.model, tools=parts.tools)


def _state(tools: list[Callable[..., Any]]) -> State:
    log = ModelLog()
    return State(Agent(echo_model(log), tools=tools), log)


def simple_agent() -> State:
    return _state([])


def tool_agent() -> State:
    return _state([add_numbers])


conversation_agent = simple_agent


def run_single(state: State) -> Any:
    result = state.agent.run_sync(PROMPT)
    expect_reply(NAME, result.output, PROMPT)
    return result


def run_tool(state: State) -> Any:
    result = state.agent.run_sync(PROMPT)
    executed = [p.model_response_str() for m in result.all_messages() if isinstance(m, ModelRequest)
                for p in m.parts if isinstance(p, ToolReturnPart)]
    expect_tool_ran(NAME, result.output, state.log, executed)
    return result


def conversation(state: State) -> Any:
    history: list[ModelMessage] | None = None
    result = None
    for turn in range(TURNS):
        result = state.agent.run_sync(turn_prompt(turn), message_history=history)
        expect_turn(NAME, result.output, state.log, turn)
        history = result.all_messages()
    return result
