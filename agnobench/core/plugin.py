"""The pass plugin API: what every kind of measurement (``[measure] passes``) declares.

A pass runs inside the scenario's worker process with the operation ready to
call, forks whatever children it needs, and returns samples per metric plus a
typed result for the report. Everything about it — declaration, engine, text
report and HTML charts — lives in one package, ``agnobench/passes/<name>/``,
whose ``__init__`` exposes ``PLUGIN``; :mod:`agnobench.core.registry` finds it,
and the scenario loader, the worker, the results file and the reporters loop
over the registry and need no edit.

A plugin is generic over its params ``P`` and its result ``R``: ``run`` gets a
``PassContext[P]`` and returns a ``PassOutput[R]``, so the type checker holds
each pass to its own contract and nothing crosses as a loose dict.

A plugin's package must stay light at import: the parent process imports it
to validate a scenario's ``[measure.params]`` and to read results, and must
not import agno, pyperf, memray or the user's code. Import heavy things inside
``run``. See docs/architecture.md for a worked example.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generic, TypeVar

from agnobench.core.metrics import MetricInfo
from agnobench.core.model import Model
from agnobench.core.settings import MeasureSettings


class ParamError(ValueError):
    """A value a params dataclass's ``check`` refuses: ``ParamError("workers", "must be ...")``."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"measure.params.{key}: {message}")
        self.key = key
        self.message = message


@dataclass(frozen=True)
class NoParams:
    """The params of a pass that takes none."""


P = TypeVar("P")
R = TypeVar("R", bound=Model)


@dataclass
class PassContext(Generic[P]):
    """What ``run`` gets: the op, the run's settings and the pass's own typed params.

    ``params`` is an instance of the plugin's params dataclass, already
    validated when the scenario file loaded and, under ``--quick``, already
    reduced by the plugin's quick rule.
    """

    name: str
    op: Callable[[], Any]
    settings: MeasureSettings
    params: P
    hold: int
    progress: Callable[[str], None] = lambda _: None


@dataclass
class PassOutput(Generic[R]):
    """Samples per metric name, and the pass's typed result (an instance of ``PassPlugin.result``)."""

    samples: dict[str, list[float]] = field(default_factory=dict)
    details: R | None = None


def _same(params: P) -> P:
    return params


@dataclass(frozen=True)
class PassPlugin(Generic[P, R]):
    """One kind of measurement.

    - ``name``: what a scenario lists in ``[measure] passes``, and the key of
      its output in the results file (``passes.<name>``).
    - ``run(ctx) -> PassOutput``: the measurement (imports heavy modules inside).
    - ``params``: a frozen dataclass of the ``[measure.params]`` keys it reads,
      with defaults; field types are checked at load (``int``, ``float``,
      ``bool``, ``str``, ``list[int]``, ``list[str]``, ``dict[str, str]``,
      ``X | None``). A ``check(self)`` method may raise
      :class:`ParamError` for values out of range.
    - ``result``: its details model, a dataclass subclassing
      :class:`agnobench.core.model.Model`.
    - ``metrics``: metrics only this pass measures (shared ones live in
      :mod:`agnobench.core.metrics`); each is declared once, in one place.
    - ``quick``: the ``--quick`` rule, params -> smaller params.
    - ``debug``: the ``--debug-single-value`` rule, applied after ``quick``: params -> the least that still
      runs every step of the pass once (one round, one level, the smallest size); by default the quick params.
    - ``order``: its place among passes in reports and in the metric table.
    - ``preload``: the worker server imports its package's ``engine`` once a run,
      so each scenario's worker forks with it loaded (light engines most
      scenarios run; not one that imports a database or a peer framework).
    - ``once``: the pass measures every scenario of a run in one go
      (instruction counting: one callgrind process) through its package's
      ``whole_run.run_once`` (:class:`~agnobench.measure.whole_run.WholeRun`);
      such a pass is chosen by the command line, not by a scenario's
      ``[measure] passes``.

    Its report is found by convention, not named here, so that nothing the
    registry imports reaches a reporter: the package's ``report.py`` defines
    ``sections(results)``, its ``charts.py`` ``suite_charts(suite, results)``
    and ``scenario_charts(result)`` (:mod:`agnobench.reporters.hooks`).
    """

    name: str
    run: Callable[[PassContext[P]], PassOutput[R]]
    params: type[P]
    result: type[R]
    metrics: tuple[MetricInfo, ...] = ()
    quick: Callable[[P], P] = _same
    debug: Callable[[P], P] = _same
    summary: str = ""
    order: int = 100
    once: bool = False
    preload: bool = False

    def decode(self, data: object) -> R:
        """The typed result of a results file's ``passes.<name>.details``."""
        if not isinstance(data, dict):
            raise TypeError(f"pass {self.name}: details must be an object, got {type(data).__name__}")
        built: R = self.result.from_dict(data)
        return built


AnyPlugin = PassPlugin[Any, Any]


def not_in_a_worker(ctx: PassContext[Any]) -> PassOutput[Any]:
    """The ``run`` of a pass that measures a whole run at once (``once``) and is never listed by a scenario."""
    raise TypeError(f"{ctx.name}: this pass runs once for the whole run (agnobench run --instructions), "
                    "not from [measure] passes")
