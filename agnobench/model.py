"""JSON round trip for the typed models passes hand to the results file and the reporters.

A pass's result is a dataclass; :class:`Model` gives it ``to_dict`` and
``from_dict`` from its field types (nested dataclasses, ``list[...]`` and
``dict[str, ...]`` of them, optionals), so a pass declares fields, not
serialisation code. ``from_dict`` ignores keys it does not know and lets
absent ones take their defaults: a newer or older file still loads.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import lru_cache
from typing import Any, TypeVar

M = TypeVar("M", bound="Model")


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(kind: Any, value: Any) -> Any:
    """``value`` (decoded JSON) as ``kind``: dataclasses built, containers followed, the rest as is."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(kind) if a is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if isinstance(kind, type) and dataclasses.is_dataclass(kind) and isinstance(value, dict):
        return from_dict(kind, value)
    args = typing.get_args(kind)
    if origin in (list, tuple) and args and isinstance(value, list):
        items = [_decode(args[0], v) for v in value]
        return tuple(items) if origin is tuple else items
    if origin is dict and len(args) == 2 and isinstance(value, dict):
        return {k: _decode(args[1], v) for k, v in value.items()}
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def from_dict(cls: type[Any], data: dict[str, Any]) -> Any:
    hints = _hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    return cls(**{k: _decode(hints[k], v) for k, v in data.items() if k in known})


class Model:
    """Mixin for a dataclass that goes into a results file."""

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls: type[M], data: dict[str, Any]) -> M:
        return from_dict(cls, data)  # type: ignore[no-any-return]
