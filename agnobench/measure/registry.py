"""Names of the measurement passes, and where each lives (imported lazily).

A scenario's ``[measure] passes`` is validated against these names in the
parent process, which must stay light: so this module maps names to
``module:function`` strings and imports a pass only in the worker that runs
it. To add a pass, add one line here.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

PASSES: dict[str, str] = {
    "timing": "agnobench.measure.passes:timing_pass",
    "memory": "agnobench.measure.passes:memory_pass",
    "latency": "agnobench.measure.latency:latency_pass",
    "concurrency": "agnobench.measure.concurrency:concurrency_pass",
    "variants": "agnobench.measure.variants:variants_pass",
    "batch": "agnobench.measure.batch:batch_pass",
}


def load_pass(name: str) -> Callable[[Any], Any]:
    module_name, _, attr = PASSES[name].partition(":")
    return getattr(importlib.import_module(module_name), attr)
