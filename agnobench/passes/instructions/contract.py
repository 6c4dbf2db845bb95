"""The instructions pass's typed contract: its result and its metric.

A leaf of the pass: the plugin, the engine's adapter and the report import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agnobench.core.metrics import INSTRUCTIONS_THRESHOLD_PCT, MORE, MetricInfo
from agnobench.core.model import Model

NAME = "instructions"
METRIC = "instructions_per_op"

METRICS = (
    MetricInfo(METRIC, "count", "instr/op", gated=True, threshold_pct=INSTRUCTIONS_THRESHOLD_PCT, column=MORE,
               go_unit="instructions/op", pyperf_unit="integer"),
)


@dataclass
class InstructionResult(Model):
    """How a scenario's counts were taken (the counts are the pass's samples)."""

    instruction_boundary: str = ""  # the call that opens and closes a counted region
    instruction_aslr: str = ""  # "off" when the process ran without address randomisation
    instruction_hashseed: int = 0
    instruction_tool: str = ""  # valgrind's version
    instruction_instrumentation: str = ""  # "regions": callgrind instrumented only the counted regions; "always"
    instruction_scenarios_per_process: int = 0
    instruction_ops_per_region: list[int] = field(default_factory=list)  # n1, n2
    instruction_samples: int = 0
    instructions_pass_s: float = 0.0
    instruction_process_start_s: float = 0.0
