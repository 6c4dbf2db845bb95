"""Workloads for the concurrency tests: a correct echo, and two ways of answering the wrong caller.

Copied next to the scenario files the tests write, so the worker process can
import them as it would a user's module.
"""

from __future__ import annotations

from typing import Any

from agno.agent import Agent

from agnobench.adapters.agno.caching_model import CachingModel
from agnobench.adapters.agno.concurrency import verify_run
from agnobench.adapters.agno.mock_model import MockModel
from agnobench.passes.concurrency.engine import Workload


def echo() -> Workload:
    """Answers each token with itself: never wrong."""
    return Workload(call=lambda _context, token: token, verify=_expect_same)


def _expect_same(token: str, result: Any) -> None:
    if result != token:
        raise AssertionError(f"{token} got {result}")


class _LastCaller:
    """Remembers only the first token it was ever given: every later caller gets someone else's answer."""

    def __init__(self) -> None:
        self.first: str | None = None

    def answer(self, token: str) -> str:
        if self.first is None:
            self.first = token
        return self.first


def leaky() -> Workload:
    """Shared state answered for the wrong caller, deterministically, in every mode."""
    state = _LastCaller()
    return Workload(call=lambda _context, token: state.answer(token), verify=_expect_same)


def shared_agent_behind_broken_cache() -> Workload:
    """A real agno agent, shared by all workers, whose response cache keys on nothing:
    the first answer is served to everyone — cross-talk through agno's model boundary."""
    model = CachingModel(wrapped=MockModel(), memo_key=lambda messages, tools: "one key for all")
    agent = Agent(model=model)
    return Workload(call=lambda ag, token: ag.run(token), acall=lambda ag, token: ag.arun(token),
                    context=lambda: agent, verify=verify_run)


def not_a_workload() -> str:
    return "oops"
