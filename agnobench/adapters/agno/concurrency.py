"""Workloads of the concurrency suite: what each concurrent worker does.

Each factory returns a :class:`~agnobench.passes.concurrency.engine.Workload`. Every
call carries a token unique to it; the agent is named after it (creation) or
asked it (runs), and ``verify`` checks the answer is about that token and no
other, so cross-talk between workers fails the scenario.
"""

from __future__ import annotations

from typing import Any

from agno.agent import Agent

from agnobench.adapters.agno.creation import shared_parts
from agnobench.adapters.agno.execution import RunCheckError, expect_run
from agnobench.adapters.agno.mock_model import MockModel
from agnobench.passes.concurrency.cells import Workload

IO_LATENCY_S = 0.01  # the I/O-bound variants' simulated LLM wait per model call


# ---- creation -------------------------------------------------------------

def _verify_created(token: str, agent: Any) -> None:
    if not isinstance(agent, Agent) or agent.name != token:
        raise RunCheckError(f"created agent is named {getattr(agent, 'name', None)!r}, expected {token!r}")


def create_per_call() -> Workload:
    """Agent(model=..., name=token): one new agent per call, the model shared as in the creation suite."""
    parts = shared_parts()
    return Workload(call=lambda _context, token: Agent(model=parts.model, name=token), verify=_verify_created,
                    description="Agent(model=shared MockModel, name=<token>) per call",
                    notes=["asyncio: creation blocks, so tasks take turns, with one event-loop turn "
                           "(await asyncio.sleep(0)) after each call"])


# ---- runs -----------------------------------------------------------------

def verify_run(token: str, output: Any) -> None:
    expect_run(output, token)


def _run(agent: Agent, token: str) -> Any:
    return agent.run(token)


def _arun(agent: Agent, token: str) -> Any:
    return agent.arun(token)


def _runs(context: Any, description: str, io_bound: bool = False) -> Workload:
    notes = []
    if io_bound:
        notes.append(f"simulated LLM latency {IO_LATENCY_S * 1e3:g} ms per model call: time.sleep in threads "
                     "and processes, asyncio.sleep in tasks")
    return Workload(call=_run, acall=_arun, context=context, verify=verify_run, io_bound=io_bound,
                    description=description, notes=notes)


def run_agent_per_task() -> Workload:
    """Each worker builds its own agent (and model) before the clock starts."""
    return _runs(lambda: Agent(model=MockModel()), "one agent per worker: agent.run(<token>) / arun")


def run_shared_agent() -> Workload:
    """All workers use one agent; in processes mode each process has its own copy-on-write copy."""
    agent = Agent(model=MockModel())
    workload = _runs(lambda: agent, "one agent shared by all workers: agent.run(<token>) / arun")
    workload.notes.append("processes: the shared agent is inherited by fork, so each process runs its own copy")
    return workload


def run_agent_per_task_io() -> Workload:
    return _runs(lambda: Agent(model=MockModel(mock_latency_s=IO_LATENCY_S)),
                 f"one agent per worker, model waits {IO_LATENCY_S * 1e3:g} ms per call", io_bound=True)


def run_shared_agent_io() -> Workload:
    agent = Agent(model=MockModel(mock_latency_s=IO_LATENCY_S))
    workload = _runs(lambda: agent, f"one shared agent, model waits {IO_LATENCY_S * 1e3:g} ms per call",
                     io_bound=True)
    workload.notes.append("processes: the shared agent is inherited by fork, so each process runs its own copy")
    return workload
