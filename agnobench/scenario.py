"""Scenario files: the TOML contract, loaded into validated models.

A scenario names one operation ("one call = one op; its return value is what
'retained' holds"), an optional setup whose result is passed to it, optional
targets and reference figures. Every mistake is reported as an
:class:`~agnobench.errors.InputError` naming the file and the field, because
users write these files by hand.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from agnobench.errors import InputError
from agnobench.core.params_schema import parse_pass_params
from agnobench.core.registry import all_metrics, known_passes, plugin
from agnobench.requirements import Requirements, parse_requirements
from agnobench.scenario_checks import (check_bounds, check_limits, check_passes, check_threshold, finite_number,
                                       read_regular_file)

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
REFERENCE_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*(\.[A-Za-z_][A-Za-z0-9_]*)*:[A-Za-z_][A-Za-z0-9_.]*$")


@dataclass(frozen=True)
class Bound:
    """A target on one metric: the median must stay within [min, max]."""

    metric: str
    min: float | None = None
    max: float | None = None

    def met_by(self, value: float) -> bool:
        if self.max is not None and value > self.max:
            return False
        if self.min is not None and value < self.min:
            return False
        return True


@dataclass(frozen=True)
class Reference:
    """Figures from elsewhere (the Go document, a Go run) shown beside ours."""

    key: str
    label: str
    values: Mapping[str, float]
    source: str = ""


@dataclass(frozen=True)
class MeasureOptions:
    """Per-scenario knobs; ``None`` means "use the run's settings"."""

    hold: int | None = None  # results held alive for retained_bytes_per_op
    timeout_s: float = 600.0
    memory_limit_mb: int = 8192
    passes: tuple[str, ...] = ("timing", "memory")
    params: Mapping[str, Any] = field(default_factory=dict)  # the table as written
    pass_params: Mapping[str, Any] = field(default_factory=dict)  # pass name -> its typed params, validated


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    suite: str
    operation: str
    path: Path
    setup: str | None = None
    check: str | None = None
    default: bool = True
    targets: tuple[Bound, ...] = ()
    references: tuple[Reference, ...] = ()
    thresholds: Mapping[str, float] = field(default_factory=dict)
    measure: MeasureOptions = field(default_factory=MeasureOptions)
    requires: Requirements | None = None  # what must be installed; missing -> skipped
    # Not part of its suite: runs only when named (its name or its file), never by `--suite` or a glob. For
    # a demonstration that fails or takes long by design; the text says why, and `list` shows it.
    on_request: str | None = None


_TOP_KEYS = {
    "name": str, "description": str, "suite": str, "operation": str, "setup": str,
    "check": str, "default": bool, "targets": dict, "reference": dict, "thresholds": dict,
    "measure": dict, "requires": dict, "on_request": str,
}
_REQUIRED = ("name", "description", "suite", "operation")
_MEASURE_KEYS = {"hold": int, "timeout_s": (int, float), "memory_limit_mb": int, "passes": list, "params": dict}


def _type_name(expected: Any) -> str:
    if isinstance(expected, tuple):
        return " or ".join(_type_name(t) for t in expected)
    return {str: "a string", bool: "true or false", dict: "a table", int: "an integer",
            float: "a number", list: "a list"}.get(expected, str(expected.__name__))


def _check_type(path: Path, key: str, value: Any, expected: Any) -> None:
    expected_types = expected if isinstance(expected, tuple) else (expected,)
    # bool is an int in Python; a TOML `true` must not pass as a number.
    if (isinstance(value, bool) and bool not in expected_types) or not isinstance(value, expected_types):
        raise InputError(path, key, f"must be {_type_name(expected)}, got {type(value).__name__} {value!r}")


def _unknown_key(path: Path, where: str, key: str, known: Any) -> InputError:
    hint = difflib.get_close_matches(key, list(known), n=1)
    suggestion = f" (did you mean {hint[0]!r}?)" if hint else f" (known: {', '.join(sorted(known))})"
    return InputError(path, f"{where}{key}", f"unknown key{suggestion}")


def _number(path: Path, key: str, value: Any) -> float:
    return finite_number(path, key, value)  # nan and inf are TOML numbers too


def _metric_name(path: Path, key: str, name: str) -> None:
    """A known metric, or ``pass.metric``: a metric a later pass of the scenario measured too."""
    known = all_metrics()
    owner, dot, base = name.partition(".")
    if name not in known and not (dot and owner in known_passes() and base in known):
        hint = difflib.get_close_matches(name, list(known), n=1)
        suggestion = f" (did you mean {hint[0]!r}?)" if hint else f" (known: {', '.join(known)})"
        raise InputError(path, key, f"unknown metric{suggestion}")


def _parse_targets(path: Path, table: dict[str, Any]) -> tuple[Bound, ...]:
    bounds = []
    for metric, spec in table.items():
        key = f"targets.{metric}"
        _metric_name(path, key, metric)
        if not isinstance(spec, dict):
            raise InputError(path, key, "must be a table like { max = 1000 }")
        for bound_key in spec:
            if bound_key not in ("min", "max"):
                raise _unknown_key(path, key + ".", bound_key, ("min", "max"))
        if not spec:
            raise InputError(path, key, "needs min or max")
        lo = _number(path, key + ".min", spec["min"]) if "min" in spec else None
        hi = _number(path, key + ".max", spec["max"]) if "max" in spec else None
        check_bounds(path, key, lo, hi)
        bounds.append(Bound(metric, lo, hi))
    return tuple(bounds)


def _parse_references(path: Path, table: dict[str, Any]) -> tuple[Reference, ...]:
    refs = []
    for ref_key, spec in table.items():
        key = f"reference.{ref_key}"
        if not isinstance(spec, dict):
            raise InputError(path, key, "must be a table of metric = value, with label = \"...\"")
        label = spec.get("label", ref_key)
        source = spec.get("source", "")
        if not isinstance(label, str) or not isinstance(source, str):
            raise InputError(path, key, "label and source must be strings")
        values: dict[str, float] = {}
        for metric, value in spec.items():
            if metric in ("label", "source"):
                continue
            _metric_name(path, f"{key}.{metric}", metric)
            values[metric] = _number(path, f"{key}.{metric}", value)
        refs.append(Reference(ref_key, label, values, source))
    return tuple(refs)


def _parse_measure(path: Path, table: dict[str, Any]) -> MeasureOptions:
    for key, value in table.items():
        if key not in _MEASURE_KEYS:
            raise _unknown_key(path, "measure.", key, _MEASURE_KEYS)
        _check_type(path, f"measure.{key}", value, _MEASURE_KEYS[key])
    check_passes(path, table.get("passes", MeasureOptions.passes))
    passes = tuple(table.get("passes", MeasureOptions.passes))
    for name in passes:
        if name not in known_passes():
            raise _unknown_key(path, "measure.passes.", str(name), known_passes())
        if plugin(name).once:  # it measures a whole run at once, from the command line
            raise InputError(path, "measure.passes", f"{name!r} is not a per-scenario pass: it measures every "
                                                     f"scenario of a run at once (agnobench run --{name})")
    check_limits(path, table)
    return MeasureOptions(
        hold=table.get("hold"),
        timeout_s=float(table.get("timeout_s", MeasureOptions.timeout_s)),
        memory_limit_mb=table.get("memory_limit_mb", MeasureOptions.memory_limit_mb),
        passes=passes,
        params=dict(table.get("params", {})),
        pass_params=parse_pass_params(passes, table.get("params", {}), path),
    )


def parse_scenario(data: Mapping[str, Any], path: Path) -> Scenario:
    """Validate a decoded TOML document; raise InputError on the first problem."""
    for key, value in data.items():
        if key not in _TOP_KEYS:
            raise _unknown_key(path, "", key, _TOP_KEYS)
        _check_type(path, key, value, _TOP_KEYS[key])
    for key in _REQUIRED:
        if key not in data:
            raise InputError(path, key, "missing required key")
        if not str(data[key]).strip():
            raise InputError(path, key, "must not be empty")
    if not NAME_PATTERN.match(data["name"]):
        raise InputError(path, "name", f"{data['name']!r} must be letters, digits, '-', '_' or '.'")
    if not NAME_PATTERN.match(data["suite"]):  # `list` prints it, `--suite` selects it: one word
        raise InputError(path, "suite", f"{data['suite']!r} must be letters, digits, '-', '_' or '.'")
    for key in ("operation", "setup", "check"):
        if key in data and not REFERENCE_PATTERN.match(data[key]):
            raise InputError(path, key, f"{data[key]!r} is not of the form 'package.module:function'")
    thresholds: dict[str, float] = {}
    for metric, value in data.get("thresholds", {}).items():
        _metric_name(path, f"thresholds.{metric}", metric)
        thresholds[metric] = check_threshold(path, f"thresholds.{metric}", _number(path, f"thresholds.{metric}", value))
    return Scenario(
        name=data["name"],
        description=data["description"],
        suite=data["suite"],
        operation=data["operation"],
        path=path,
        setup=data.get("setup"),
        check=data.get("check"),
        default=data.get("default", True),
        targets=_parse_targets(path, data.get("targets", {})),
        references=_parse_references(path, data.get("reference", {})),
        thresholds=thresholds,
        measure=_parse_measure(path, data.get("measure", {})),
        requires=parse_requirements(path, data["requires"]) if "requires" in data else None,
        on_request=data.get("on_request") or None,
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate one scenario file."""
    path = Path(path)
    raw = read_regular_file(path)
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(path, None, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, None, f"malformed TOML: {exc}") from None
    return parse_scenario(data, path)
