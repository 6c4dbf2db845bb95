"""`agnobench history`: ordering, marks on a known step, old files, bad input, the page in a browser."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from agnobench.history.collect import collect
from agnobench.history.trends import build_history
from agnobench.results import ResultsFile, ScenarioResult, save_results
from conftest import TESTS_DIR
from gate_files import ENVIRONMENT, failed, invoke, noisy, scenario

DATA = TESTS_DIR / "data"
REAL_RUN = DATA / "run-quick.json"  # a real quick run, trimmed
SCHEMA1_RUN = DATA / "run-schema1.json"  # the same run as agnobench 0.1 wrote it (schema agnobench/1)


def git(commit: str, when: str, dirty: bool = False) -> dict:
    return {"commit": commit * 40, "short": commit * 7, "branch": "main", "dirty": dirty, "commit_time": when,
            "subject": f"commit {commit}"}


def write_point(path: Path, created: str, *scenarios: ScenarioResult, commit: dict | None = None) -> Path:
    env = dict(ENVIRONMENT, **({"git": commit} if commit else {}))
    save_results(ResultsFile(environment=env, scenarios=list(scenarios), created=created,
                             settings={"mode": "full", "complete": True}), path)
    return path


def steady(name: str, rel: float, seed: int, retained: float = 3744.0) -> ScenarioResult:
    return scenario(name, time=noisy(10_000 * rel, seed=seed), rel=noisy(rel, seed=seed),
                    retained=[retained] * 3)


def test_points_ordered_by_commit_time_then_run_time(tmp_path: Path) -> None:
    # file names deliberately in the wrong order
    write_point(tmp_path / "a.json", "2026-11-03T10:00:00+00:00", steady("s", 1.0, 1), commit=git("c", "2026-11-03T09:00:00+00:00"))
    write_point(tmp_path / "b.json", "2026-11-01T12:00:00+00:00", steady("s", 1.0, 2), commit=git("a", "2026-11-01T08:00:00+00:00"))
    write_point(tmp_path / "c.json", "2026-11-02T11:00:00+00:00", steady("s", 1.0, 3), commit=git("b", "2026-11-02T08:00:00+00:00"))
    write_point(tmp_path / "d.json", "2026-11-02T09:00:00+00:00", steady("s", 1.0, 4), commit=git("b", "2026-11-02T08:00:00+00:00"))
    write_point(tmp_path / "e.json", "2026-11-01T13:00:00+00:00", steady("s", 1.0, 5))  # no git facts: by run time
    shutil.copy(tmp_path / "a.json", tmp_path / "latest.json")  # a copy of a run, not a run
    (tmp_path / "stray.json").write_text('{"not": "results"}')
    found = collect([tmp_path])
    assert [Path(p.path).name for p in found.points] == ["b.json", "e.json", "d.json", "c.json", "a.json"]
    assert [p.label for p in found.points][:2] == ["aaaaaaa", "2026-11-01 13:00"]
    assert any("stray.json" in s for s in found.skipped)
    assert not any("latest.json" in p.path for p in found.points)


def test_a_known_step_is_marked_with_its_commit(tmp_path: Path) -> None:
    # s regresses by 20 % at commit d; t improves by 30 % at commit c; retained moves by one byte (under 1 %)
    plan = [("a", 1.0, 1.0), ("b", 1.0, 1.0), ("c", 1.0, 0.7), ("d", 1.2, 0.7), ("e", 1.2, 0.7)]
    for day, (commit, s_rel, t_rel) in enumerate(plan, start=1):
        when = f"2026-11-0{day}T08:00:00+00:00"
        write_point(tmp_path / f"run-{commit}.json", when, steady("s", s_rel, day, retained=3744.0 + day % 2),
                    steady("t", t_rel, day + 10), commit=git(commit, when))
    history = build_history(collect([tmp_path]).points)
    marks = [(m.scenario, m.metric, m.comparison.verdict.value, history.points[m.point].short) for m in history.marks]
    assert ("s", "time_per_op_rel", "regression", "ddddddd") in marks
    assert ("t", "time_per_op_rel", "improvement", "ccccccc") in marks
    assert all(m[3] in ("ccccccc", "ddddddd") for m in marks), marks
    assert not any(m[1] == "retained_bytes_per_op" for m in marks)
    assert not any(m[1] == "ref_kernel_ns" or m[1] == "ops_per_sec" for m in marks)  # information only
    trend = next(t for t in history.trends if t.scenario == "s" and t.metric == "time_per_op_rel")
    assert [s.point for s in trend.steps] == [0, 1, 2, 3, 4] and trend.steps[0].comparison is None

    out = invoke("history", str(tmp_path), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = out.json()
    summary = {row["scenario"]: row for row in data["summary"]}
    assert summary["s"]["at"] == "eeeeeee" and summary["s"]["marks"] == "1✗ 0✓"
    assert next(m for m in data["marks"] if m["scenario"] == "s")["previous_commit"] == "c" * 40

    table = invoke("history", str(tmp_path))
    assert table.returncode == 0
    assert "s: ✗ time/kernel +" in table.stdout and "at ddddddd (from ccccccc)" in table.stdout
    lines = [ln for ln in table.stdout.splitlines() if ln.startswith("│ s ") or ln.startswith("│ t ")]
    assert len(lines) == 2  # one line per scenario
    md = invoke("history", str(tmp_path), "--format", "md")
    assert "| scenario" in md.stdout and "Marked steps" in md.stdout


def test_latest_step_regression_is_the_verdict(tmp_path: Path) -> None:
    write_point(tmp_path / "1.json", "2026-11-01T08:00:00+00:00", steady("s", 1.0, 1))
    write_point(tmp_path / "2.json", "2026-11-02T08:00:00+00:00", steady("s", 1.5, 1))  # same noise, ×1.5
    data = invoke("history", str(tmp_path), "--format", "json").json()
    assert data["summary"][0]["verdict"].startswith("✗ regression (time/kernel +50")
    assert data["summary"][0]["change"] == "+50.0% (time/kernel)"  # the figure the verdict judges


def test_failed_point_breaks_no_trend(tmp_path: Path) -> None:
    write_point(tmp_path / "1.json", "2026-11-01T08:00:00+00:00", steady("s", 1.0, 1))
    write_point(tmp_path / "2.json", "2026-11-02T08:00:00+00:00", failed("s"))
    write_point(tmp_path / "3.json", "2026-11-03T08:00:00+00:00", steady("s", 1.0, 3))
    history = build_history(collect([tmp_path]).points)
    trend = next(t for t in history.trends if t.metric == "time_per_op_rel")
    assert [s.status for s in trend.steps] == ["ok", "failed", "ok"]
    assert trend.steps[2].comparison is not None and trend.steps[2].comparison.baseline == trend.steps[0].value
    assert history.marks == []


def test_real_run_files_without_git_are_read(tmp_path: Path) -> None:
    old = json.loads(REAL_RUN.read_text())
    assert "git" not in old["environment"]
    (tmp_path / "old.json").write_text(REAL_RUN.read_text())
    newer = dict(old, created="2026-12-02T08:00:00+00:00")
    (tmp_path / "new.json").write_text(json.dumps(newer))
    out = invoke("history", str(tmp_path / "old.json"), str(tmp_path / "new.json"), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = out.json()
    assert [Path(p["path"]).name for p in data["points"]] == ["old.json", "new.json"]
    names = {row["scenario"] for row in data["summary"]}
    assert {"agent-create-simple", "parallel-run", "scaling-curve"} <= names
    assert data["marks"] == []  # the same samples twice: nothing moved


def test_an_agnobench_0_1_file_is_refused_in_one_line() -> None:
    out = invoke("history", str(SCHEMA1_RUN), str(REAL_RUN))
    assert out.returncode == 2 and "agnobench 0.1" in out.stderr and "Traceback" not in out.stderr


def test_bad_input_is_one_line(tmp_path: Path) -> None:
    missing = invoke("history", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    empty = invoke("history", str(tmp_path))
    assert empty.returncode == 2 and "no agnobench results files found" in empty.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("{truncated")
    named = invoke("history", str(bad))
    assert named.returncode == 2 and "bad.json" in named.stderr and "Traceback" not in named.stderr


def test_history_html_opens_offline(tmp_path: Path) -> None:
    pytest.importorskip("plotly", reason="the HTML history needs plotly: pip install -e '.[html]'")
    from browser import find_chromium, open_page

    for day, rel in enumerate([1.0, 1.0, 1.3], start=1):
        when = f"2026-11-0{day}T08:00:00+00:00"
        write_point(tmp_path / f"{day}.json", when, steady("s", rel, day), commit=git(str(day), when))
    out = tmp_path / "history.html"
    result = invoke("history", str(tmp_path), "--html", str(out))
    assert result.returncode == 0, result.stderr
    assert "regression" in out.read_text(encoding="utf-8")
    if find_chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium): the page is not opened")
    pytest.importorskip("websocket", reason="websocket-client is missing (pip install -e '.[dev]')")
    report = open_page(out)
    assert report.errors == [] and report.requests == [out.resolve().as_uri()]
    assert report.charts["total"] >= 2 and report.charts["drawn"] == report.charts["total"]
