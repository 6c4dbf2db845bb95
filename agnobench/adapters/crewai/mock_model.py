"""An offline CrewAI LLM: a ``BaseLLM`` subclass answering by the shared rule.

CrewAI frames the request (``"Current Task: <prompt>"`` and an instruction
after a blank line); the mock answers the prompt inside that frame, so the
reply is the same text every framework's mock gives. With tools offered and
no tool result yet, it returns one native ``add_numbers`` call (a list of
OpenAI-style tool calls, which CrewAI's executor dispatches).
"""

from __future__ import annotations

import json
from typing import Any

from crewai import BaseLLM
from pydantic import Field

from agnobench.adapters.contract import TOOL_ARGUMENTS, TOOL_NAME, ModelLog, reply_to

_FRAME = "Current Task:"


def unframe(text: str) -> str:
    """The user's prompt inside CrewAI's task frame (unframed text is returned as it is)."""
    if _FRAME not in text:
        return text
    return text.split(_FRAME, 1)[1].strip().split("\n\n", 1)[0].strip()


def _content(message: Any) -> str:
    content = message.get("content") if isinstance(message, dict) else message
    return content if isinstance(content, str) else json.dumps(content, default=str)


class EchoLLM(BaseLLM):
    log: ModelLog = Field(default_factory=ModelLog, exclude=True)

    def call(self, messages: Any, tools: Any = None, callbacks: Any = None, available_functions: Any = None,
             from_task: Any = None, from_agent: Any = None, response_model: Any = None, **kwargs: Any) -> Any:
        if isinstance(messages, str):
            messages = [{"role": "user", "content": messages}]
        users = [i for i, m in enumerate(messages) if m.get("role") == "user"]
        at = users[-1]
        results = [_content(m) for m in messages[at + 1:] if m.get("role") == "tool"]
        self.log.record([unframe(_content(messages[i])) for i in users], results)
        if tools and at == len(messages) - 1:
            return [{"id": f"call_{len(messages)}", "type": "function",
                     "function": {"name": TOOL_NAME, "arguments": json.dumps(TOOL_ARGUMENTS)}}]
        return reply_to(unframe(_content(messages[at])), results)

    def supports_function_calling(self) -> bool:
        return True

    def get_input_tokens_count(self, messages: Any, tools: Any = None, response_model: Any = None) -> int:
        return 0  # the base class logs a warning per call for a model it cannot count
