"""What a pass that measures a whole run at once (``PassPlugin.once``) is called with, and hands back.

Instruction counting runs every selected scenario in one callgrind process,
so it cannot be a per-scenario ``run`` inside a worker; the runner calls its
``once`` with every scenario instead, and hears each scenario's outcome as
soon as it is known: a :class:`~agnobench.core.plugin.PassOutput` (samples and
typed result) with its seconds, or the :class:`~agnobench.harness.spawn.ChildFailure`
that stopped it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
    from agnobench.core.plugin import PassOutput
    from agnobench.harness.spawn import ChildFailure
    from agnobench.scenario import Scenario

Measured = tuple["PassOutput[Any]", float]  # the pass's output for one scenario, and its seconds
OnEach = Callable[[str, "Measured | ChildFailure"], None]


class WholeRun(Protocol):
    def __call__(self, scenarios: list[Scenario], quick: bool, progress: Callable[[str], None],
                 on_each: OnEach, /) -> None: ...
