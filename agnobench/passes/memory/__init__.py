"""The memory pass: retained bytes per live result (tracemalloc), allocations per op (memray)."""

from __future__ import annotations

from dataclasses import dataclass

from agnobench.core.plugin import NoParams, PassContext, PassOutput, PassPlugin
from agnobench.core.model import Model


@dataclass
class MemoryResult(Model):
    held_results: int = 0  # results kept alive at once for retained/op
    ops_per_memray_session: int = 0
    python_calls_per_op: float = 0.0
    profiler_frames_removed_per_op: float = 0.0  # frame objects memray's profile hook forced, subtracted


def run(ctx: PassContext[NoParams]) -> PassOutput[MemoryResult]:
    from agnobench.measure.forking import run_forked
    from agnobench.passes.memory.engine import measure_memory  # memray: worker only

    ctx.progress("memory: retained and allocations")
    result = run_forked(lambda: measure_memory(ctx.op, ctx.hold, ctx.settings.memory_rounds,
                                               ctx.settings.alloc_ops))
    return PassOutput(
        samples={"retained_bytes_per_op": result["retained"],
                 "allocated_bytes_per_op": result["bytes"],
                 "allocs_per_op": result["allocs"]},
        details=MemoryResult(held_results=result["hold"], ops_per_memray_session=result["ops_per_session"],
                             python_calls_per_op=result["python_calls_per_op"],
                             profiler_frames_removed_per_op=result["profiler_frames_per_op"]),
    )


# Its size comes from the run's settings and the scenario's `hold` (--quick holds fewer), not from params.
PLUGIN = PassPlugin(name="memory", preload=True, run=run, params=NoParams, result=MemoryResult, order=20,
                    summary="retained bytes per live result and allocations per op, in a forked child")
