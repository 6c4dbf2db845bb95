"""The cold-import pass: one import statement in fresh interpreters, start-up subtracted.

Engine: :mod:`agnobench.passes.cold_import.engine`. The scenario's ``operation`` is
not what is timed here (a process that has already imported the framework
cannot measure its cold import): point it at :func:`in_fresh_interpreters`,
and name the statement in ``[measure.params] import_statement``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError, PassContext, PassOutput, PassPlugin
from agnobench.core.metrics import MORE, MetricInfo
from agnobench.core.model import Model

MIN_SAMPLES = 15  # the suite's promise: at least this many pairs in a full run


@dataclass(frozen=True)
class ColdImportParams:
    import_statement: str = ""  # e.g. "from agno.agent import Agent"
    import_samples: int = 20  # pairs of fresh interpreters (start-up, statement)
    import_top: int = 15  # modules (and packages) kept from -X importtime

    def check(self) -> None:
        if not self.import_statement.strip():
            raise ParamError("import_statement", "must name the import to time, e.g. \"import agno\"")
        try:
            compile(self.import_statement, "import_statement", "exec")
        except SyntaxError as exc:
            raise ParamError("import_statement", f"is not Python: {exc.msg}") from None
        if self.import_samples < 1 or self.import_top < 1:
            raise ParamError("import_samples" if self.import_samples < 1 else "import_top", "must be at least 1")


def quick(params: ColdImportParams) -> ColdImportParams:
    """--quick is a smoke run: a few pairs, not the 15+ of a measurement."""
    return replace(params, import_samples=min(params.import_samples, 3))


@dataclass
class ImportRowModel(Model):
    module: str = ""
    self_us: int = 0
    cumulative_us: int = 0
    depth: int = 0


@dataclass
class ColdImportResult(Model):
    statement: str = ""
    samples: int = 0
    importtime_total_us: int = 0  # under -X importtime, which is slower than a plain import
    modules_imported: int = 0  # beyond a bare interpreter's
    top_modules: list[ImportRowModel] = field(default_factory=list)  # by cumulative time
    packages_self_us: dict[str, int] = field(default_factory=dict)  # self time per top-level package


def in_fresh_interpreters() -> None:
    """The operation of a cold-import scenario: nothing in the worker; the pass spawns the interpreters."""


def run(ctx: PassContext[ColdImportParams]) -> PassOutput[ColdImportResult]:
    import os

    from agnobench.passes.cold_import.engine import measure_cold_import

    params: ColdImportParams = ctx.params
    measured = measure_cold_import(params.import_statement, params.import_samples, dict(os.environ),
                                   params.import_top, ctx.progress)
    rows = [ImportRowModel(r.module, r.self_us, r.cumulative_us, r.depth) for r in measured.top_modules]
    return PassOutput(
        samples={"import_time_ns": measured.import_ns, "import_cpu_ns": measured.import_cpu_ns,
                 "interpreter_startup_ns": measured.startup_ns},
        details=ColdImportResult(statement=measured.statement, samples=len(measured.import_ns),
                                 importtime_total_us=measured.importtime_total_us,
                                 modules_imported=measured.modules_imported, top_modules=rows,
                                 packages_self_us=measured.packages_self_us))


PLUGIN = PassPlugin(
    name="cold_import", order=100, run=run, params=ColdImportParams, result=ColdImportResult, quick=quick,
    metrics=(
        MetricInfo("import_time_ns", "ns", "cold import", column=MORE, threshold_pct=10.0,
                   note="cold import: wall time of a fresh interpreter running the import, minus a bare "
                        "interpreter's started alike right beside it (median of the pairs)."),
        MetricInfo("import_cpu_ns", "ns", "import CPU", column=MORE, threshold_pct=10.0),
        MetricInfo("interpreter_startup_ns", "ns", "start-up", column=MORE, threshold_pct=10.0),
    ),
    summary="an import statement timed in fresh interpreters, start-up subtracted, with its -X importtime breakdown",
)
