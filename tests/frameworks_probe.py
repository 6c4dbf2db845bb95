"""Run every framework adapter once under a strict socket audit; print what the mock models saw, as JSON.

Run as a script in a fresh interpreter (audit hooks cannot be removed, so not in
pytest's own process), with the worker's environment. Every internet socket
created and every connection or DNS lookup attempted — to any address, loopback
included — is recorded, from the first framework import to the exit handlers.
"""

from __future__ import annotations

import atexit
import importlib
import json
import socket
import sys
from typing import Any

EVENTS: list[str] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.__new__" and len(args) > 1 and args[1] in (socket.AF_INET, socket.AF_INET6):
        frame = sys._getframe(1)
        EVENTS.append(f"{event} family={args[1]} from {frame.f_code.co_filename}:{frame.f_lineno}")
    elif event == "socket.bind":
        EVENTS.append(f"{event} {args[1:2]}")
    elif event in ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto"):
        EVENTS.append(f"{event} {args[1:2] if event == 'socket.connect' else args[:1]}")


ADAPTERS = {
    "agno": "agnobench.adapters.agno.frameworks",
    "langgraph": "agnobench.adapters.langgraph.ops",
    "pydantic-ai": "agnobench.adapters.pydantic_ai.ops",
    "crewai": "agnobench.adapters.crewai.ops",
    "openai-agents": "agnobench.adapters.openai_agents.ops",
    "smolagents": "agnobench.adapters.smolagents.ops",
}


def _log(state: Any) -> Any:
    return state.log if hasattr(state, "log") else getattr(state, "model").log


def probe(name: str) -> dict[str, Any]:
    ops = importlib.import_module(ADAPTERS[name])
    out: dict[str, Any] = {"created": type(ops.create_with_tool(ops.shared_parts())).__name__}
    if name == "agno":  # agno's checks read what agno sent its model from the run output itself
        state = ops.tool_agent()
        tool_output = ops.run_tool(state)
        log = ops._log(tool_output)
        out.update(tool_results=log.tool_results, tool_reply=tool_output.content)
        conversation = ops.conversation(ops.conversation_agent())
        out.update(turn5_users=ops._log(conversation).user_texts, turn5_reply=conversation.content)
        out["single_reply"] = ops.run_single(ops.simple_agent()).content
        return out
    state = ops.tool_agent()
    ops.run_tool(state)
    out.update(tool_results=_log(state).tool_results, tool_model_calls=_log(state).calls)
    state = ops.conversation_agent()
    ops.conversation(state)
    out.update(turn5_users=_log(state).user_texts)
    state = ops.simple_agent()
    ops.run_single(state)
    out["single_model_calls"] = _log(state).calls
    return out


def main(names: list[str]) -> int:
    sys.addaudithook(_audit)
    report: dict[str, Any] = {}

    def emit() -> None:  # registered first, so it runs last: after the frameworks' own exit handlers
        print(json.dumps({"frameworks": report, "network": EVENTS}))

    atexit.register(emit)
    for name in names:
        try:
            report[name] = probe(name)
        except Exception as exc:  # reported, so the test names the framework that broke
            report[name] = {"error": f"{type(exc).__name__}: {exc}"}
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or list(ADAPTERS)))
