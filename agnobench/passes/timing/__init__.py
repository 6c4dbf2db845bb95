"""The timing pass: op and reference-kernel bursts, paired, in many short forked children.

``time_per_op_ns`` is the wall time; the headline ``time_per_op_best_ns`` is
time/kernel over the fast-phase pairs × this machine's best kernel time (see
:mod:`agnobench.passes.timing.engine` and docs/timing.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from agnobench.core.plugin import NoParams, PassContext, PassOutput, PassPlugin
from agnobench.core.metrics import CORE, HIDDEN, MetricInfo
from agnobench.core.model import Model


@dataclass
class MachineRecord(Model):
    """The per-machine kernel record as this scenario left it (agnobench.measure.machine)."""

    key: str = ""
    best_before_ns: float | None = None  # None: the first scenario timed on this machine
    best_ns: float = 0.0  # the anchor of time_per_op_best_ns
    path: str = ""  # "" when the record could not be kept
    recorded: str = ""
    improved: bool = False


@dataclass
class TimingResult(Model):
    loops: int = 0  # op calls per burst
    kernel_calls: int = 0  # reference-kernel calls per burst
    timing_processes: int = 0
    values_per_process: int = 0  # pyperf's runs: the export groups values by process
    process_medians_ns: list[float] = field(default_factory=list)
    pairs_per_process: int = 0  # 0: a results file from before paired bursts
    warmup_pairs: int = 0
    fast_tolerance: float = 0.0
    fast_share: float = 0.0  # pairs whose kernel burst ran in the fast phase
    fast_processes: int = 0  # timing processes with at least a value's worth of fast-phase pairs
    kernel_fast_ns: float = 0.0
    kernel_fast_level_ns: float = 0.0
    kernel_median_ns: float = 0.0
    rerun_pct: float = 0.0  # ± of a rerun of time/op, 95 %
    extra_processes: int = 0
    slow_phase_only: bool = False
    cpu_hops: int = 0  # times a timing child moved to another CPU after a slow kernel burst
    slow_wait_s: float = 0.0  # seconds waited for a fast CPU before timing again
    speed_min: float = 0.0
    speed_max: float = 0.0
    machine: MachineRecord = field(default_factory=MachineRecord)


METRICS = (
    MetricInfo("time_per_op_best_ns", "ns", "time/op", column=HIDDEN,  # the suite table's headline column
               note="time/op: one call at this machine's full speed — time ÷ reference kernel over the bursts "
                    "that ran in the machine's fast phase, × the fastest kernel time this machine has shown; "
                    "±: how far a rerun may move it (95 %, bootstrap over timing processes); speed: that kernel "
                    "record ÷ the kernel's time during the scenario (docs/timing.md)."),
    MetricInfo("machine_speed", "ratio", "speed", lower_is_better=False, column=CORE),
)


def run(ctx: PassContext[NoParams]) -> PassOutput[TimingResult]:
    from agnobench.passes.timing.engine import measure_time  # forks children: worker only

    timing = measure_time(ctx.op, ctx.settings, ctx.progress)
    return PassOutput(samples=timing.samples(), details=TimingResult.from_dict(timing.details()))


# Its size comes from the run's settings (--quick has fewer, shorter processes), not from params.
PLUGIN = PassPlugin(name="timing", preload=True, run=run, params=NoParams, result=TimingResult, order=10,
                    metrics=METRICS,
                    summary="time/op in paired op/kernel bursts over many short forked children")
