"""An offline smolagents model: a ``Model`` subclass answering by the shared rule.

smolagents frames what it sends (``"New task:\\n<prompt>"``, ``"Observation:\\n<result>"``);
the mock answers the text inside the frame, so its reply is the same text
every framework's mock gives.
"""

from __future__ import annotations

from typing import Any

from smolagents import Model
from smolagents.models import ChatMessage, ChatMessageToolCall, ChatMessageToolCallFunction, MessageRole

from agnobench.adapters.contract import TOOL_ARGUMENTS, TOOL_NAME, ModelLog, reply_to

_FRAMES = ("New task:", "Observation:")


def _text(message: ChatMessage) -> str:
    content = message.content
    text = content if isinstance(content, str) else "".join(
        str(part.get("text", "")) for part in content or [] if isinstance(part, dict))
    for frame in _FRAMES:
        if text.startswith(frame):
            return text[len(frame):].strip()
    return text


class EchoModel(Model):
    def __init__(self, log: ModelLog | None = None) -> None:
        super().__init__(model_id="agnobench-echo")
        self.log = log if log is not None else ModelLog()

    def generate(self, messages: list[ChatMessage], stop_sequences: Any = None, response_format: Any = None,
                 tools_to_call_from: Any = None, **kwargs: Any) -> ChatMessage:
        users = [i for i, m in enumerate(messages) if m.role == MessageRole.USER]
        at = users[-1]
        results = [_text(m) for m in messages[at + 1:] if m.role == MessageRole.TOOL_RESPONSE]
        self.log.record([_text(messages[i]) for i in users], results)
        offered = {tool.name for tool in tools_to_call_from or []}
        if TOOL_NAME in offered and not results:
            call = ChatMessageToolCallFunction(name=TOOL_NAME, arguments=dict(TOOL_ARGUMENTS))
        else:
            call = ChatMessageToolCallFunction(name="final_answer",
                                               arguments={"answer": reply_to(_text(messages[at]), results)})
        return ChatMessage(role=MessageRole.ASSISTANT, content="",
                           tool_calls=[ChatMessageToolCall(id=f"call_{len(messages)}", type="function", function=call)])
