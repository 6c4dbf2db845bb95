"""Turn one layer of the timing method off, to measure what it buys (docs/timing.md, *Ablation*).

``AGNOBENCH_ABLATE=layer[,layer...]`` names the layers that are off in this
run and in every worker it starts (workers inherit the environment). Each
layer's code asks :func:`off` in one place; with the variable unset every
layer is on, as in any ordinary run. The switch stays after the study so its
table can be reproduced with ``tools/ablation/study.py``; the results file
records what was off (``environment.ablated``), so an ablated run is never
mistaken for an ordinary one.
"""

from __future__ import annotations

import os

from agnobench.errors import InputError

ENV = "AGNOBENCH_ABLATE"
# Each layer, and where it lives.
LAYERS: dict[str, str] = {
    "fast_pairs": "count only pairs whose kernel bursts ran at the fast level (measure/estimate.py)",
    "recent_fast": "compare with the machine's recent fast level, not only its record (measure/headline.py)",
    "retime": "time children again after a timing in a slow phase (measure/headline.py)",
    "cpu_hop": "pin a timing child to the fastest CPU and move after a slow kernel burst (measure/cpu_hop.py)",
    "layout": "a fixed hash seed and no address randomisation in the workers (harness/layout.py)",
}

_parsed: tuple[str, frozenset[str]] | None = None  # (the variable's text, the layers it names)


def parse(text: str) -> frozenset[str]:
    """The layers a value of ``AGNOBENCH_ABLATE`` names; an unknown name is bad input."""
    names = frozenset(name.strip() for name in text.split(",") if name.strip())
    unknown = sorted(names - LAYERS.keys())
    if unknown:
        raise InputError(ENV, None, f"unknown timing layer {', '.join(map(repr, unknown))} "
                                    f"(layers: {', '.join(LAYERS)})")
    return names


def ablated() -> frozenset[str]:
    """The layers that are off: parsed once per value of the variable (a test may change it)."""
    global _parsed
    text = os.environ.get(ENV, "")
    if _parsed is None or _parsed[0] != text:
        _parsed = (text, parse(text))
    return _parsed[1]


def off(layer: str) -> bool:
    """Whether ``layer`` (one of :data:`LAYERS`) is turned off in this run."""
    assert layer in LAYERS, layer
    return layer in ablated()
