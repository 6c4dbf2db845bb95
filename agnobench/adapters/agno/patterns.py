"""The document's production patterns, each as variants to compare.

- Agent pool: reuse agents (taken from a pool, cleared, put back) against a
  fresh agent per request; the document's reason is GC pressure, so the
  variants pass counts collections and allocations as well as time.
- Bounded concurrency: 100 requests as asyncio tasks, all at once against a
  semaphore of 10 (the document's goroutine limit), each task building its
  agent and running it behind a simulated LLM wait; throughput and peak
  memory.
- Response caching: a run through :class:`CachingModel` that misses (a new
  question) against one that hits (a repeated question), and no cache.

Every request checks its answer; the cache variants also check that a miss
called the model and a hit did not.
"""

from __future__ import annotations

import asyncio
import itertools
import queue
from typing import Any, Awaitable, Callable

from agno.agent import Agent

from agnobench.adapters.agno.caching_model import CachingModel
from agnobench.adapters.agno.creation import add_numbers
from agnobench.adapters.agno.execution import PROMPT, RunCheckError, expect_run
from agnobench.adapters.agno.mock_model import MockModel

POOL_SIZE = 4
REQUESTS = 100
CONCURRENCY_LIMIT = 10
PATTERN_LATENCY_S = 0.01  # simulated LLM wait in the semaphore and cache patterns


# ---- agent pool -----------------------------------------------------------

def _service_agent(model: MockModel) -> Agent:
    """The agent a request needs: instructions and a tool, as a service would configure it."""
    return Agent(model=model, tools=[add_numbers], instructions="Answer briefly.")


class AgentPool:
    """The document's AgentPool: a bounded queue of ready agents; Put clears before reuse."""

    def __init__(self, size: int, factory: Callable[[], Agent]) -> None:
        self._agents: queue.Queue[Agent] = queue.Queue(maxsize=size)
        for _ in range(size):
            self._agents.put(factory())

    def get(self) -> Agent:
        return self._agents.get()

    def put(self, agent: Agent) -> None:
        # ClearMemory: no session or state of one request may reach the next
        agent.session_id = None
        agent.session_state = None
        self._agents.put(agent)


def fresh_agent_per_request() -> Callable[[], Any]:
    model = MockModel()

    def request() -> Any:
        return expect_run(_service_agent(model).run(PROMPT), PROMPT)

    return request


def pooled_agent_per_request() -> Callable[[], Any]:
    model = MockModel()
    pool = AgentPool(POOL_SIZE, lambda: _service_agent(model))

    def request() -> Any:
        agent = pool.get()
        try:
            return expect_run(agent.run(PROMPT), PROMPT)
        finally:
            pool.put(agent)

    return request


# ---- bounded concurrency --------------------------------------------------

def _requests(limit: int | None) -> Callable[[], Awaitable[int]]:
    model = MockModel(mock_latency_s=PATTERN_LATENCY_S)
    batches = itertools.count()

    async def one(token: str, semaphore: asyncio.Semaphore | None) -> None:
        async def serve() -> None:
            agent = Agent(model=model)  # the document's pattern: a new agent per task
            expect_run(await agent.arun(token), token)

        if semaphore is None:
            await serve()
        else:
            async with semaphore:
                await serve()

    async def batch() -> int:
        semaphore = asyncio.Semaphore(limit) if limit else None
        number = next(batches)
        await asyncio.gather(*(one(f"request {number}-{i}", semaphore) for i in range(REQUESTS)))
        return REQUESTS

    return batch


def unbounded_requests() -> Callable[[], Awaitable[int]]:
    """100 tasks at once."""
    return _requests(None)


def bounded_requests() -> Callable[[], Awaitable[int]]:
    """100 tasks, at most 10 inside a request at a time."""
    return _requests(CONCURRENCY_LIMIT)


# ---- response caching -----------------------------------------------------

def _expect_model_calls(inner: MockModel, before: int, expected: int) -> None:
    if inner.mock_calls - before != expected:
        raise RunCheckError(f"the wrapped model was called {inner.mock_calls - before} times, expected {expected}")


def uncached_run() -> Callable[[], Any]:
    agent = Agent(model=MockModel(mock_latency_s=PATTERN_LATENCY_S))
    questions = itertools.count()

    def request() -> Any:
        prompt = f"question {next(questions)}"
        return expect_run(agent.run(prompt), prompt)

    return request


def cache_miss_run() -> Callable[[], Any]:
    """A new question each time: the wrapper looks up, misses, calls the model, stores."""
    inner = MockModel(mock_latency_s=PATTERN_LATENCY_S)
    agent = Agent(model=CachingModel(wrapped=inner))
    questions = itertools.count()

    def request() -> Any:
        prompt = f"question {next(questions)}"
        before = inner.mock_calls
        output = expect_run(agent.run(prompt), prompt)
        _expect_model_calls(inner, before, 1)
        return output

    return request


def cache_hit_run() -> Callable[[], Any]:
    """The same question each time: answered from the cache, the model never called."""
    inner = MockModel(mock_latency_s=PATTERN_LATENCY_S)
    agent = Agent(model=CachingModel(wrapped=inner))
    expect_run(agent.run(PROMPT), PROMPT)  # primes the cache

    def request() -> Any:
        before = inner.mock_calls
        output = expect_run(agent.run(PROMPT), PROMPT)
        _expect_model_calls(inner, before, 0)
        return output

    return request
