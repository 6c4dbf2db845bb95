"""Operations with an injected, known slowdown, for the detection trials of the CI gate.

One op creates ``AGNOBENCH_TRIAL_AGENTS`` agno agents (default 20). Creating
21 instead of 20 is exactly 5 % more of the same work, 22 is 10 %, 201
against 200 is 0.5 %: a slowdown whose size is known without measuring it,
made of the very work the creation scenarios time.
"""

from __future__ import annotations

import itertools
import os
from typing import Any

from agnobench.adapters.agno.creation import AgentParts, create_simple, shared_parts


def agents_setup() -> tuple[AgentParts, int]:
    return shared_parts(), int(os.environ.get("AGNOBENCH_TRIAL_AGENTS", "20"))


def create_agents(state: tuple[AgentParts, int]) -> Any:
    parts, count = state
    agent = None
    for _ in itertools.repeat(None, count):
        agent = create_simple(parts)
    return agent
