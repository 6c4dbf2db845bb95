"""JSON round trip for the typed models passes hand to the results file and the reporters.

A pass's result is a dataclass; :class:`Model` gives it ``to_dict`` and
``from_dict`` from its field types (nested dataclasses, ``list[...]`` and
``dict[str, ...]`` of them, optionals), so a pass declares fields, not
serialisation code. ``from_dict`` lets absent keys take their defaults, so
an older file still loads; a value of the wrong shape raises ``TypeError``
(the loader names the field). A key it does not know is ignored, so a file
from a newer version still loads — except under ``AGNOBENCH_STRICT_MODELS=1``
(the test suite sets it, for every process it starts), where it is a
``TypeError`` too: an engine that misspells a field fails its tests instead
of losing the figure.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from typing import Any, TypeVar, cast

M = TypeVar("M", bound="Model")
STRICT_ENV = "AGNOBENCH_STRICT_MODELS"


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


def _decode(kind: Any, value: Any) -> Any:
    """``value`` (decoded JSON) as ``kind``: dataclasses built, containers followed; TypeError when it does not fit."""
    if value is None or kind is Any:
        return value
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        for option in options:
            try:
                return _decode(option, value)
            except TypeError:
                continue
        raise TypeError(f"{value!r} is not {kind}")
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        if not isinstance(value, dict):
            raise TypeError(f"expected an object for {kind.__name__}, got {type(value).__name__}")
        return from_dict(kind, value)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        items = [_decode(args[0], v) for v in value] if args else list(value)
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {type(value).__name__}")
        return {k: _decode(args[1], v) for k, v in value.items()} if len(args) == 2 else dict(value)
    if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(kind, type) and (not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool)):
        raise TypeError(f"expected {kind.__name__}, got {type(value).__name__} {value!r}")
    return value


def from_dict(cls: type[Any], data: dict[str, Any]) -> Any:
    hints = _hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    if os.environ.get(STRICT_ENV) == "1" and (unknown := sorted(set(data) - known)):
        raise TypeError(f"{cls.__name__} has no field {', '.join(map(repr, unknown))}")
    return cls(**{k: _decode(hints[k], v) for k, v in data.items() if k in known})


class Model:
    """Mixin for a dataclass that goes into a results file."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(cast(Any, self))  # a Model is always a dataclass

    @classmethod
    def from_dict(cls: type[M], data: dict[str, Any]) -> M:
        built: M = from_dict(cls, data)
        return built
