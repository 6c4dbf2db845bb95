"""An offline LangChain chat model that answers by agnobench's shared rule.

``GenericFakeChatModel`` (LangChain's own fake) replays scripted messages and
cannot see its input; this subclass of the same ``BaseChatModel`` base echoes
the last human message and the tool results after it, and records what it was
handed. ``bind_tools`` keeps it (the framework binds the tools it dispatches):
with tools bound, a fresh human message is answered with one ``add_numbers``
call, as agno's mock does.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, Field

from agnobench.adapters.contract import TOOL_ARGUMENTS, TOOL_NAME, ModelLog, reply_to


def _text(message: BaseMessage) -> str:
    content = message.content
    return content if isinstance(content, str) else "".join(
        part.get("text", "") if isinstance(part, dict) else str(part) for part in content)


class EchoChatModel(BaseChatModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)
    log: ModelLog = Field(default_factory=ModelLog)
    with_tools: bool = False

    @property
    def _llm_type(self) -> str:
        return "agnobench-echo"

    def bind_tools(self, tools: Any, **kwargs: Any) -> "EchoChatModel":
        if not tools:
            return self
        bound = self.model_copy(update={"with_tools": True})
        bound.log = self.log  # one log for the agent, however often it binds
        return bound

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        at = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
        results = [_text(m) for m in messages[at + 1:] if isinstance(m, ToolMessage)]
        self.log.record([_text(m) for m in messages if isinstance(m, HumanMessage)], results)
        if self.with_tools and at == len(messages) - 1:
            reply = AIMessage(content="", tool_calls=[
                {"name": TOOL_NAME, "args": dict(TOOL_ARGUMENTS), "id": f"call_{len(messages)}"}])
        else:
            reply = AIMessage(content=reply_to(_text(messages[at]), results))
        return ChatResult(generations=[ChatGeneration(message=reply)])
