"""Terminal tables fit the terminal: numbers whole with their units, columns dropped by priority, the verdict
never cut, --wide brings every column back; noise shown as "not measurable here"."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from agnobench.compare import compare_results
from agnobench.reporters.compare_table import render_compare_table
from agnobench.reporters.fit import fit_columns, table_width
from agnobench.reporters.table import render_table
from agnobench.results import STATUS_FAILED, Metric, PassRecord, ScenarioResult
from gate_files import noisy, results, scenario

LONG_ERROR = "RecallError: recall@5 0.62 below min_recall 0.9 at 100,000 vectors; " * 6
NUMBER_WITH_UNIT = re.compile(r"\d[\d,.]* ?(µs|ms|ns|s|B|KiB|MiB)\b")


def _timed(name: str, best: float, wall: float, retained: float = 3744.0) -> ScenarioResult:
    facts = {"pairs_per_process": 90, "rerun_pct": 0.8, "speed_min": 0.9, "speed_max": 1.0,
             "machine": {"best_ns": 14_000.0, "best_before_ns": 14_000.0, "path": "/cache/m.json"}}
    metrics = {"time_per_op_ns": Metric.from_samples([wall]), "time_per_op_best_ns": Metric.from_samples([best]),
               "time_per_op_rel": Metric.from_samples([best / 14_000]), "ops_per_sec": Metric.from_samples([1e9 / wall]),
               "machine_speed": Metric.from_samples([0.9, 1.0]),
               "retained_bytes_per_op": Metric.from_samples([retained]),
               "allocated_bytes_per_op": Metric.from_samples([7464.0]), "allocs_per_op": Metric.from_samples([27.0])}
    return ScenarioResult(name=name, suite="creation", metrics=metrics,
                          passes={"timing": PassRecord(metrics=metrics, details=facts)})


def _render(scenarios, width: int, wide: bool = False) -> str:
    console = Console(width=width, record=True, color_system=None)
    render_table(scenarios, console, wide=wide)
    return console.export_text()


def _table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line[:1] in "┏┃┡│└"]


@pytest.mark.parametrize("width", [80, 100, 140])
def test_suite_table_fits_and_keeps_every_number_whole(width: int) -> None:
    failed = ScenarioResult(name="knowledge-query-chroma-100k", suite="creation", status=STATUS_FAILED,
                            error=LONG_ERROR)
    text = _render([_timed("agent-create-simple", 11_800, 20_000), _timed("agent-create-tools", 12_400, 22_000),
                    failed], width)
    lines = _table_lines(text)
    assert lines and all(len(line) <= width for line in lines)
    assert "…" not in "\n".join(lines)  # nothing cut: a number is shown whole or its column is left out
    row = next(line for line in lines if "agent-create-simple" in line)
    assert "11.8 µs" in row  # the headline figure, with its unit, at every width
    assert "retained/op ✗" not in row  # (no targets here) the targets column is there:
    assert "targets" in next(line for line in lines if line.startswith("┃"))
    assert "RecallError" in text  # the long error folds inside its column instead of collapsing the others
    cells = [c.strip() for c in row.split("│") if c.strip()]
    assert all(NUMBER_WITH_UNIT.fullmatch(c) or not re.search(r"\d", c) or "%" in c or c[0] in "×0123456789"
               for c in cells)


def test_columns_drop_by_priority_and_wide_brings_them_back() -> None:
    scenarios = [_timed("agent-create-simple", 11_800, 20_000)]
    narrow = _render(scenarios, 80)
    header = next(line for line in _table_lines(narrow) if line.startswith("┃"))
    assert "wall/op" not in header  # one figure per op by default
    assert "ops/s" not in header  # time/op restated: the first to go
    assert "not shown at this width" in narrow and "--wide" in narrow
    wide = _render(scenarios, 80, wide=True)
    wide_header = next(line for line in _table_lines(wide) if line.startswith("┃"))
    for column in ("wall/op", "ops/s", "retained/op", "alloc/op", "allocs/op", "speed", "targets"):
        assert column in wide_header
    assert "20 µs" in wide


def test_fit_never_drops_the_protected_columns() -> None:
    headers = ["name", "a", "b", "c", "verdict"]
    rows = [["x" * 10, "1" * 30, "2" * 30, "3" * 30, "regression"]]
    fit = fit_columns(headers, rows, 60, keep=[1], folds=[4])
    assert fit.shown == [0, 1, 4] and fit.dropped == [2, 3]
    assert fit.total(fit.shown, [4]) <= 60
    assert table_width([3, 4]) == 3 + 4 + 2 * 3 + 1


@pytest.mark.parametrize("width", [80, 100, 140])
def test_compare_table_keeps_the_verdict_whole(width: int) -> None:
    base = results(scenario("agent-create-simple-with-a-long-name", rel=noisy(0.75, seed=1)))
    cur = results(scenario("agent-create-simple-with-a-long-name", rel=[v * 1.2 for v in noisy(0.75, seed=2)]))
    console = Console(width=width, record=True, color_system=None)
    render_compare_table(compare_results(base, cur), console)
    text = console.export_text()
    lines = _table_lines(text)
    assert all(len(line) <= width for line in lines) and "…" not in "\n".join(lines)
    assert "✗ regression" in text and "+20" in text


def test_negative_memory_and_huge_spread_are_not_measurable_here() -> None:
    noisy_memory = _timed("agent-create-memory", 11_800, 20_000, retained=-291_840.0)
    noisy_memory.passes["timing"].details["rerun_pct"] = 154.7
    text = _render([noisy_memory], 140, wide=True)
    row = next(line for line in _table_lines(text) if "agent-create-memory" in line)
    assert "n/m" in row and "-285 KiB" not in row and "154.7" not in row
    assert "not measurable here: agent-create-memory's retained/op" in text.replace("\n", " ")
    assert "±155 %: the spread is larger than the figure itself" in text.replace("\n", " ")


def test_the_html_creation_chart_plots_time_per_op_not_wall() -> None:
    from agnobench.reporters.html.data import metric_chart

    chart = metric_chart("creation", [_timed("agent-create-simple", 11_800, 20_000)], "time_per_op_ns")
    assert chart is not None and chart.label == "time/op"
    assert [bar.value for bar in chart.bars] == [11_800]  # the headline, not the 20 µs wall time


def test_compare_table_leaves_restated_rows_to_wide() -> None:
    base = results(scenario("a", rel=noisy(0.75, seed=1), ref_kernel_ns=noisy(10_000.0, seed=1)))
    comparison = compare_results(base, base)
    narrow = Console(width=140, record=True, color_system=None)
    render_compare_table(comparison, narrow)
    text = narrow.export_text()
    assert "time/kernel" in text and "│ kernel" not in text and "1 row(s) restating" in text
    wide = Console(width=140, record=True, color_system=None)
    render_compare_table(comparison, wide, wide=True)
    assert "│ kernel" in wide.export_text()


@pytest.mark.parametrize("width", [80, 100, 140])
def test_report_side_by_side_keeps_ratios_whole(width: int) -> None:
    from agnobench.reporters.report_table import render_report_table
    from agnobench.reporters.side_by_side import LabelledResults, build_side_by_side

    files = [LabelledResults(f"round-{i}", f"r{i}.json",
                             results(scenario("agent-create-simple", time=noisy(11_800.0 * (1 + i / 10), seed=i))))
             for i in range(6)]
    console = Console(width=width, record=True, color_system=None)
    render_report_table(build_side_by_side(files), [], console)
    text = console.export_text()
    lines = _table_lines(text)
    assert all(len(line) <= width for line in lines) and "…" not in "\n".join(lines)
    assert "(×1.1" in text  # the second file's ratio, whole
    assert ("not shown at this width" in text) == (width < 140)  # 6 files fit at 140 columns, not at 100
