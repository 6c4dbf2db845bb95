"""The timing pass: time_per_op_ns with pyperf's worker loop, and the reference kernel beside it."""

from __future__ import annotations

from dataclasses import dataclass, field

from agnobench.measure.passes import PassContext, PassOutput, PassPlugin
from agnobench.model import Model


@dataclass
class TimingResult(Model):
    loops: int = 0  # calls per timed value
    kernel_calls: int = 0  # reference-kernel calls timed before each value
    timing_processes: int = 0
    values_per_process: int = 0  # pyperf's runs: the export groups values by process
    process_medians_ns: list[float] = field(default_factory=list)


def run(ctx: PassContext) -> PassOutput:
    from agnobench.measure.timing import measure_time  # pyperf: worker only

    timing = measure_time(ctx.name, ctx.op, ctx.settings, ctx.progress)
    values, kernel = timing["values_ns"], timing["kernel_ns"]
    return PassOutput(
        samples={"time_per_op_ns": values, "ref_kernel_ns": kernel,
                 "time_per_op_rel": [v / k for v, k in zip(values, kernel)]},
        details=TimingResult(loops=timing["loops"], kernel_calls=timing["kernel_calls"],
                             timing_processes=ctx.settings.processes, values_per_process=ctx.settings.values,
                             process_medians_ns=timing["process_medians_ns"]),
    )


# Its size comes from the run's settings (--quick has fewer processes and values), not from params.
PLUGIN = PassPlugin(name="timing", run=run, result=TimingResult,
                    summary="time/op in forked pyperf workers, with the reference kernel timed beside each value")
