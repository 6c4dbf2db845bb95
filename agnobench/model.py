"""JSON round trip for the typed models passes hand to the results file and the reporters.

A pass's result is a dataclass; :class:`Model` gives it ``to_dict`` and
``from_dict`` from its field types (nested dataclasses, ``list[...]`` and
``dict[str, ...]`` of them, optionals), so a pass declares fields, not
serialisation code. ``from_dict`` ignores keys it does not know and lets
absent ones take their defaults, so a newer or older file still loads; a
value of the wrong shape raises ``TypeError`` (the loader names the field).
"""

from __future__ import annotations

import dataclasses
import types
import typing
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

M = TypeVar("M", bound="Model")
D = TypeVar("D", bound="DataclassInstance")  # any dataclass (a nested one need not be a Model)


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


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


def from_dict(cls: type[D], data: dict[str, Any]) -> D:
    hints = _hints(cls)
    known = {f.name for f in dataclasses.fields(cls) if f.init}
    return cls(**{k: _decode(hints[k], v) for k, v in data.items() if k in known})


class Model:
    """Mixin for a dataclass that goes into a results file."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]  # set by @dataclass on each subclass

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls: type[M], data: dict[str, Any]) -> M:
        return from_dict(cls, data)
