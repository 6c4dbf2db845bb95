"""The HTML report: built from a results file, opened in real headless Chromium.

The browser tests check what a reader would: every chart drawn (plotly's SVG
and traces are in the DOM after load), no request left the page, nothing went
to the console as an error. They skip, with one line saying why, where
Chromium (or the DevTools client) is absent; CI installs Chromium.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from agnobench.passes.batch.charts import scaling_curve
from agnobench.passes.cold_import.charts import framework_charts
from agnobench.passes.concurrency.charts import concurrency_chart
from agnobench.passes.service.charts import saturation_series
from agnobench.reporters.html.data import metric_chart
from agnobench.reporters.html.report import build_parts, render_run_html
from agnobench.reporters.sections import build_sections
from agnobench.passes.service.results import ServiceResult
from agnobench.results import Metric, PassRecord, ScenarioResult, load_results, save_results
from browser import find_chromium, open_page
from conftest import TESTS_DIR, run_cli
from gate_files import invoke, noisy, scenario, write

DATA = TESTS_DIR / "data"
REAL_RUN = DATA / "run-quick.json"  # a real quick run, trimmed

pytest.importorskip("plotly", reason="the HTML report needs plotly: pip install -e '.[html]'")


def _browser_or_skip() -> None:
    if find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium): the HTML report is not opened")
    pytest.importorskip("websocket", reason="websocket-client is missing (pip install -e '.[dev]')")


def _assert_clean(page_path: Path, min_charts: int) -> dict:
    report = open_page(page_path)
    assert report.errors == [], report.errors
    assert report.requests == [page_path.resolve().as_uri()], report.requests  # the page itself, nothing else
    charts = report.charts
    assert charts["total"] >= min_charts, charts
    assert charts["drawn"] == charts["total"] and charts["missing"] == [], charts
    assert charts["rendered"] == str(charts["total"]), charts
    return charts


def _service(name: str, per_level_rps: list[float]) -> ScenarioResult:
    """The service pass's details as its typed result writes them (runs → levels → load)."""
    levels = [{"load": {"generator": "wrk", "connections": c, "duration_s": 2.0, "good": int(rps * 2),
                        "latency": {"p50": 1e6 * c / rps * 1000, "p99": 3e6 * c / rps * 1000}}}
              for c, rps in zip([1, 10, 100], per_level_rps)]
    details = ServiceResult.from_dict({"runs": [{"workers": 1, "generator": "wrk", "levels": levels}]})
    return ScenarioResult(name=name, suite="service", metrics={"requests_per_sec": Metric.single(max(per_level_rps))},
                          passes={"service": PassRecord(details=details)})


def _framework(name: str, time_ns: float) -> ScenarioResult:
    return ScenarioResult(name=name, suite="frameworks", metrics={"time_per_op_ns": Metric.from_samples([time_ns] * 3)})


def with_new_suites(path: Path) -> Path:
    results = load_results(REAL_RUN)
    results.scenarios += [_service("service-control", [900.0, 4000.0, 4100.0]),
                          _service("service-agentos", [300.0, 700.0, 720.0]),
                          _framework("agno-run", 65_000.0), _framework("langgraph-run", 303_000.0)]
    save_results(results, path)
    return path


def test_service_and_framework_accessors(tmp_path: Path) -> None:
    results = load_results(with_new_suites(tmp_path / "r.json")).scenarios
    series = saturation_series(next(r for r in results if r.name == "service-agentos"))
    assert len(series) == 1 and series[0].concurrency == [1.0, 10.0, 100.0]
    assert series[0].requests_per_sec == pytest.approx([300.0, 700.0, 720.0])
    charts = framework_charts(results)
    assert [(c.measure, c.frameworks) for c in charts] == [("run", ["agno", "langgraph"])]


def test_accessors_read_a_real_quick_run() -> None:
    results = load_results(REAL_RUN).scenarios
    by_name = {r.name: r for r in results}
    creation = [r for r in results if r.suite == "creation"]
    chart = metric_chart("creation", creation, "time_per_op_ns")
    assert chart is not None and [b.scenario for b in chart.bars] == ["agent-create-simple", "python-floor"]
    assert chart.not_measured == ["broken-one (failed)"]
    assert {m.value for m in chart.targets} == {1000.0}
    assert "Agno-Go (document, Apple M3)" in chart.references
    matrix = concurrency_chart(by_name["parallel-run"])
    assert matrix is not None and any(s.control for s in matrix.series)
    assert {(s.variant, s.mode) for s in matrix.series} >= {("shared-agent", "threads"), ("control", "processes")}
    assert all(len(s.workers) == len(s.speedups) for s in matrix.series) and matrix.ideals
    curve = scaling_curve(by_name["scaling-curve"])
    assert curve is not None and curve.counts == sorted(curve.counts) and len(curve.counts) >= 2


def test_every_section_is_on_the_page_beside_its_charts() -> None:
    results = load_results(REAL_RUN)
    html = render_run_html(results, str(REAL_RUN))
    for section in build_sections(results.scenarios):
        assert section.title.replace("&", "&amp;").replace("'", "&#x27;") in html
        for note in section.notes[:1]:
            assert note.split(":")[0] in html
    parts = {p.suite: p for p in build_parts(results.scenarios)}
    assert set(parts) >= {"creation", "execution", "concurrency", "realworld"}
    assert any(s.title.startswith("parallel-run:") for s in parts["concurrency"].sections)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "https://cdn" not in html.split("<script>", 1)[0]  # nothing before the inlined bundle points outside


def test_report_html_opens_offline_in_chromium(tmp_path: Path) -> None:
    _browser_or_skip()
    source = with_new_suites(tmp_path / "r.json")  # every kind of chart: suites, matrix, curve, saturation, frameworks
    out = tmp_path / "report.html"
    result = invoke("report", str(source), "--html", str(out))
    assert result.returncode == 0, result.stderr
    charts = _assert_clean(out, min_charts=12)
    assert charts["tables"] >= len(build_sections(load_results(source).scenarios))
    html = out.read_text(encoding="utf-8")
    assert "service (all servers): saturation" in html and "frameworks: run" in html


def test_compare_html_opens_offline_in_chromium(tmp_path: Path) -> None:
    _browser_or_skip()
    base = write(tmp_path / "base.json", scenario("agent-create-simple", time=noisy(1000.0), rel=noisy(1.0)))
    cur = write(tmp_path / "cur.json", scenario("agent-create-simple", time=noisy(1300.0), rel=noisy(1.3)))
    out = tmp_path / "compare.html"
    result = invoke("compare", str(base), str(cur), "--html", str(out))
    assert result.returncode == 1  # the regression still fails the gate; the page is written all the same
    assert "regression" in out.read_text(encoding="utf-8")
    _assert_clean(out, min_charts=1)


@pytest.mark.e2e
def test_run_html_from_a_real_run(tmp_path: Path) -> None:
    _browser_or_skip()
    out = tmp_path / "run.html"
    result = run_cli("run", "python-floor", "--debug-single-value", "-o", str(tmp_path / "r.json"), "--html", str(out),
                     cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "python-floor" in out.read_text(encoding="utf-8")
    _assert_clean(out, min_charts=2)


def test_the_browser_check_sees_requests_and_errors(tmp_path: Path) -> None:
    """The harness itself: a page that asks for something and logs an error is caught (loopback only)."""
    _browser_or_skip()
    page = tmp_path / "bad.html"
    page.write_text('<html><body><img src="http://127.0.0.1:9/x.png"><div class="chart" id="c"></div>'
                    '<script>console.error("deliberate")</script></body></html>')
    report = open_page(page, timeout_s=5)
    assert any(url.startswith("http://127.0.0.1:9/") for url in report.requests)
    assert any("deliberate" in e for e in report.errors)
    assert report.charts["drawn"] == 0 and report.charts["total"] == 1


def test_html_write_errors_are_one_line(tmp_path: Path) -> None:
    result = invoke("report", str(REAL_RUN), "--html", str(tmp_path))
    assert result.returncode == 2 and "--html" in result.stderr and "directory" in result.stderr


def test_chromium_found_when_installed() -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed")
    assert find_chromium() is not None
