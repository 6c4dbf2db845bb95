"""The measurement passes by name, each imported lazily from where it lives.

A scenario's ``[measure] passes`` is validated against these names in the
parent process, which must stay light: each entry is a ``module:attribute``
string naming a :class:`~agnobench.measure.passes.PassPlugin`, and a plugin
module imports nothing heavy (its ``run`` does). To add a pass, write its
module and add one line to ``PASSES``.

Passes outside this package (a test's toy pass, an extension) are registered
with :func:`register`, or, so that worker processes see them too, with the
environment variable ``AGNOBENCH_PASSES="name=module:attr,other=module:attr"``.
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from agnobench.measure.passes import PassPlugin
    from agnobench.metrics import MetricInfo

PASSES: dict[str, str] = {
    "timing": "agnobench.passes.timing:PLUGIN",
    "memory": "agnobench.passes.memory:PLUGIN",
    "latency": "agnobench.passes.latency:PLUGIN",
    "concurrency": "agnobench.passes.concurrency:PLUGIN",
    "variants": "agnobench.passes.variants:PLUGIN",
    "batch": "agnobench.passes.batch:PLUGIN",
    "corpus_growth": "agnobench.passes.corpus_growth:PLUGIN",
    "insert_throughput": "agnobench.passes.insert_throughput:PLUGIN",
    "rag_overhead": "agnobench.passes.rag_overhead:PLUGIN",
    "cold_import": "agnobench.passes.cold_import:PLUGIN",
    "service": "agnobench.passes.service:PLUGIN",
    "turn_growth": "agnobench.passes.turn_growth:PLUGIN",
    "store_sessions": "agnobench.passes.store_sessions:PLUGIN",
    "leak": "agnobench.passes.leak:PLUGIN",
}

ENV_VAR = "AGNOBENCH_PASSES"
_loaded: dict[str, "PassPlugin"] = {}


def register(name: str, reference: str) -> None:
    """Add (or replace) a pass in this process; see the module docstring for worker processes."""
    PASSES[name] = reference
    _loaded.pop(name, None)


def _from_environment() -> None:
    for entry in filter(None, (e.strip() for e in os.environ.get(ENV_VAR, "").split(","))):
        name, sep, reference = entry.partition("=")
        if sep and PASSES.get(name.strip()) != reference.strip():
            register(name.strip(), reference.strip())


def known_passes() -> dict[str, str]:
    """Every registered pass name -> its reference, in registry order."""
    _from_environment()
    return PASSES


def plugin(name: str) -> "PassPlugin":
    """The plugin of a registered pass (``KeyError`` for an unknown name)."""
    reference = known_passes()[name]
    if name not in _loaded:
        module_name, _, attr = reference.partition(":")
        found = getattr(importlib.import_module(module_name), attr)
        if getattr(found, "name", None) != name:
            raise TypeError(f"{reference} is not the PassPlugin of pass {name!r}")
        _loaded[name] = found
    return _loaded[name]


def plugins() -> Iterator["PassPlugin"]:
    for name in list(known_passes()):
        yield plugin(name)


def pass_metrics() -> list["MetricInfo"]:
    """The metrics passes declare themselves (beyond the shared table in agnobench.metrics)."""
    return [info for p in plugins() for info in p.metrics]


def load_pass(name: str):
    """The run function of a pass (kept for callers of the first API)."""
    return plugin(name).run
