"""The tables: one per suite with that suite's columns, the concurrency matrix, comparisons, the document's arithmetic."""

from __future__ import annotations

from rich.console import Console

from agnobench.reporters.markdown import render_markdown
from agnobench.reporters.sections import build_sections
from agnobench.reporters.table import render_table
from agnobench.results import STATUS_FAILED, Metric, PassRecord, ScenarioResult


def _result(name: str, suite: str, metrics: dict[str, float], **kwargs: object) -> ScenarioResult:
    return ScenarioResult(name=name, suite=suite, metrics={k: Metric.from_samples([v]) for k, v in metrics.items()},
                          **kwargs)  # type: ignore[arg-type]


CREATION = {"time_per_op_ns": 10_000, "time_per_op_rel": 1.0, "retained_bytes_per_op": 3744,
            "allocated_bytes_per_op": 7466, "allocs_per_op": 27, "ops_per_sec": 1e5}
RUN = {"time_per_op_ns": 200_000, "ops_per_sec": 5000, "latency_p50_ns": 190_000, "latency_p95_ns": 250_000,
       "latency_p99_ns": 400_000, "allocated_bytes_per_op": 70_000, "allocs_per_op": 700}
MATRIX = {"cpus": 2, "modes": ["threads", "processes"], "workers": [1, 2], "rounds": 3, "criterion": "the rule",
          "rows": [{"variant": v, "mode": m, "workers": w, "ops_per_sec": 1000.0 * s, "speedup": s,
                    "time_per_op_ns": 1e6 / s, "worker_time_per_op_ns": 1e6 * w / s}
                   for v in ("own", "control") for m, w, s in (("threads", 1, 1.0), ("threads", 2, 0.98),
                                                               ("processes", 1, 1.0), ("processes", 2, 1.9))
                   if v == "own" or m == "processes"],
          "verdicts": [{"variant": "own", "mode": "threads", "verdict": "no scaling", "of_control": 0.5,
                        "control_at": 2},
                       {"variant": "own", "mode": "processes", "verdict": "linear"}],
          "calls_checked": 1234, "crosstalk": 0, "claim_holds_for": ["processes (own)"],
          "headline": {"variant": "own", "mode": "processes", "workers": 2}, "control": {"note": None}}


def _results() -> list[ScenarioResult]:
    return [
        _result("agent-create-simple", "creation", CREATION),
        _result("python-floor", "creation", {**CREATION, "time_per_op_ns": 250}),
        _result("agent-run-simple", "execution", RUN),
        _result("agent-run-broken", "execution", {}, status=STATUS_FAILED, error="RunCheckError: [wrong] answer"),
        _result("parallel-run", "concurrency", {"time_per_op_ns": 5e5, "speedup": 1.9, "efficiency": 0.95},
                passes={"concurrency": PassRecord(details=MATRIX)}),
        _result("batch-create-1000", "realworld", {"total_time_ns": 1.8e7, "total_retained_bytes": 3.6e6,
                                                    "time_per_op_ns": 18_000, "retained_bytes_per_op": 3600},
                references=[{"key": "go-doc", "label": "Go doc", "source": "1,000 × 180 ns",
                             "values": {"total_time_ns": 180_000, "total_retained_bytes": 1_200_000}}],
                passes={"batch": PassRecord(details={"curve": [{"count": 1000, "multiplied_total_ns": 1.5e7, "single_op_ns": 15_000}]})}),
        _result("team-overhead", "realworld", {"time_per_op_ns": 3e6, "baseline_time_ns": 2e5, "overhead_ratio": 15},
                passes={"variants": PassRecord(details={"subject": "team", "baseline": "single", "rows": [
                    {"name": "single", "time_per_op_ns": 2e5, "p95_ns": 3e5, "calls": 10, "gc_per_1k_calls": [0, 0, 0]},
                    {"name": "team", "time_per_op_ns": 3e6, "p95_ns": 4e6, "calls": 10, "gc_per_1k_calls": [100, 0, 0],
                     "vs_baseline": 15.0}]})}),
    ]


def test_one_table_per_suite_with_that_suites_columns() -> None:
    sections = {s.title: s for s in build_sections(_results())}
    creation = sections["creation"]
    assert creation.columns == ["scenario", "time/op", "±", "ops/s", "retained/op", "alloc/op", "allocs/op",
                                "targets", "vs floor"]  # the creation table as before
    execution = sections["execution"]
    assert {"p50", "p95", "p99"} <= set(execution.columns) and "vs floor" not in execution.columns
    assert execution.failed == {1} and "RunCheckError" in " ".join(execution.rows[1])
    assert {"speedup", "efficiency"} <= set(sections["concurrency"].columns)


def test_concurrency_matrix_is_workers_across_and_modes_down() -> None:
    matrix = next(s for s in build_sections(_results()) if s.title == "parallel-run: workers × mode")
    assert matrix.columns[:4] == ["variant", "mode", "1 worker", "2 workers"]
    own_processes = next(r for r in matrix.rows if r[:2] == ["own", "processes"])
    assert own_processes[3] == "1,900/s ×1.90" and own_processes[-1] == "linear"
    own_threads = next(r for r in matrix.rows if r[:2] == ["own", "threads"])
    assert own_threads[-1] == "no scaling (×0.50 of control at 2)"
    assert matrix.rows[-1][0] == "control (pure Python)"
    assert any("1,234 answers checked" in n for n in matrix.notes)


def test_real_world_rows_sit_beside_the_documents_arithmetic() -> None:
    table = next(s for s in build_sections(_results()) if s.title.startswith("Real-world"))
    total = next(r for r in table.rows if r[0] == "batch-create-1000")
    assert total[1] == "total time" and total[3] == "180 µs" and total[4] == "×100"  # 18 ms ÷ 0.18 ms
    assert total[6].startswith("15 ms (1,000 ×")
    team = next(r for r in table.rows if r[0] == "team-overhead")
    assert team[3] == "unbenchmarked"
    comparisons = next(s for s in build_sections(_results()) if s.title.startswith("Comparisons"))
    assert [r[1] for r in comparisons.rows] == ["single", "team ◀"] and comparisons.rows[1][5] == "×15"


def test_both_renderers_show_every_section() -> None:
    results = _results()
    markdown = render_markdown(results)
    console = Console(record=True, width=250)
    render_table(results, console)
    text = console.export_text()
    for section in build_sections(results):
        assert section.title in markdown and section.title in text
    assert "[wrong] answer" in text  # bracketed error text is shown, not parsed as markup
