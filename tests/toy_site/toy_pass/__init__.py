"""A toy measurement pass, kept in the test tree: everything a kind of measurement is, in one folder.

It times ``toy_calls`` calls of the op one by one and declares its own metric,
``toy_ns``, with everything the metric table holds; its details are a typed
model, and it brings its own report table (``report.py``) and chart
(``charts.py``). The folder is found two ways: as ``agnobench/passes/toy/``
would be (``tests/passes/toy/test_toy_pass.py`` mounts it there), and as an outside
package through the ``agnobench.passes`` entry point of the distribution
beside it (``agnobench_toy_pass-0.1.dist-info``).
"""

from __future__ import annotations

from agnobench.core.metrics import MetricInfo
from agnobench.core.plugin import PassContext, PassOutput, PassPlugin

from .contract import ToyParams, ToyResult, quick


def _run(ctx: PassContext[ToyParams]) -> PassOutput[ToyResult]:
    from .engine import measure_toy  # the worker only

    return measure_toy(ctx)


PLUGIN = PassPlugin(
    name="toy", run=_run, params=ToyParams, result=ToyResult, quick=quick, order=500,
    metrics=(MetricInfo("toy_ns", "ns", "toy time", gated=True, threshold_pct=2.0, note="toy: one call, timed alone.",
                        go_unit="toy-ns/op", pyperf_unit="second", pyperf_factor=1e-9),),
)
