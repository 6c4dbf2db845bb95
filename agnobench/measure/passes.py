"""The measurement passes a scenario can ask for (``[measure] passes``).

A pass runs inside the scenario's worker process with the operation ready to
call, forks whatever children it needs, and returns samples per metric plus
details for the report. Timing and memory are separate passes so tracing
never slows a timed loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from agnobench.measure.forking import run_forked
from agnobench.measure.memory import measure_memory
from agnobench.measure.settings import MeasureSettings
from agnobench.measure.timing import measure_time


@dataclass
class PassContext:
    name: str
    op: Callable[[], Any]
    settings: MeasureSettings
    params: Mapping[str, Any]
    hold: int
    progress: Callable[[str], None] = lambda _: None


@dataclass
class PassOutput:
    samples: dict[str, list[float]] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


def timing_pass(ctx: PassContext) -> PassOutput:
    timing = measure_time(ctx.name, ctx.op, ctx.settings, ctx.progress)
    values, kernel = timing["values_ns"], timing["kernel_ns"]
    return PassOutput(
        samples={"time_per_op_ns": values, "ref_kernel_ns": kernel,
                 "time_per_op_rel": [v / k for v, k in zip(values, kernel)]},
        details={"loops": timing["loops"], "kernel_calls": timing["kernel_calls"],
                 "timing_processes": ctx.settings.processes,
                 "values_per_process": ctx.settings.values,
                 "process_medians_ns": timing["process_medians_ns"]},
    )


def memory_pass(ctx: PassContext) -> PassOutput:
    ctx.progress("memory: retained and allocations")
    result = run_forked(lambda: measure_memory(ctx.op, ctx.hold, ctx.settings.memory_rounds,
                                               ctx.settings.alloc_ops))
    return PassOutput(
        samples={"retained_bytes_per_op": result["retained"],
                 "allocated_bytes_per_op": result["bytes"],
                 "allocs_per_op": result["allocs"]},
        details={"held_results": result["hold"], "ops_per_memray_session": result["ops_per_session"],
                 "python_calls_per_op": result["python_calls_per_op"],
                 "profiler_frames_removed_per_op": result["profiler_frames_per_op"]},
    )
