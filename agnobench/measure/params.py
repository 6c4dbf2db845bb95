"""Reading a pass's knobs from a scenario's free-form ``[measure.params]`` table.

The table is free-form so a pass can grow options without touching the
scenario schema; these helpers give every pass the same rules: a default
when absent, a one-line error naming ``measure.params.KEY`` when the value
has the wrong type (bad input, exit 2), and references to code
(``module:function``) resolved the way ``operation`` is.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from agnobench.importing import import_reference
from agnobench.measure.calls import as_operation
from agnobench.errors import ScenarioError

_TYPE_NAMES = {int: "an integer", float: "a number", bool: "true or false", str: "a string", list: "a list",
               dict: "a table"}


def _bad(key: str, message: str) -> ScenarioError:
    return ScenarioError(f"measure.params.{key}: {message}", field=f"measure.params.{key}")


def param(params: Mapping[str, Any], key: str, kind: type, default: Any) -> Any:
    """``params[key]`` checked against ``kind`` (an int passes as a float), or ``default``."""
    if key not in params:
        return default
    value = params[key]
    ok = isinstance(value, kind) and not (isinstance(value, bool) and kind is not bool)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok, value = True, float(value)
    if not ok:
        raise _bad(key, f"must be {_TYPE_NAMES.get(kind, kind.__name__)}, got {value!r}")
    return value


def choices(params: Mapping[str, Any], key: str, allowed: tuple[str, ...], default: list[str]) -> list[str]:
    values = param(params, key, list, default)
    unknown = [v for v in values if v not in allowed]
    if not values or unknown:
        raise _bad(key, f"must be a non-empty list of {', '.join(allowed)}; got {values!r}")
    return list(values)


def reference(key: str, value: Any) -> Callable[..., Any]:
    """Import a ``module:function`` named in the params."""
    if not isinstance(value, str):
        raise _bad(key, f"must be a 'module:function' string, got {value!r}")
    try:
        return import_reference(value)
    except ValueError as exc:
        raise _bad(key, str(exc)) from None


def references(params: Mapping[str, Any], key: str) -> dict[str, Callable[..., Any]]:
    """A table of name = "module:function", in file order."""
    table = param(params, key, dict, {})
    return {name: reference(f"{key}.{name}", value) for name, value in table.items()}


def blocking(fn: Callable[[], Any]) -> Callable[[], Any]:
    """A zero-argument callable that returns a result: coroutines are awaited on one event loop per
    wrapped function, and passes that call it many times await it in one coroutine
    (:mod:`agnobench.measure.calls`)."""
    return as_operation(fn)
