"""The metrics agnobench knows: their units, labels and which way is better.

One registry, so scenario targets, reporters and the comparison gate agree on
names. The meaning of each metric is documented in the README; keep the two
in step.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricInfo:
    name: str
    unit: str  # "ns", "B", "count", "1/s", "ratio", "%"
    label: str
    lower_is_better: bool = True


_ALL = [
    MetricInfo("time_per_op_ns", "ns", "time/op"),
    MetricInfo("ops_per_sec", "1/s", "ops/s", lower_is_better=False),
    # time/op over the reference kernel's time measured beside it: steady when the whole machine slows
    MetricInfo("time_per_op_rel", "ratio", "time/kernel"),
    MetricInfo("ref_kernel_ns", "ns", "kernel"),
    MetricInfo("retained_bytes_per_op", "B", "retained/op"),
    MetricInfo("allocated_bytes_per_op", "B", "allocated/op"),
    MetricInfo("allocs_per_op", "count", "allocs/op"),
    MetricInfo("latency_p50_ns", "ns", "p50"),
    MetricInfo("latency_p95_ns", "ns", "p95"),
    MetricInfo("latency_p99_ns", "ns", "p99"),
    MetricInfo("instructions_per_op", "count", "instr/op"),
    MetricInfo("total_time_ns", "ns", "total time"),
    MetricInfo("total_retained_bytes", "B", "total retained"),
    MetricInfo("speedup", "ratio", "speedup", lower_is_better=False),
    MetricInfo("efficiency", "ratio", "efficiency", lower_is_better=False),
    # execution, real-world and pattern scenarios (docs/execution.md)
    MetricInfo("run_time_ns", "ns", "run"),  # one extra run a scenario measures beside its op (a team's coordinated run)
    MetricInfo("model_time_ns", "ns", "model wait"),  # time inside the (simulated) LLM per op
    MetricInfo("framework_time_ns", "ns", "framework/op"),  # end-to-end minus model wait
    MetricInfo("framework_share_pct", "%", "framework share"),
    MetricInfo("baseline_time_ns", "ns", "baseline/op"),  # the variant a comparison is made against
    MetricInfo("overhead_ns", "ns", "overhead/op"),
    MetricInfo("overhead_ratio", "ratio", "× baseline"),
    MetricInfo("peak_bytes", "B", "peak memory"),
    MetricInfo("time_growth", "ratio", "time growth"),  # per-item time at the largest count ÷ at the reference count
    MetricInfo("retained_growth", "ratio", "retained growth"),
]

METRICS: dict[str, MetricInfo] = {m.name: m for m in _ALL}


def metric_info(name: str) -> MetricInfo:
    """Info for a known metric, or a neutral default for an extension's metric."""
    return METRICS.get(name) or MetricInfo(name, "", name)
