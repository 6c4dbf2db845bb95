"""What a metric is (unit, label, direction, gate, table place, exports), and the metrics several passes share.

A leaf: it imports nothing of agnobench. A metric one pass measures is
declared in that pass (``PassPlugin.metrics``); the whole table, shared and
per pass, is :func:`agnobench.core.registry.all_metrics`, which targets, the
suite tables, the comparison gate and the Go/pyperf exports and imports all
read. The meaning of each metric is documented in the README; keep the two in
step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

# Default gate thresholds per kind of metric; docs/ci-gate.md has the trials behind them.
TIME_THRESHOLD_PCT = 3.0
MEMORY_THRESHOLD_PCT = 1.0
INSTRUCTIONS_THRESHOLD_PCT = 0.2
INFO_THRESHOLD_PCT = 5.0  # shown, not gated: only decides "unchanged" against "changed" in the table

# Where a suite table puts a metric: a column of its own whenever a scenario has it ("core"); a column when
# every scenario of the suite has it, otherwise a labelled entry of the "more" cell ("extra"); only ever in the
# "more" cell, after the extras, by name ("more"); or nowhere ("hidden").
CORE, EXTRA, MORE, HIDDEN = "core", "extra", "more", "hidden"


@dataclass(frozen=True)
class MetricInfo:
    name: str
    unit: str  # "ns", "B", "count", "1/s", "ratio", "%"
    label: str
    lower_is_better: bool = True
    gated: bool = False  # a regression beyond the threshold fails `compare` by default
    threshold_pct: float = INFO_THRESHOLD_PCT  # default gate threshold (also "changed" for info metrics)
    column: str = EXTRA  # CORE / EXTRA / MORE / HIDDEN, see above; table order is declaration order
    header: str = ""  # the suite table's column header, when not the label
    note: str = ""  # the note under a table that shows the metric
    go_unit: str = ""  # the unit of `export --format go` and `import-go` ("ns/op"); "" = not exported
    go_factor: float = 1.0  # Go value × factor = agnobench value (import); export writes factor 1 units only
    pyperf_unit: str = ""  # pyperf's unit ("second", "byte", "integer"); "" = not exported
    pyperf_factor: float = 1.0  # agnobench value × factor = pyperf value
    derive: Callable[[float], float] | None = None  # from `derived_from`'s samples (ops/s from time/op)
    derived_from: str = ""
    restated: bool = False  # says nothing the others do not (ops/s, the machine's kernel): left out side by side

    @property
    def column_header(self) -> str:
        return self.header or self.label


def _time(name: str, label: str, **kw: object) -> MetricInfo:
    return MetricInfo(name, "ns", label, **kw)  # type: ignore[arg-type]


_ALL = [
    _time("time_per_op_ns", "wall/op", gated=True, threshold_pct=TIME_THRESHOLD_PCT, column=CORE,
          note="wall/op (time/op where no timing pass ran): wall time of one call, median of all values; "
               "± marked ~: the MAD of the values, in % of it.",
          go_unit="ns/op", pyperf_unit="second", pyperf_factor=1e-9),
    MetricInfo("ops_per_sec", "1/s", "ops/s", lower_is_better=False, threshold_pct=TIME_THRESHOLD_PCT, column=CORE,
               derived_from="time_per_op_ns", derive=lambda ns: 1e9 / ns, restated=True),
    _time("latency_p50_ns", "p50", column=CORE,
          note="p50/p95/p99: individually timed calls, GC on; median over measuring processes."),
    _time("latency_p95_ns", "p95", column=CORE),
    _time("latency_p99_ns", "p99", column=CORE),
    MetricInfo("retained_bytes_per_op", "B", "retained/op", gated=True, threshold_pct=MEMORY_THRESHOLD_PCT,
               column=CORE, go_unit="retained-B/op", pyperf_unit="byte"),
    MetricInfo("allocated_bytes_per_op", "B", "allocated/op", gated=True, threshold_pct=MEMORY_THRESHOLD_PCT,
               column=CORE, header="alloc/op", go_unit="B/op", pyperf_unit="byte",
               note="alloc/op, allocs/op: everything Python's allocators handed out during one op, temporaries "
                    "included — the closest analogue of Go's B/op and allocs/op, not the same quantity."),
    MetricInfo("allocs_per_op", "count", "allocs/op", gated=True, threshold_pct=MEMORY_THRESHOLD_PCT, column=CORE,
               go_unit="allocs/op", pyperf_unit="integer"),
    # time/op over the reference kernel's time measured beside it: steady when the whole machine slows
    MetricInfo("time_per_op_rel", "ratio", "time/kernel", gated=True, threshold_pct=TIME_THRESHOLD_PCT,
               column=HIDDEN, go_unit="kernel-ratio/op"),
    _time("ref_kernel_ns", "kernel", threshold_pct=TIME_THRESHOLD_PCT, column=HIDDEN, restated=True),
    MetricInfo("speedup", "ratio", "speedup", lower_is_better=False,
               note="concurrency: time/op = aggregate wall time ÷ all calls of the scenario's headline cell (as "
                    "Go's RunParallel ns/op), with that cell's speedup and efficiency; the whole matrix follows."),
    MetricInfo("efficiency", "ratio", "efficiency", lower_is_better=False),
    _time("total_time_ns", "total time",
          note="batch: time/op and retained/op per item of the largest batch; total time and total retained "
               "for the whole batch, measured, not multiplied."),
    MetricInfo("total_retained_bytes", "B", "total retained"),
    # execution, real-world and pattern scenarios (docs/execution.md)
    _time("run_time_ns", "run"),  # one extra run a scenario measures beside its op (results before agnobench/2)
    _time("baseline_time_ns", "baseline/op"),  # the variant a comparison is made against
    MetricInfo("overhead_ratio", "ratio", "× baseline",
               note="comparisons: time/op is the subject variant's time per call; × baseline = subject ÷ "
                    "baseline, paired round by round (every variant in the comparisons table)."),
    _time("overhead_ns", "overhead/op"),
    MetricInfo("peak_bytes", "B", "peak memory"),
    _time("model_time_ns", "model wait"),  # time inside the (simulated) LLM per op
    _time("framework_time_ns", "framework/op"),  # end-to-end minus model wait
    MetricInfo("framework_share_pct", "%", "framework share",
               note="framework share: end-to-end time minus the time measured inside the simulated LLM wait, "
                    "as a share of end-to-end."),
    MetricInfo("time_growth", "ratio", "time growth"),  # per-item time at the largest count ÷ at the reference
    MetricInfo("retained_growth", "ratio", "retained growth"),
]

METRICS: dict[str, MetricInfo] = {m.name: m for m in _ALL}
