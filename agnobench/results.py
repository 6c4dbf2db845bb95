"""The results file: schema ``agnobench/2``, validated on load, written atomically.

CI and other tools read these files, so their shape is a contract (see the
README). Loading checks the schema tag and every required key and raises an
:class:`~agnobench.errors.InputError` naming the file and the field, so a
truncated or foreign file never turns into a traceback or a silent pass.

``agnobench/2`` adds ``passes``: each pass's metrics and typed details under its own name, beside
the flat ``metrics`` CI reads (typed by :mod:`agnobench.core.pass_records`); an ``agnobench/1`` file (agnobench
0.1) is refused with a line that says so.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

from agnobench.atomicfile import write_atomic
from agnobench.errors import InputError
from agnobench.inputfile import parse_json, read_text
from agnobench.core.pass_records import decode_details, encode_details
from agnobench.stats import summarize

SCHEMA = "agnobench/2"
OLD_SCHEMAS = ("agnobench/1",)  # agnobench 0.1's flat details: not read any more, said so
STATUS_OK = "ok"
STATUS_FAILED = "failed"
STATUS_SKIPPED = "skipped"  # its [requires] are not installed: no figures, not a failure
STATUSES = (STATUS_OK, STATUS_FAILED, STATUS_SKIPPED)


@dataclass
class Metric:
    """One metric of one scenario: its summary and the raw samples behind it."""

    median: float
    samples: list[float] = field(default_factory=list)
    mean: float | None = None
    stdev: float | None = None
    mad: float | None = None
    min: float | None = None
    max: float | None = None
    unit: str = ""

    @classmethod
    def from_samples(cls, samples: list[float], unit: str = "") -> "Metric":
        s = summarize(samples)
        return cls(median=s["median"], samples=[float(x) for x in samples], mean=s["mean"],
                   stdev=s["stdev"], mad=s["mad"], min=s["min"], max=s["max"], unit=unit)

    @classmethod
    def single(cls, value: float, unit: str = "") -> "Metric":
        """A derived figure with no samples of its own (e.g. ops/s from time/op)."""
        return cls(median=float(value), unit=unit)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"median": self.median}
        for key in ("mean", "stdev", "mad", "min", "max"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        out["samples"] = self.samples
        if self.unit:
            out["unit"] = self.unit
        return out


@dataclass
class TargetResult:
    metric: str
    value: float
    met: bool
    min: float | None = None
    max: float | None = None

    @property
    def ratio(self) -> float | None:
        """Measured value over the bound it is held to (>1 misses a max)."""
        bound = self.max if self.max is not None else self.min
        return self.value / bound if bound else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"metric": self.metric}
        if self.min is not None:
            out["min"] = self.min
        if self.max is not None:
            out["max"] = self.max
        out.update(value=self.value, met=self.met, ratio=self.ratio)
        return out


@dataclass
class PassRecord:
    """One pass's output in one scenario: its own metrics and its typed result (details)."""

    metrics: dict[str, Metric] = field(default_factory=dict)
    details: Any = None  # an instance of the plugin's result model; a dict for a pass not registered here
    wall_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"metrics": {k: m.to_dict() for k, m in self.metrics.items()},
                "details": encode_details(self.details), "wall_s": self.wall_s}


@dataclass
class ScenarioResult:
    name: str
    suite: str
    status: str = STATUS_OK
    error: str | None = None
    description: str = ""
    metrics: dict[str, Metric] = field(default_factory=dict)
    targets: list[TargetResult] = field(default_factory=list)
    references: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # about the scenario, not one pass (bad_input, ...)
    wall_s: float | None = None
    passes: dict[str, PassRecord] = field(default_factory=dict)  # pass name -> its own output

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    @property
    def failed(self) -> bool:
        return self.status == STATUS_FAILED

    @property
    def skipped(self) -> bool:
        return self.status == STATUS_SKIPPED

    @property
    def skip_message(self) -> str:
        """What is missing and the exact install line (details["requires"], written by the runner)."""
        needs = self.details.get("requires") or {}
        missing = ", ".join(needs.get("missing", [])) or "a dependency"
        return f"needs {missing}: {needs.get('install', '')}".rstrip(": ")

    def result_of(self, pass_name: str) -> Any:
        """The typed result (``PassPlugin.result``) of one pass, or None when it did not run."""
        record = self.passes.get(pass_name)
        if record is None:
            return None
        if isinstance(record.details, dict):  # built by hand (tests, tools): typed on first use
            record.details = decode_details(pass_name, record.details)
        return record.details

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "suite": self.suite,
            "description": self.description,
            "status": self.status,
            "error": self.error,
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
            "targets": [t.to_dict() for t in self.targets],
            "references": self.references,
            "details": self.details,
            "wall_s": self.wall_s,
            "passes": {name: record.to_dict() for name, record in self.passes.items()},
        }


@dataclass
class ResultsFile:
    environment: dict[str, Any]
    scenarios: list[ScenarioResult]
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    settings: dict[str, Any] = field(default_factory=dict)
    schema: str = SCHEMA

    def scenario(self, name: str) -> ScenarioResult | None:
        return next((s for s in self.scenarios if s.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": self.schema,
            "created": self.created,
            "environment": self.environment,
            "settings": self.settings,
            "scenarios": [s.to_dict() for s in self.scenarios],
        }


def save_results(results: ResultsFile, path: str | Path, *, exclusive: bool = False) -> Path:
    """Write atomically (see :mod:`agnobench.atomicfile`): a reader sees the old file or the new one.

    ``exclusive`` claims a new name and raises FileExistsError if it is taken,
    so two runs started at the same moment never write the same file.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    json.dump(results.to_dict(), text, indent=1)
    text.write("\n")
    return write_atomic(path, text.getvalue().encode("utf-8"), exclusive=exclusive)


# ---- loading -------------------------------------------------------------

def _require(data: Mapping[str, Any], key: str, kind: type | tuple[type, ...], path: Path, where: str) -> Any:
    if key not in data:
        raise InputError(path, f"{where}{key}", "missing")
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,))):
        raise InputError(path, f"{where}{key}", f"has the wrong type ({type(value).__name__})")
    return value


def _metric_from_dict(data: Any, path: Path, where: str) -> Metric:
    if not isinstance(data, dict):
        raise InputError(path, where, "must be an object")
    median = _require(data, "median", (int, float), path, where + ".")
    samples = data.get("samples", [])
    if not isinstance(samples, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in samples):
        raise InputError(path, f"{where}.samples", "must be a list of numbers")
    optional = {k: float(data[k]) for k in ("mean", "stdev", "mad", "min", "max")
                if isinstance(data.get(k), (int, float))}
    return Metric(median=float(median), samples=[float(x) for x in samples], unit=str(data.get("unit", "")), **optional)


def _scenario_from_dict(data: Any, path: Path, index: int) -> ScenarioResult:
    where = f"scenarios[{index}]."
    if not isinstance(data, dict):
        raise InputError(path, where[:-1], "must be an object")
    name = _require(data, "name", str, path, where)
    where = f"scenarios[{name}]."
    status = _require(data, "status", str, path, where)
    if status not in STATUSES:
        raise InputError(path, f"{where}status", f"unknown status {status!r}")
    metrics_raw = _require(data, "metrics", dict, path, where)
    metrics = {k: _metric_from_dict(v, path, f"{where}metrics.{k}") for k, v in metrics_raw.items()}
    targets = []
    for t in data.get("targets", []) or []:
        if not isinstance(t, dict) or "metric" not in t or "value" not in t:
            raise InputError(path, f"{where}targets", "each target needs metric and value")
        targets.append(TargetResult(metric=t["metric"], value=float(t["value"]), met=bool(t.get("met")),
                                    min=t.get("min"), max=t.get("max")))
    details = dict(data.get("details", {}) or {})
    passes = _passes_from_dict(data.get("passes") or {}, path, f"{where}passes")
    return ScenarioResult(
        name=name, suite=str(data.get("suite", "")), status=status, error=data.get("error"),
        description=str(data.get("description", "")), metrics=metrics, targets=targets,
        references=list(data.get("references", []) or []), details=details,
        wall_s=data.get("wall_s"), passes=passes,
    )


def _passes_from_dict(data: Any, path: Path, where: str) -> dict[str, PassRecord]:
    if not isinstance(data, dict) or not all(isinstance(raw, dict) for raw in data.values()):
        raise InputError(path, where, "must be an object of pass name -> {metrics, details, wall_s}")
    passes = {}
    for name, raw in data.items():
        metrics = {k: _metric_from_dict(v, path, f"{where}.{name}.metrics.{k}")
                   for k, v in _require(raw, "metrics", dict, path, f"{where}.{name}.").items()}
        try:
            details = decode_details(name, raw.get("details"))
        except (TypeError, ValueError) as exc:
            raise InputError(path, f"{where}.{name}.details", f"does not fit the pass's result: {exc}") from None
        passes[name] = PassRecord(metrics=metrics, details=details, wall_s=raw.get("wall_s"))
    return passes


def results_from_dict(data: Any, path: str | Path) -> ResultsFile:
    path = Path(path)
    if not isinstance(data, dict):
        raise InputError(path, None, "not an agnobench results file (top level is not an object)")
    schema = data.get("schema")
    if schema in OLD_SCHEMAS:
        raise InputError(path, "schema", f"{schema!r} was written by agnobench 0.1, whose results this version "
                                         f"does not read: measure again with this version")
    if schema != SCHEMA:
        raise InputError(path, "schema", f"expected {SCHEMA!r}, found {schema!r}: not an agnobench results file")
    environment = _require(data, "environment", dict, path, "")
    created = _require(data, "created", str, path, "")
    scenarios_raw = _require(data, "scenarios", list, path, "")
    scenarios = [_scenario_from_dict(s, path, i) for i, s in enumerate(scenarios_raw)]
    return ResultsFile(environment=environment, scenarios=scenarios, created=created,
                       settings=dict(data.get("settings", {}) or {}))


def load_results(path: str | Path) -> ResultsFile:
    """Read a results file; a missing, truncated, foreign, non-regular, huge or absurdly nested file raises
    InputError (:mod:`agnobench.inputfile`)."""
    path = Path(path)
    return results_from_dict(parse_json(read_text(path), path), path)
