"""``agnobench profile --mem`` end to end: figures that are known, artifacts that are well formed.

Every figure checked here is derivable: the objects an op makes, the size of
what it returns, the frames a call chain forces under a profile hook, and
``agnobench run``'s own allocs_per_op for the same scenario.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import memray
import pytest

import calib_ops
from conftest import TESTS_DIR, ScenarioDir, run_cli, run_cli_in_process

REPO = TESTS_DIR.parent
EXTERNAL_ASSET = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)

# Allocations per op that `agnobench profile --mem` and `agnobench run` may differ by.
# Both count the same allocations with the same method (sessions of n and n/2 or
# 2n ops subtracted, profiler frames removed), so a steady op gives the same
# figure to the allocation; what can differ is a one-off event (a gc pass, a
# cache or dict resize) that lands in one session and not the other. One such
# allocation spread over n >= 20 ops moves the figure by <= 0.05; the bound
# allows ten, or 1 % for a heavy op.
AGREEMENT_ABS = 0.5
AGREEMENT_REL = 0.01


def _profile(scenario_dir: ScenarioDir, scenario: str, *extra: str) -> tuple[Any, Path]:
    out = scenario_dir.path / f"profile-{scenario}"
    result = run_cli("profile", "--mem", f"{scenario}.toml", "--quick", "-o", str(out), *extra, cwd=scenario_dir.path)
    return result, out


def _summary(out: Path) -> dict[str, Any]:
    return json.loads((out / "summary.json").read_text())


@pytest.mark.e2e
def test_known_allocations_sites_and_artifacts(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("k-objects", "calib_ops:k_objects")
    result, out = _profile(scenario_dir, "k-objects")
    assert result.returncode == 0, result.stderr

    summary = _summary(out)
    assert summary["schema"] == "agnobench-profile/1" and summary["kind"] == "mem"
    assert summary["allocs_per_op"] == pytest.approx(calib_ops.K_OBJECTS + 1, abs=0.1)  # the objects and the repeat
    assert summary["raw_allocs_per_op"] - summary["profiler_frames_per_op"] == pytest.approx(summary["allocs_per_op"])
    top = summary["sites_by_count"][0]  # the line that makes the objects, found and counted
    assert top["function"] == "k_objects" and top["file"].endswith("calib_ops.py")
    assert top["allocs_per_op"] == pytest.approx(calib_ops.K_OBJECTS, abs=0.1)
    assert top["code"] == "Slotted()"
    assert summary["ops"] >= 2 and summary["reference_ops"] == summary["ops"] // 2

    # The terminal summary names the site and ends with the paths to open.
    assert "calib_ops.py" in result.stdout and "k_objects" in result.stdout
    tail = result.stdout[result.stdout.index("Open:"):]
    for name in ("flamegraph.html", "leaks.html", "memray-stats.json", "summary.json", "capture.bin"):
        assert str(out / name) in tail

    # Artifacts: memray can read the captures; the HTML carries the data and fetches nothing.
    for capture in ("capture.bin", "retained.bin"):
        with memray.FileReader(out / capture) as reader:
            assert reader.metadata.trace_python_allocators
    assert "k_objects" in (out / "flamegraph.html").read_text()  # k_objects retains nothing: leaks.html is empty
    for page in ("flamegraph.html", "leaks.html"):
        html = (out / page).read_text()
        assert "const packed_data" in html
        assert not EXTERNAL_ASSET.search(html), EXTERNAL_ASSET.search(html)
        assert "d3.flamegraph" in html or "flamegraph()" in html  # memray's vendored d3-flamegraph is inlined
    stats = json.loads((out / "memray-stats.json").read_text())
    assert stats["total_num_allocations"] == summary["capture_allocations"]


@pytest.mark.e2e
def test_retained_bytes_are_the_held_results(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("known-size", "calib_ops:bytearray_1000")
    result, out = _profile(scenario_dir, "known-size")
    assert result.returncode == 0, result.stderr
    summary = _summary(out)
    assert summary["retained_bytes_per_op"] == pytest.approx(sys.getsizeof(bytearray(1000)), rel=0.02)
    assert summary["allocs_per_op"] == pytest.approx(2, abs=0.1)  # the object and its buffer
    assert "bytearray_1000" in (out / "leaks.html").read_text()


@pytest.mark.e2e
def test_profiler_frames_are_left_out_of_figures_and_sites(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("calls", "calib_ops:calls_only")
    result, out = _profile(scenario_dir, "calls")
    assert result.returncode == 0, result.stderr
    summary = _summary(out)
    assert summary["profiler_frames_per_op"] == 32  # calls_only, then _recurse for n = 30..0
    assert summary["raw_allocs_per_op"] == pytest.approx(32, abs=1.5)  # memray sees those frames...
    assert abs(summary["allocs_per_op"]) < 1.5  # ...which do not happen without it
    calib_rows = [row for row in summary["sites_by_count"] if row["file"].endswith("calib_ops.py")]
    assert all(abs(row["allocs_per_op"]) < 0.05 for row in calib_rows), calib_rows


@pytest.mark.e2e
def test_allocs_per_op_agree_with_agnobench_run(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("agent", "agnobench.adapters.agno.creation:create_simple",
                       body='setup = "agnobench.adapters.agno.creation:shared_parts"\n[measure]\npasses = ["memory"]\n')
    run = run_cli("run", "agent.toml", "--quick", "-o", "run.json", cwd=scenario_dir.path)
    assert run.returncode == 0, run.stderr
    metrics = json.loads((scenario_dir.path / "run.json").read_text())["scenarios"][0]["metrics"]
    result, out = _profile(scenario_dir, "agent")
    assert result.returncode == 0, result.stderr
    summary = _summary(out)

    expected = metrics["allocs_per_op"]["median"]
    assert abs(summary["allocs_per_op"] - expected) <= max(AGREEMENT_ABS, AGREEMENT_REL * expected)
    assert summary["bytes_per_op"] == pytest.approx(metrics["allocated_bytes_per_op"]["median"], rel=AGREEMENT_REL)
    # The figure shown first is the corrected one, with memray's raw count beside it.
    assert "profile hook" in result.stdout
    # Agent() allocates inside agno: the "where in agno" table names agno's files.
    assert summary["agno_sites"] and summary["agno_sites"][0]["file"].endswith(".py")
    assert summary["agno_sites"][0]["origin"] == "agno"
    assert next(row for row in summary["origins"] if row["name"] == "agno")["share_of_bytes"] > 0.5


@pytest.mark.e2e
def test_scenario_that_fails_is_one_line_and_exit_1(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("boom", "calib_ops:raises")
    result, out = _profile(scenario_dir, "boom")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0 and "boom from the operation" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.parametrize("args, message", [
    (("profile", "python-floor"), "exactly one of --mem"),
    (("profile", "--mem", "--cpu", "python-floor"), "exactly one of --mem"),
    (("profile", "--cpu", "--ops", "5", "python-floor"), "--ops"),
    (("profile", "--mem", "--duration", "2", "python-floor"), "--duration"),
    (("profile", "--mem", "no-such-scenario"), "no scenario or suite"),
    (("profile", "--mem", "agent-create-*"), "profile one at a time"),
    (("profile", "--mem", "missing.toml"), "no such scenario file"),
])
def test_bad_usage_is_one_line_and_exit_2(args: tuple[str, ...], message: str, tmp_path: Path) -> None:
    # in this process but for the first case, which keeps the subprocess: exit 2, one line, no traceback end to end
    cli = run_cli if args == ("profile", "python-floor") else run_cli_in_process
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and result.stderr.strip().count("\n") == 0
    assert "Traceback" not in result.stderr


@pytest.mark.e2e
def test_unimportable_operation_is_bad_input(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("typo", "calib_ops:no_such_function")
    result, _ = _profile(scenario_dir, "typo")
    assert result.returncode == 2
    assert "operation" in result.stderr and result.stderr.strip().count("\n") == 0


@pytest.mark.e2e
def test_default_directory_is_under_results_and_ignored_by_git(scenario_dir: ScenarioDir) -> None:
    scenario_dir.write("floor", "calib_ops:noop")
    result = run_cli("profile", "--mem", "floor.toml", "--quick", cwd=scenario_dir.path)
    assert result.returncode == 0, result.stderr
    made = list((scenario_dir.path / "results" / "profiles").glob("floor-mem-*"))
    assert len(made) == 1 and (made[0] / "summary.json").is_file()
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q",
                              f"results/profiles/{made[0].name}/capture.bin"], capture_output=True)
    assert ignored.returncode == 0  # profiles never end up in a commit
