"""Pass details to and from the results file, through the registry's result models.

Each pass's details are its plugin's typed result (``PassPlugin.result``);
here they become JSON and come back typed. A pass this installation does not
know (a file from a newer version, an extension not registered) keeps its
details as the plain dict it was written as, so nothing is lost on a rewrite.

``agnobench/1`` files had one flat ``details`` dict for all passes: a pass
with a ``legacy_key`` kept its details under that key, the others as flat
keys named like its result's fields.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from agnobench.measure.registry import known_passes, plugin


def encode_details(details: Any) -> Any:
    to_dict = getattr(details, "to_dict", None)
    return to_dict() if callable(to_dict) else details


def decode_details(name: str, data: Any) -> Any:
    """Typed details of pass ``name`` (raises TypeError/ValueError when they do not fit its model)."""
    if name not in known_passes():
        return data
    return plugin(name).decode(data)


def legacy_details(details: dict[str, Any]) -> dict[str, Any]:
    """Pass name -> typed details, for the passes whose details an ``agnobench/1`` file holds.

    Raises ValueError naming the details key that does not fit its pass's result."""
    found: dict[str, Any] = {}
    for name in list(known_passes()):
        p = plugin(name)
        own: Any = None
        if p.legacy_key is not None:
            own = details.get(p.legacy_key) if isinstance(details.get(p.legacy_key), dict) else None
        elif p.result is not None and dataclasses.is_dataclass(p.result):
            own = {f.name: details[f.name] for f in dataclasses.fields(p.result) if f.name in details} or None
        if own is not None:
            try:
                found[name] = p.decode(own)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{p.legacy_key or name}: does not fit the {name} pass's result: {exc}") from None
    return found
