"""An offline Agents SDK model: a subclass of ``agents.Model`` answering by the shared rule."""

from __future__ import annotations

import json
from typing import Any, AsyncIterator

from agents import Model, ModelResponse, Usage
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

from agnobench.adapters.contract import TOOL_ARGUMENTS, TOOL_NAME, ModelLog, reply_to


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key, None)


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(str(_get(part, "text") or "") for part in content or [])


class EchoModel(Model):
    """Echo the last user message and the function-call outputs after it; call the tool once when offered."""

    def __init__(self, log: ModelLog | None = None) -> None:
        self.log = log if log is not None else ModelLog()

    async def get_response(self, system_instructions: str | None, input: Any, model_settings: Any, tools: Any,
                           output_schema: Any, handoffs: Any, tracing: Any, **kwargs: Any) -> ModelResponse:
        items = [{"role": "user", "content": input}] if isinstance(input, str) else list(input)
        users = [i for i, item in enumerate(items) if _get(item, "role") == "user"]
        at = users[-1]
        results = [str(_get(item, "output")) for item in items[at + 1:] if _get(item, "type") == "function_call_output"]
        self.log.record([_text(_get(items[i], "content")) for i in users], results)
        if tools and at == len(items) - 1:
            output: list[Any] = [ResponseFunctionToolCall(
                type="function_call", call_id=f"call_{len(items)}", id=f"fc_{len(items)}", name=TOOL_NAME,
                arguments=json.dumps(TOOL_ARGUMENTS))]
        else:
            text = reply_to(_text(_get(items[at], "content")), results)
            output = [ResponseOutputMessage(id=f"msg_{len(items)}", type="message", role="assistant", status="completed",
                                            content=[ResponseOutputText(type="output_text", text=text, annotations=[])])]
        return ModelResponse(output=output, usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        raise NotImplementedError("agnobench's scenarios do not stream")
