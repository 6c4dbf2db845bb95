"""The frameworks tables: framework × measure with each cell's ratio to Agno, and where cold imports go.

Scenarios join the table by name, ``<framework>-<measure>`` (``langgraph-run-tool``,
``crewai-import``): the frameworks and measures below. A user's own scenario
named that way lands in the same table. Ratios are against Agno's cell in the
same run: time ratios use the kernel-normalised time when both sides have it,
so a machine that changed speed between the two scenarios does not move them.
Agno's own published v3 figures (the scenarios' ``[reference.agno-v3]``) follow
as reference rows, labelled as measured on another machine.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from agnobench.passes.cold_import.sequential import MIN_INTERVAL_SAMPLES, STOP_BUDGET, STOP_MAX_PAIRS
from agnobench.passes.cold_import import ColdImportResult
from agnobench.reporters.format import format_ns, format_ratio, format_value
from agnobench.reporters.rows import time_ratio
from agnobench.reporters.section import Section
from agnobench.results import ScenarioResult

AGNO = "agno"
FRAMEWORKS = {"agno": "Agno", "langgraph": "LangGraph", "pydantic-ai": "PydanticAI", "crewai": "CrewAI",
              "openai-agents": "OpenAI Agents SDK", "smolagents": "smolagents"}
REFERENCE_KEY = "agno-v3"


@dataclass(frozen=True)
class Measure:
    suffix: str  # the scenario name's ending
    header: str
    metric: str


MEASURES = (
    Measure("create-tool", "construction", "time_per_op_ns"),
    Measure("run", "run", "time_per_op_ns"),
    Measure("run-tool", "tool run", "time_per_op_ns"),
    Measure("conversation-5", "5-turn", "time_per_op_ns"),
    Measure("create-tool", "memory/agent", "retained_bytes_per_op"),
    Measure("import", "cold import", "import_time_ns"),
)
NOTES = [
    "× = this framework's figure ÷ Agno's in the same run (time: both first divided by the reference kernel "
    "timed beside them); lower is better for every column. Times are the suite table's time/op (docs/timing.md).",
    "construction: one agent with one tool, the offline model and the tool built once and shared; memory/agent: "
    "bytes each live agent of that construction retains; run, tool run, 5-turn: one op each, every op checked "
    "(reply, tool result reaching the model's second turn, every earlier turn reaching the model).",
    "cold import: the framework's agent entry point in fresh interpreters, interpreter start-up subtracted; "
    "± its 95 % interval in % of it, ! when that missed its target (the Cold imports table says why).",
]


def _split(name: str) -> tuple[str, Measure] | None:
    for key in FRAMEWORKS:
        for measure in MEASURES:
            if name == f"{key}-{measure.suffix}":
                return key, measure
    return None


def _grid(results: Sequence[ScenarioResult]) -> dict[tuple[str, str], ScenarioResult]:
    """(framework, scenario suffix) -> result."""
    grid: dict[tuple[str, str], ScenarioResult] = {}
    for result in results:
        found = _split(result.name)
        if found:
            grid[(found[0], found[1].suffix)] = result
    return grid


def _ratio(result: ScenarioResult, agno: ScenarioResult | None, metric: str) -> float | None:
    if agno is None or not agno.ok or result is agno:
        return None
    if metric == "time_per_op_ns":
        return time_ratio(result, agno)
    mine, theirs = result.metrics.get(metric), agno.metrics.get(metric)
    return mine.median / theirs.median if mine and theirs and theirs.median else None


def _cell(result: ScenarioResult | None, agno: ScenarioResult | None, measure: Measure) -> str:
    if result is None:
        return "—"
    if result.skipped:
        return "skipped"
    if not result.ok:
        return "FAILED"
    metric = result.metrics.get(measure.metric)
    if measure.metric == "time_per_op_ns":  # the timing pass's headline where it has one, as the suite table
        metric = result.metrics.get("time_per_op_best_ns") or metric
    if metric is None:
        return "—"
    ratio = _ratio(result, agno, measure.metric)
    text = format_value("B" if measure.metric.endswith("bytes_per_op") else "ns", metric.median)
    if measure.metric == "import_time_ns":
        text += _interval_mark(result.result_of("cold_import"))
    return f"{text} {format_ratio(ratio)}" if ratio is not None else text


def _interval_mark(details: ColdImportResult | None) -> str:
    """`` ±3 %`` for a cold import whose interval reached its target, `` ±9 %!`` for one that did not."""
    if details is None or not details.stopped:  # a results file from before pairs were sized: no interval kept
        return ""
    if details.interval_pct is None:
        return " (no interval)"
    missed = "!" if details.target_pct and not details.target_met else ""
    return f" ±{details.interval_pct:.0f} %{missed}"


def interval_text(details: ColdImportResult) -> str:
    """The cold import's 95 % interval, its pairs, and how they were sized: never a missed target shown as met."""
    pairs = f"{details.samples} pairs"
    if not details.stopped:
        return f"— ({pairs})"
    if details.interval_pct is None:
        return f"none ({pairs}: an interval needs {MIN_INTERVAL_SAMPLES})"
    assert details.interval_low_ns is not None and details.interval_high_ns is not None
    text = (f"{format_ns(details.interval_low_ns)} – {format_ns(details.interval_high_ns)} "
            f"(±{details.interval_pct:.1f} %, {pairs}")
    if not details.target_pct:
        return text + ", fixed count)"
    if details.target_met:
        return text + f", target ±{details.target_pct:g} % reached)"
    why = {STOP_MAX_PAIRS: f"{details.max_pairs} pairs taken", STOP_BUDGET: f"{details.budget_s:g} s budget spent"}
    return text + f"; target ±{details.target_pct:g} % NOT reached: {why.get(details.stopped, details.stopped)})"


def _reference(result: ScenarioResult | None, metric: str) -> tuple[float, str] | None:
    for ref in (result.references if result else []):
        if ref.get("key") == REFERENCE_KEY and metric in ref.get("values", {}):
            return float(ref["values"][metric]), str(ref.get("label", REFERENCE_KEY))
    return None


def _reference_rows(grid: dict[tuple[str, str], ScenarioResult]) -> tuple[list[list[str]], str]:
    rows, label = [], ""
    for key, name in FRAMEWORKS.items():
        row, found = [name], False
        for measure in MEASURES:
            ours = _reference(grid.get((key, measure.suffix)), measure.metric)
            agno = _reference(grid.get((AGNO, measure.suffix)), measure.metric)
            if ours is None:
                row.append("—")
                continue
            found, label = True, ours[1]
            text = format_ns(ours[0])
            row.append(f"{text} {format_ratio(ours[0] / agno[0])}" if agno and key != AGNO else text)
        if found:
            rows.append(row)
    return rows, label


def frameworks_sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """The comparison table (this run, then the published reference rows) and the cold-import breakdown."""
    grid = _grid(results)
    if not grid:
        return []
    columns = ["framework"] + [m.header for m in MEASURES]
    rows = []
    for key, name in FRAMEWORKS.items():
        if not any(k == key for k, _ in grid):
            continue
        rows.append([name] + [_cell(grid.get((key, m.suffix)), grid.get((AGNO, m.suffix)), m) for m in MEASURES])
    notes = list(NOTES)
    reference_rows, label = _reference_rows(grid)
    if reference_rows:
        notes.append(f"reference rows ({label}): Agno's own published comparison, measured with one-shot scripts "
                     "on someone else's machine; its ratios are within those rows only. It has no memory/agent for "
                     "the peers, no tool run for CrewAI, and no OpenAI Agents SDK or smolagents.")
        rows += [[f"{row[0]} (reference)"] + row[1:] for row in reference_rows]
    right = set(range(1, len(columns)))
    sections = [Section(title="Frameworks side by side (× = ÷ Agno in the same run)", columns=columns, rows=rows,
                        right=right, notes=notes)]
    return sections + import_breakdown(results)


def import_breakdown(results: Sequence[ScenarioResult], per_scenario: int = 5) -> list[Section]:
    """Per cold import: its figures and self time by package; then its top modules by cumulative time."""
    summary, modules = [], []
    for result in results:
        details = result.result_of("cold_import") if result.ok else None
        if details is None:
            continue
        figures = [result.metrics.get(m) for m in ("import_time_ns", "import_cpu_ns", "interpreter_startup_ns")]
        packages = " · ".join(f"{name} {format_ns(us * 1e3)}" for name, us in list(details.packages_self_us.items())[:4])
        summary.append([result.name, details.statement] + [format_ns(m.median) if m else "—" for m in figures]
                       + [interval_text(details), str(details.modules_imported), packages])
        for index, row in enumerate(details.top_modules[:per_scenario]):
            modules.append([result.name if index == 0 else "", "  " * row.depth + row.module,
                            format_ns(row.cumulative_us * 1e3), format_ns(row.self_us * 1e3)])
    if not summary:
        return []
    return [
        Section(title="Cold imports (fresh interpreters, start-up subtracted)",
                columns=["scenario", "statement", "import", "CPU", "start-up", "import: 95 % interval",
                         "modules", "self time by package"],
                rows=summary, right={2, 3, 4, 6}, wrap=7, notes=[
                    "import: wall time of the statement's interpreter minus a bare one's started alike beside it "
                    "(median of the pairs); CPU: the same pairs' user + system time, steadier on a busy machine.",
                    "95 % interval: of the median import, from order statistics (distribution-free); pairs are "
                    "taken until it lies within the target (± % of the median), between a floor and a ceiling "
                    "and within a time budget; NOT reached says the ceiling or the budget came first.",
                    "modules, self time by package: one -X importtime run (slower than a plain import), leaving "
                    "out what a bare interpreter imports anyway."]),
        Section(title=f"Cold imports: top {per_scenario} modules by cumulative time (-X importtime)",
                columns=["scenario", "module", "cumulative", "self"], rows=modules, right={2, 3},
                notes=["cumulative includes everything the module imported (so a parent holds its children); "
                       "the results file keeps the top 15."]),
    ]


def sections(results: Sequence[ScenarioResult]) -> list[Section]:
    """This package's tables for one suite (found by :mod:`agnobench.reporters.hooks`)."""
    return frameworks_sections(results)
