"""A toy measurement pass, kept in the test tree: what adding a pass takes (see docs/architecture.md).

It times ``toy_calls`` calls of the op one by one and declares its own metric,
``toy_ns``, with everything the metric table holds; its details are a typed
model, and it brings its own report table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Sequence

from agnobench.measure.params_schema import ParamError
from agnobench.measure.passes import PassContext, PassOutput, PassPlugin
from agnobench.metrics import MetricInfo
from agnobench.model import Model


@dataclass(frozen=True)
class ToyParams:
    toy_calls: int = 9
    toy_label: str = "toy"

    def check(self) -> None:
        if self.toy_calls < 1:
            raise ParamError("toy_calls", "must be at least 1")


@dataclass
class ToyResult(Model):
    label: str = ""
    calls: int = 0
    per_call_ns: list[float] = field(default_factory=list)


def run(ctx: PassContext) -> PassOutput:
    import time

    ns = []
    for _ in range(ctx.params.toy_calls):
        start = time.perf_counter_ns()
        ctx.op()
        ns.append(float(time.perf_counter_ns() - start))
    return PassOutput(samples={"toy_ns": ns}, details=ToyResult(ctx.params.toy_label, len(ns), ns))


def toy_sections(results: Sequence[object]) -> list[object]:
    from agnobench.reporters.section import Section

    toys = [(r.name, r.result_of("toy")) for r in results if getattr(r, "ok", False)]  # type: ignore[attr-defined]
    rows = [[name, toy.label, str(toy.calls)] for name, toy in toys if toy is not None]
    return [Section(title="Toy pass", columns=["scenario", "label", "calls"], rows=rows)] if rows else []


PLUGIN = PassPlugin(
    name="toy", run=run, params=ToyParams, result=ToyResult,
    metrics=(MetricInfo("toy_ns", "ns", "toy time", gated=True, threshold_pct=2.0, note="toy: one call, timed alone.",
                        go_unit="toy-ns/op", pyperf_unit="second", pyperf_factor=1e-9),),
    quick=lambda p: replace(p, toy_calls=max(1, p.toy_calls // 3)),
    sections="toy_pass:toy_sections",
)
