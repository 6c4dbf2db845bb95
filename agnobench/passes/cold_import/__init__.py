"""The cold-import pass: one import statement in fresh interpreters, start-up subtracted.

Engine: :mod:`agnobench.passes.cold_import.engine`. The scenario's ``operation`` is
not what is timed here (a process that has already imported the framework
cannot measure its cold import): point it at :func:`in_fresh_interpreters`,
and name the statement in ``[measure.params] import_statement``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from agnobench.core.plugin import ParamError, PassContext, PassOutput, PassPlugin
from agnobench.passes.cold_import.sequential import MIN_INTERVAL_SAMPLES, STOP_INTERVAL, StoppingRule
from agnobench.core.metrics import MORE, MetricInfo
from agnobench.core.model import Model

# How a full run sizes its pairs (docs/frameworks.md, *Cold import*): until the median difference's 95 %
# interval lies within ±TARGET_PCT % of it, at least MIN_PAIRS, at most MAX_PAIRS, within BUDGET_S of pairs.
TARGET_PCT = 5.0  # half the gate's 10 % threshold on import_time_ns, so a change the gate would flag falls outside
MIN_PAIRS = MIN_INTERVAL_SAMPLES  # 6: the fewest pairs that have a 95 % interval at all ([min, max], 96.9 %)
MAX_PAIRS = 20  # the old fixed count: a full run never takes more pairs than it used to
BUDGET_S = 30.0  # seconds of pairs per import: 7 imports then stay within ~4 of the suite's 6 minutes
QUICK_PAIRS = 3


@dataclass(frozen=True)
class ColdImportParams:
    import_statement: str = ""  # e.g. "from agno.agent import Agent"
    import_samples: int = 0  # a fixed number of pairs of fresh interpreters; 0: as many as the interval needs
    import_target_pct: float = TARGET_PCT  # stop once the 95 % interval is within ± this % of the median
    import_min_pairs: int = MIN_PAIRS
    import_max_pairs: int = MAX_PAIRS
    import_budget_s: float = BUDGET_S  # seconds of timed pairs; the figure says when it ran out first
    import_top: int = 15  # modules (and packages) kept from -X importtime

    def check(self) -> None:
        if not self.import_statement.strip():
            raise ParamError("import_statement", "must name the import to time, e.g. \"import agno\"")
        try:
            compile(self.import_statement, "import_statement", "exec")
        except SyntaxError as exc:
            raise ParamError("import_statement", f"is not Python: {exc.msg}") from None
        for key in ("import_min_pairs", "import_max_pairs", "import_top"):
            if getattr(self, key) < 1:
                raise ParamError(key, "must be at least 1")
        if self.import_samples < 0:
            raise ParamError("import_samples", "must be 0 (sized by the interval) or a number of pairs")
        if self.import_max_pairs < self.import_min_pairs:
            raise ParamError("import_max_pairs", f"must be at least import_min_pairs ({self.import_min_pairs})")
        if self.import_target_pct <= 0:
            raise ParamError("import_target_pct", "must be above 0 (a fixed count is import_samples)")
        if self.import_budget_s < 0:
            raise ParamError("import_budget_s", "must be 0 (no budget) or more")

    def rule(self) -> StoppingRule:
        if self.import_samples:
            return StoppingRule.fixed(self.import_samples)
        return StoppingRule(self.import_min_pairs, self.import_max_pairs, self.import_target_pct, self.import_budget_s)


def quick(params: ColdImportParams) -> ColdImportParams:
    """--quick is a smoke run: a fixed few pairs, never a measurement (it has no 95 % interval)."""
    return replace(params, import_samples=min(params.import_samples or QUICK_PAIRS, QUICK_PAIRS))


@dataclass
class ImportRowModel(Model):
    module: str = ""
    self_us: int = 0
    cumulative_us: int = 0
    depth: int = 0


@dataclass
class ColdImportResult(Model):
    statement: str = ""
    samples: int = 0  # pairs taken
    importtime_total_us: int = 0  # under -X importtime, which is slower than a plain import
    modules_imported: int = 0  # beyond a bare interpreter's
    top_modules: list[ImportRowModel] = field(default_factory=list)  # by cumulative time
    packages_self_us: dict[str, int] = field(default_factory=dict)  # self time per top-level package
    # The median import time's 95 % interval (order statistics; none under 6 pairs) and how the pairs were sized
    interval_low_ns: float | None = None
    interval_high_ns: float | None = None
    interval_coverage: float | None = None  # the exact coverage of the order statistics used, ≥ 0.95
    interval_pct: float | None = None  # the interval's larger side in % of the median
    target_pct: float = 0.0  # 0: a fixed count of pairs was asked for
    min_pairs: int = 0
    max_pairs: int = 0
    budget_s: float = 0.0
    stopped: str = ""  # interval (target reached), max_pairs or budget (target missed), fixed
    timed_s: float = 0.0  # wall seconds of the timed pairs

    @property
    def target_met(self) -> bool:
        return self.stopped == STOP_INTERVAL


def in_fresh_interpreters() -> None:
    """The operation of a cold-import scenario: nothing in the worker; the pass spawns the interpreters."""


def run(ctx: PassContext[ColdImportParams]) -> PassOutput[ColdImportResult]:
    import os

    from agnobench.passes.cold_import.engine import measure_cold_import

    params: ColdImportParams = ctx.params
    rule = params.rule()
    measured = measure_cold_import(params.import_statement, rule, dict(os.environ), params.import_top, ctx.progress)
    rows = [ImportRowModel(r.module, r.self_us, r.cumulative_us, r.depth) for r in measured.top_modules]
    interval = measured.interval
    return PassOutput(
        samples={"import_time_ns": measured.import_ns, "import_cpu_ns": measured.import_cpu_ns,
                 "interpreter_startup_ns": measured.startup_ns},
        details=ColdImportResult(statement=measured.statement, samples=len(measured.import_ns),
                                 importtime_total_us=measured.importtime_total_us,
                                 modules_imported=measured.modules_imported, top_modules=rows,
                                 packages_self_us=measured.packages_self_us,
                                 interval_low_ns=interval.low if interval else None,
                                 interval_high_ns=interval.high if interval else None,
                                 interval_coverage=round(interval.coverage, 4) if interval else None,
                                 interval_pct=round(interval.half_width_pct, 2) if interval else None,
                                 target_pct=rule.target_pct, min_pairs=rule.min_pairs, max_pairs=rule.max_pairs,
                                 budget_s=rule.budget_s, stopped=measured.stopped, timed_s=measured.timed_s))


PLUGIN = PassPlugin(
    name="cold_import", order=100, run=run, params=ColdImportParams, result=ColdImportResult, quick=quick,
    metrics=(
        MetricInfo("import_time_ns", "ns", "cold import", column=MORE, threshold_pct=10.0,
                   note="cold import: wall time of a fresh interpreter running the import, minus a bare "
                        "interpreter's started alike right beside it (median of the pairs, taken until its 95 % interval "
                        f"is within ±{TARGET_PCT:g} % or a ceiling or budget ends them, which the figure then says)."),
        MetricInfo("import_cpu_ns", "ns", "import CPU", column=MORE, threshold_pct=10.0),
        MetricInfo("interpreter_startup_ns", "ns", "start-up", column=MORE, threshold_pct=10.0),
    ),
    summary="an import statement timed in fresh interpreters, start-up subtracted, with its -X importtime breakdown",
)
