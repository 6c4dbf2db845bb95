"""The pass plugin API: what every kind of measurement (``[measure] passes``) declares.

A pass runs inside the scenario's worker process with the operation ready to
call, forks whatever children it needs, and returns samples per metric plus a
typed result for the report. Everything about it is declared in one
:class:`PassPlugin` in its own module (``agnobench/passes/<name>.py``), listed
once in :mod:`agnobench.measure.registry`; the scenario loader, the worker,
the results file and the reporters loop over the registry and need no edit.

A plugin module must stay light at import: the parent process imports it to
validate a scenario's ``[measure.params]`` and to read results, and must not
import agno, pyperf, memray or the user's code. Import heavy things inside
``run``. See docs/architecture.md for a worked example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from agnobench.measure.settings import MeasureSettings
from agnobench.metrics import MetricInfo


@dataclass(frozen=True)
class NoParams:
    """The params of a pass that takes none."""


@dataclass
class PassContext:
    """What ``run`` gets: the op, the run's settings and the pass's own typed params.

    ``params`` is an instance of the plugin's params dataclass, already
    validated when the scenario file loaded and, under ``--quick``, already
    reduced by the plugin's quick rule. ``raw_params`` is the scenario's whole
    ``[measure.params]`` table, for references resolved at run time.
    """

    name: str
    op: Callable[[], Any]
    settings: MeasureSettings
    params: Any
    hold: int
    progress: Callable[[str], None] = lambda _: None
    raw_params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class PassOutput:
    """Samples per metric name, and the pass's result (an instance of ``PassPlugin.result``)."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    details: Any = None


# What an engine under agnobench/measure hands its plugin's run: samples per metric, details as plain data
# (the plugin types them). Engines never import their plugin module, so nothing imports in a circle.
Measured = tuple[dict[str, list[float]], dict[str, Any]]


def engine(reference: str, result: type) -> Callable[[PassContext], PassOutput]:
    """A ``run`` that calls the engine ``"module:function"`` — ``(ctx, params) -> Measured``, imported on
    first call, in the worker — and types its details as ``result``."""

    def run(ctx: PassContext) -> PassOutput:
        from agnobench.importing import import_reference

        samples, details = import_reference(reference)(ctx, ctx.params)
        return PassOutput(samples=samples, details=result.from_dict(details))  # type: ignore[attr-defined]

    run.__qualname__ = f"engine({reference})"
    return run


def _same(params: Any) -> Any:
    return params


@dataclass(frozen=True)
class PassPlugin:
    """One kind of measurement.

    - ``name``: what a scenario lists in ``[measure] passes``, and the key of
      its output in the results file (``passes.<name>``).
    - ``run(ctx) -> PassOutput``: the measurement (imports heavy modules inside).
    - ``params``: a frozen dataclass of the ``[measure.params]`` keys it reads,
      with defaults; field types are checked at load (``int``, ``float``,
      ``bool``, ``str``, ``list[int]``, ``list[str]``, ``dict[str, str]``,
      ``X | None``). A ``check(self)`` method may raise
      :class:`~agnobench.measure.params.ParamError` for values out of range.
    - ``result``: its details model, a dataclass with ``to_dict``/``from_dict``
      (subclass :class:`agnobench.model.Model`); ``None`` for a plain dict.
    - ``metrics``: metrics only this pass measures (shared ones live in
      :mod:`agnobench.metrics`); each is declared once, in one place.
    - ``quick``: the ``--quick`` rule, params -> smaller params.
    - ``debug``: the ``--debug-single-value`` rule, applied after ``quick``: params -> the least that still
      runs every step of the pass once (one round, one level, the smallest size); by default the quick params.
    - ``sections``: ``"module:function"`` of its report tables, called with one
      suite's results, returning a list of ``Section`` (imported lazily).
    - ``legacy_key``: where an ``agnobench/1`` results file kept its details
      (``details[legacy_key]``); ``None`` means the flat details, read by field.
    """

    name: str
    run: Callable[[PassContext], PassOutput]
    params: type = NoParams
    result: type | None = None
    metrics: tuple[MetricInfo, ...] = ()
    quick: Callable[[Any], Any] = _same
    debug: Callable[[Any], Any] = _same
    sections: str = ""
    legacy_key: str | None = None
    summary: str = ""

    def decode(self, data: Any) -> Any:
        """The typed result of a results file's ``passes.<name>.details``."""
        if self.result is None or not isinstance(data, dict):
            return data
        return self.result.from_dict(data)
