"""Operations of the creation suite: one call builds one agent.

Setup functions build what a service shares between agents (the model, the
tool list, the database) once, as the Go benchmarks do outside their loop, so
each op measures the agent itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from agno.agent import Agent
from agno.db.in_memory import InMemoryDb

from agnobench.adapters.agno.mock_model import MockModel


def add_numbers(a: int, b: int) -> int:
    """Add two integers (the function tool of the tool scenarios)."""
    return a + b


@dataclass
class AgentParts:
    model: MockModel
    tools: list[Callable[..., Any]]
    db: InMemoryDb | None = None


def shared_parts() -> AgentParts:
    return AgentParts(model=MockModel(), tools=[add_numbers], db=InMemoryDb())


def create_simple(parts: AgentParts) -> Agent:
    return Agent(model=parts.model)


def create_with_tools(parts: AgentParts) -> Agent:
    return Agent(model=parts.model, tools=parts.tools)


def create_with_memory(parts: AgentParts) -> Agent:
    return Agent(model=parts.model, db=parts.db, add_history_to_context=True, num_history_runs=3)


class PythonFloorAgent:
    """The seven fields of the document's Go ``Agent`` struct, and nothing else."""

    __slots__ = ("id", "name", "model", "tools", "memory", "instructions", "max_loops")

    def __init__(self, id: str, name: str, model: Any, tools: list[Any], memory: Any,
                 instructions: str, max_loops: int) -> None:
        self.id = id
        self.name = name
        self.model = model
        self.tools = tools
        self.memory = memory
        self.instructions = instructions
        self.max_loops = max_loops


def create_python_floor(parts: AgentParts) -> PythonFloorAgent:
    return PythonFloorAgent("agent-1", "floor", parts.model, parts.tools, None, "", 10)
