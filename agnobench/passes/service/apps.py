"""The built-in apps the service scenarios serve (each a zero-argument factory, imported in the server).

- :func:`control_app`: a FastAPI route that echoes the token and does no agno
  work (agno is not even imported): the ceiling of uvicorn + FastAPI + the
  generator on this machine, so the cost agno adds per request shows.
- :func:`agent_per_request_app`: the document's "one agent instance per
  request": the route builds an ``Agent`` with the offline mock model and
  awaits ``arun``.
- :func:`agentos_app`: agno's own AgentOS (``agno.os``, the FastAPI app agno
  users deploy) serving one agent with the mock model; requests go to its
  real ``POST /agents/{id}/runs`` route.
- :func:`bare_agent_app`: the same agent on a bare FastAPI route with the same
  form: what AgentOS adds per request is the difference.

``AGNOBENCH_MOCK_LATENCY_S`` (set by the service pass from ``llm_wait_ms``)
makes the mock wait that long in ``asyncio.sleep`` before answering: a
simulated LLM call, during which the request is in flight and costs memory
but no CPU.
"""

# No "from __future__ import annotations": FastAPI must see the request models, defined in the factories.
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported by the factories that build an app
    from fastapi import FastAPI

LATENCY_ENV = "AGNOBENCH_MOCK_LATENCY_S"
CONTROL_PREFIX = "echo: "
AGENT_ID = "bench"


def _latency_s() -> float:
    return float(os.environ.get(LATENCY_ENV, "0") or 0)


def _with_health(app: "FastAPI") -> "FastAPI":
    @app.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def control_app() -> "FastAPI":
    from fastapi import FastAPI
    from pydantic import BaseModel

    class RunRequest(BaseModel):
        message: str

    app = FastAPI()

    @app.post("/run")
    async def run(request: RunRequest) -> dict[str, str]:
        return {"content": CONTROL_PREFIX + request.message}

    return _with_health(app)


def agent_per_request_app() -> "FastAPI":
    from agno.agent import Agent
    from fastapi import FastAPI, HTTPException
    from pydantic import BaseModel

    from agnobench.adapters.agno.mock_model import MockModel

    latency = _latency_s()

    class RunRequest(BaseModel):
        message: str

    app = FastAPI()

    @app.post("/run")
    async def run(request: RunRequest) -> dict[str, str]:
        agent = Agent(model=MockModel(mock_latency_s=latency), instructions="Be brief.", telemetry=False)
        output = await agent.arun(request.message)
        if output.content is None or str(getattr(output.status, "value", output.status)).lower() == "error":
            raise HTTPException(status_code=500, detail=f"agent run failed: {output.content}")
        return {"content": str(output.content)}

    return _with_health(app)


def agentos_app() -> "FastAPI":
    from agno.agent import Agent
    from agno.os import AgentOS

    from agnobench.adapters.agno.mock_model import MockModel

    agent = Agent(id=AGENT_ID, name=AGENT_ID, model=MockModel(mock_latency_s=_latency_s()),
                  instructions="Be brief.", telemetry=False)
    return AgentOS(agents=[agent], telemetry=False).get_app()


def bare_agent_app() -> "FastAPI":
    """The agent AgentOS serves (same id, model, instructions), on a bare FastAPI route taking the same form:
    set beside :func:`agentos_app`, the difference is what the AgentOS layer costs per request."""
    from agno.agent import Agent
    from fastapi import FastAPI, Form, HTTPException

    from agnobench.adapters.agno.mock_model import MockModel

    agent = Agent(id=AGENT_ID, name=AGENT_ID, model=MockModel(mock_latency_s=_latency_s()),
                  instructions="Be brief.", telemetry=False)
    app = FastAPI()

    @app.post(f"/agents/{AGENT_ID}/runs")
    async def run(message: str = Form(...), stream: bool = Form(False)) -> dict[str, str]:
        output = await agent.arun(message)
        if output.content is None or str(getattr(output.status, "value", output.status)).lower() == "error":
            raise HTTPException(status_code=500, detail=f"agent run failed: {output.content}")
        return {"content": str(output.content)}

    return _with_health(app)
