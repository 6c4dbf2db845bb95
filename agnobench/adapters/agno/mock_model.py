"""An offline model at agno's model boundary.

agnobench never calls a real LLM: :class:`MockModel` subclasses
``agno.models.base.Model`` and answers from the messages it is given, so every
layer of agno above the provider (message building, tool dispatch, run
bookkeeping, storage) runs for real. Its reply echoes the last user message,
which lets a scenario check that a run saw its own input (and, under
concurrency, nobody else's). With ``mock_tool_name`` set, the first reply is a
tool call, which agno executes; the final answer then carries the tool's result.
``mock_tool_calls`` asks for several calls in one reply (a team leader
delegating to many members). ``mock_latency_s`` stands in for a real LLM's
response time: a blocking sleep in sync runs, ``asyncio.sleep`` in async ones,
so threads and tasks can overlap it as they would a network wait. The time
actually slept is added up in ``mock_slept_ns`` (so the framework's own share
of a run can be told apart from the simulated LLM's, overshoot included), and
``mock_calls`` counts model invocations (so a cache can be shown to skip them).
Both counters are plain ints: exact for one thread, approximate under threads.
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
    # Several tool calls in the first reply: [{"name": ..., "arguments": {...}}, ...]
    mock_tool_calls: list[dict[str, Any]] = field(default_factory=list)
    mock_latency_s: float = 0.0  # simulated LLM latency per model call
    mock_stream_chunks: int = 4  # deltas per streamed reply
    mock_slept_ns: int = 0  # simulated latency actually slept, summed over calls
    mock_calls: int = 0  # model invocations (sync, async, streamed)

    def _tool_calls(self, messages: list[Message]) -> list[dict[str, Any]]:
        wanted = list(self.mock_tool_calls)
        if self.mock_tool_name:
            wanted.insert(0, {"name": self.mock_tool_name, "arguments": self.mock_tool_arguments})
        return [{
            "id": f"call_{len(messages)}_{index}",
            "type": "function",  # without it agno silently skips the tool
            "function": {"name": call["name"], "arguments": json.dumps(call.get("arguments", {}))},
        } for index, call in enumerate(wanted)]

    def _reply(self, messages: list[Message], tools: Any) -> ModelResponse:
        self.mock_calls += 1
        last = messages[-1]
        if tools and last.role == "user" and (self.mock_tool_name or self.mock_tool_calls):
            return ModelResponse(role="assistant", tool_calls=self._tool_calls(messages))
        at = next((i for i in range(len(messages) - 1, -1, -1) if messages[i].role == "user"), len(messages) - 1)
        content = REPLY_PREFIX + _text(messages[at])
        # the results of this turn's tool calls, in order (one per call)
        content += "".join(f" | tool result: {_text(m)}" for m in messages[at + 1:] if m.role == "tool")
        return ModelResponse(role="assistant", content=content)

    def _sleep(self) -> None:
        start = time.perf_counter_ns()
        time.sleep(self.mock_latency_s)
        self.mock_slept_ns += time.perf_counter_ns() - start

    async def _asleep(self) -> None:
        start = time.perf_counter_ns()
        await asyncio.sleep(self.mock_latency_s)
        self.mock_slept_ns += time.perf_counter_ns() - start

    def invoke(self, *args: Any, messages: list[Message], tools: Any = None, **kwargs: Any) -> ModelResponse:
        if self.mock_latency_s:
            self._sleep()
        return self._reply(messages, tools)

    async def ainvoke(self, *args: Any, messages: list[Message], tools: Any = None, **kwargs: Any) -> ModelResponse:
        if self.mock_latency_s:
            await self._asleep()
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
            self._sleep()
        yield from self._chunks(self._reply(messages, tools))

    async def ainvoke_stream(self, *args: Any, messages: list[Message], tools: Any = None, **kwargs: Any) -> AsyncIterator[ModelResponse]:
        if self.mock_latency_s:
            await self._asleep()
        for chunk in self._chunks(self._reply(messages, tools)):
            yield chunk

    def _parse_provider_response(self, response: Any, **kwargs: Any) -> ModelResponse:
        return response  # the mock already speaks ModelResponse

    def _parse_provider_response_delta(self, response: Any) -> ModelResponse:
        return response
