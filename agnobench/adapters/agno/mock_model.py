"""An offline model at agno's model boundary.

agnobench never calls a real LLM: :class:`MockModel` subclasses
``agno.models.base.Model`` and answers from the messages it is given, so every
layer of agno above the provider (message building, tool dispatch, run
bookkeeping, storage) runs for real. Its reply echoes the last user message,
which lets a scenario check that a run saw its own input (and, under
concurrency, nobody else's). With ``call_tool`` set, the first reply is a tool
call, which agno executes; the final answer then carries the tool's result.
``latency_s`` stands in for a real LLM's response time.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Iterator

from agno.models.base import Model
from agno.models.message import Message
from agno.models.response import ModelResponse

REPLY_PREFIX = "mock reply to: "


def _text(message: Message) -> str:
    content = message.content
    return content if isinstance(content, str) else json.dumps(content, default=str)


@dataclass
class MockModel(Model):
    id: str = "agnobench-mock"
    name: str = "MockModel"
    provider: str = "agnobench"
    # Field names are agnobench's own; none shadows an attribute of Model.
    mock_tool_name: str | None = None  # when set, the first reply calls this tool
    mock_tool_arguments: dict[str, Any] = field(default_factory=dict)
    mock_latency_s: float = 0.0  # simulated LLM latency per model call
    mock_stream_chunks: int = 4  # deltas per streamed reply

    def _reply(self, messages: list[Message], tools: Any) -> ModelResponse:
        last = messages[-1]
        if self.mock_tool_name and tools and last.role == "user":
            call = {
                "id": f"call_{len(messages)}",
                "type": "function",  # without it agno silently skips the tool
                "function": {"name": self.mock_tool_name, "arguments": json.dumps(self.mock_tool_arguments)},
            }
            return ModelResponse(role="assistant", tool_calls=[call])
        user = next((m for m in reversed(messages) if m.role == "user"), last)
        content = REPLY_PREFIX + _text(user)
        if last.role == "tool":
            content += f" | tool result: {_text(last)}"
        return ModelResponse(role="assistant", content=content)

    def invoke(self, *args: Any, messages: list[Message], tools: Any = None, **kwargs: Any) -> ModelResponse:
        if self.mock_latency_s:
            time.sleep(self.mock_latency_s)
        return self._reply(messages, tools)

    async def ainvoke(self, *args: Any, messages: list[Message], tools: Any = None, **kwargs: Any) -> ModelResponse:
        if self.mock_latency_s:
            await asyncio.sleep(self.mock_latency_s)
        return self._reply(messages, tools)

    def _chunks(self, response: ModelResponse) -> Iterator[ModelResponse]:
        if response.tool_calls or not response.content:
            yield response
            return
        text = response.content
        step = max(1, -(-len(text) // max(1, self.mock_stream_chunks)))
        for start in range(0, len(text), step):
            yield ModelResponse(role="assistant", content=text[start:start + step])

    def invoke_stream(self, *args: Any, messages: list[Message], tools: Any = None, **kwargs: Any) -> Iterator[ModelResponse]:
        if self.mock_latency_s:
            time.sleep(self.mock_latency_s)
        yield from self._chunks(self._reply(messages, tools))

    async def ainvoke_stream(self, *args: Any, messages: list[Message], tools: Any = None, **kwargs: Any) -> AsyncIterator[ModelResponse]:
        if self.mock_latency_s:
            await asyncio.sleep(self.mock_latency_s)
        for chunk in self._chunks(self._reply(messages, tools)):
            yield chunk

    def _parse_provider_response(self, response: Any, **kwargs: Any) -> ModelResponse:
        return response  # the mock already speaks ModelResponse

    def _parse_provider_response_delta(self, response: Any) -> ModelResponse:
        return response
