"""Pass details to and from the results file, through the registry's result models.

Each pass's details are its plugin's typed result (``PassPlugin.result``);
here they become JSON and come back typed. A pass this installation does not
know (a file from a newer version, an extension not installed here) keeps its
details as the plain data it was written as, so nothing is lost on a rewrite.
"""

from __future__ import annotations

from agnobench.core.model import Model
from agnobench.core.registry import known_passes, plugin

JSON = object  # decoded JSON: what json.load gives


def encode_details(details: Model | JSON) -> JSON:
    return details.to_dict() if isinstance(details, Model) else details


def decode_details(name: str, data: JSON) -> Model | JSON:
    """Typed details of pass ``name`` (raises TypeError/ValueError when they do not fit its model)."""
    if name not in known_passes() or data is None:
        return data
    decoded: Model = plugin(name).decode(data)
    return decoded
