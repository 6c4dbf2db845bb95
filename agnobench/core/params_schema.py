"""``[measure.params]`` checked against the typed params of the scenario's passes, at load time.

The table stays one flat table in the scenario file (a key such as
``variants`` may serve two passes); each pass declares the keys it reads as a
frozen dataclass (``PassPlugin.params``). Loading builds one instance per
pass from the keys it knows and rejects, as bad input (exit 2), a key no
listed pass reads (with a did-you-mean), a value of the wrong type, and a
value the params' own ``check`` refuses: one line naming the file and
``measure.params.KEY``. Runs in the parent, so it imports no pass's run code.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
import typing
from pathlib import Path
from typing import Any, Mapping, Sequence

from agnobench.core.plugin import ParamError
from agnobench.errors import InputError


_NAMES = {int: "an integer", float: "a number", bool: "true or false", str: "a string", list: "a list",
          dict: "a table"}


def _describe(kind: Any) -> str:
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in args if a is not type(None))
    if origin in (list, tuple) and args:
        return f"a list of {_describe(args[0]).removeprefix('an ').removeprefix('a ')}s"
    if origin is dict and len(args) == 2:
        return f"a table of {_describe(args[1]).removeprefix('an ').removeprefix('a ')}s"
    return _NAMES.get(origin or kind, getattr(kind, "__name__", str(kind)))


def _fits(kind: Any, value: Any) -> bool:
    if kind is Any:
        return True
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return any(_fits(a, value) for a in args)
    if kind is type(None):
        return value is None
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, (int, float))
    if origin in (list, tuple):
        return isinstance(value, list) and (not args or all(_fits(args[0], v) for v in value))
    if origin is dict:
        return isinstance(value, dict) and (len(args) != 2 or all(_fits(args[1], v) for v in value.values()))
    return isinstance(value, origin or kind)


def _coerce(kind: Any, value: Any) -> Any:
    if kind is float and isinstance(value, int):
        return float(value)
    if typing.get_origin(kind) is tuple:
        return tuple(value)
    return value


def keys_of(params_type: type) -> dict[str, Any]:
    """The keys a params dataclass reads -> their types."""
    hints = typing.get_type_hints(params_type)
    return {f.name: hints[f.name] for f in dataclasses.fields(params_type) if f.init}


def build_params(params_type: type, table: Mapping[str, Any], path: str | Path) -> Any:
    """One pass's params from the keys of ``table`` it knows (the others are not its business)."""
    values = {}
    for key, kind in keys_of(params_type).items():
        if key not in table:
            continue
        value = table[key]
        if not _fits(kind, value):
            raise InputError(path, f"measure.params.{key}",
                             f"must be {_describe(kind)}, got {type(value).__name__} {value!r}")
        values[key] = _coerce(kind, value)
    params = params_type(**values)
    check = getattr(params, "check", None)
    if check is not None:
        try:
            check()
        except ParamError as exc:
            raise InputError(path, f"measure.params.{exc.key}", exc.message) from None
    return params


def parse_pass_params(passes: Sequence[str], table: Mapping[str, Any], path: str | Path) -> dict[str, Any]:
    """Each listed pass's typed params; a key none of them reads is an error with a did-you-mean."""
    from agnobench.core.registry import plugin

    plugins = [plugin(name) for name in passes]
    known: dict[str, Any] = {}
    for p in plugins:
        known.update(keys_of(p.params))
    for key in table:
        if key not in known:
            hint = difflib.get_close_matches(key, list(known), n=1)
            names = ", ".join(passes)
            suggestion = (f"did you mean {hint[0]!r}?" if hint else
                          f"known to {names}: {', '.join(sorted(known))}" if known else f"{names} take no params")
            raise InputError(path, f"measure.params.{key}", f"unknown key ({suggestion})")
    return {p.name: build_params(p.params, table, path) for p in plugins}
