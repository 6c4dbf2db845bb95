"""The instructions pass's whole-run hook (``PassPlugin.once``): the engine's counts as typed pass outputs."""

from __future__ import annotations

from typing import Callable

from agnobench.core.plugin import PassOutput
from agnobench.measure.whole_run import OnEach
from agnobench.harness.spawn import ChildFailure
from agnobench.passes.instructions.contract import METRIC, InstructionResult
from agnobench.passes.instructions.engine import InstructionCount, InstructionSettings, count_instructions
from agnobench.scenario import Scenario


def run_once(scenarios: list[Scenario], quick: bool, progress: Callable[[str], None], on_each: OnEach) -> None:
    """Count every scenario under callgrind; ``on_each`` hears each one's output or failure when it is known."""

    def typed(name: str, count: InstructionCount | ChildFailure) -> None:
        if isinstance(count, ChildFailure):
            on_each(name, count)
        else:
            on_each(name, (PassOutput({METRIC: count.samples}, InstructionResult.from_dict(count.details)),
                           count.wall_s))

    count_instructions(scenarios, InstructionSettings.for_run(quick), progress, on_count=typed)
