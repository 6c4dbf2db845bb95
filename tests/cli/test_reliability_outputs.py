"""Reliability, case 4: every output path is checked before any work, and a write that fails loses nothing."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from conftest import ScenarioDir
from reliability import assert_clean, error_line, run_marked

FAST = '[measure]\npasses = ["memory"]\n'
# Refused before any work: the CLI in this process (conftest.run_cli_in_process), every check of assert_clean
# kept; the first case of each test keeps the subprocess a user runs (exit 2, one line, no traceback).
END_TO_END = ("unwritable", "results-is-a-file", "file")
GO_TEXT = "BenchmarkAgentCreation-2   1000   450.5 ns/op   1272 B/op   8 allocs/op\n"


def _bad_paths(root: Path) -> dict[str, tuple[Path, str]]:
    """Each kind of bad output path, made real under ``root``: (path, words the error must hold)."""
    (root / "a-dir").mkdir()
    (root / "plain").write_text("x")
    os.mkfifo(root / "fifo.json")
    return {
        "unwritable": (Path("/proc/agnobench-nope.json"), "refuses new files"),
        "directory": (root / "a-dir", "is a directory"),
        "fifo": (root / "fifo.json", "not a regular file"),
        "under-a-file": (root / "plain" / "out.json", "is a file, not a directory"),
    }


@pytest.mark.parametrize("kind", ["unwritable", "directory", "fifo", "under-a-file"])
def test_run_refuses_a_bad_output_path_before_measuring(scenario_dir: ScenarioDir, kind: str) -> None:
    scenario_dir.write("fast", "calib_ops:noop", body=FAST)
    path, words = _bad_paths(scenario_dir.path)[kind]
    result = run_marked("run", "fast.toml", "--quick", "-o", str(path), cwd=scenario_dir.path,
                        in_process=kind not in END_TO_END)
    assert_clean(result, 2, scenario_dir.path, one_line=True)  # one line: no scenario started
    wanted = path.parent if kind == "under-a-file" else path
    assert error_line(result).startswith(f"error: {wanted}") and words in error_line(result)
    assert not (scenario_dir.path / "results").exists()


@pytest.mark.parametrize("blocker", ["results-is-a-file", "latest-is-a-directory"])
def test_run_refuses_a_blocked_results_directory(scenario_dir: ScenarioDir, blocker: str) -> None:
    scenario_dir.write("fast", "calib_ops:noop", body=FAST)
    results = scenario_dir.path / "results"
    if blocker == "results-is-a-file":
        results.write_text("not a directory")
    else:
        (results / "latest.json").mkdir(parents=True)
    result = run_marked("run", "fast.toml", "--quick", cwd=scenario_dir.path, in_process=blocker not in END_TO_END)
    assert_clean(result, 2, scenario_dir.path, one_line=True)
    named = "results" if blocker == "results-is-a-file" else "results/latest.json"
    assert error_line(result).startswith(f"error: {named}:")
    if results.is_dir():
        assert [p.name for p in results.iterdir()] == ["latest.json"]  # no run file was claimed


@pytest.mark.e2e
def test_a_save_failing_mid_run_keeps_every_result_in_a_rescue_file(scenario_dir: ScenarioDir,
                                                                    tmp_path_factory: pytest.TempPathFactory) -> None:
    """The first scenario's op turns the output directory into a plain file: every later save fails."""
    (scenario_dir.path / "saboteur.py").write_text(
        "import os, shutil\n"
        "def block_the_output():\n"
        "    if os.path.isdir('out'):\n"
        "        shutil.rmtree('out')\n"
        "        open('out', 'w').close()\n")
    scenario_dir.write("saboteur", "saboteur:block_the_output", body=FAST)
    scenario_dir.write("after", "calib_ops:noop", body=FAST)
    (scenario_dir.path / "out").mkdir()
    rescue_dir = tmp_path_factory.mktemp("tmpdir")
    result = run_marked("run", "saboteur.toml", "after.toml", "--debug-single-value", "-o", "out/run.json",
                        cwd=scenario_dir.path, env={"TMPDIR": str(rescue_dir)})
    assert_clean(result, 2, scenario_dir.path)
    assert "error: out/run.json: cannot write the results file" in result.stderr
    rescued = list(rescue_dir.glob("agnobench-rescue-*.json"))
    assert len(rescued) == 1 and str(rescued[0]) in result.stderr
    data = json.loads(rescued[0].read_text())
    assert [s["name"] for s in data["scenarios"]] == ["saboteur", "after"]  # nothing measured is lost
    assert all(s["status"] == "ok" for s in data["scenarios"]) and data["settings"]["complete"] is True
    assert stray_free(rescue_dir)


def stray_free(directory: Path) -> bool:
    return not [p for p in directory.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("kind", ["unwritable", "directory", "fifo", "under-a-file"])
def test_merge_import_go_and_export_refuse_bad_output_paths(scenario_dir: ScenarioDir, kind: str,
                                                            quick_results_file: Path) -> None:
    root = scenario_dir.path
    good = root / "good.json"
    shutil.copy(quick_results_file, good)  # a real run's results file, made once per session
    (root / "go.txt").write_text(GO_TEXT)
    path, words = _bad_paths(root)[kind]
    before = good.read_bytes()
    for args in (("merge", str(good), "-o", str(path)), ("import-go", "go.txt", "-o", str(path)),
                 ("export", str(good), "--to", "go", "-o", str(path)),
                 ("export", str(good), "--to", "pyperf", "-o", str(path))):
        result = run_marked(*args, cwd=root, in_process=kind not in END_TO_END)
        assert_clean(result, 2, root, one_line=True)
        assert words in error_line(result), (args, result.stderr)
    assert good.read_bytes() == before  # the input is untouched


def test_import_go_refuses_a_results_file_where_the_directory_should_be(scenario_dir: ScenarioDir) -> None:
    (scenario_dir.path / "go.txt").write_text(GO_TEXT)
    (scenario_dir.path / "results").write_text("x")
    result = run_marked("import-go", "go.txt", cwd=scenario_dir.path, in_process=True)
    assert_clean(result, 2, scenario_dir.path, one_line=True)
    assert error_line(result).startswith("error: results: is a file, not a directory")


@pytest.mark.parametrize("kind", ["file", "unwritable", "under-a-file"])
def test_profile_refuses_a_bad_output_directory_before_profiling(scenario_dir: ScenarioDir, kind: str) -> None:
    scenario_dir.write("fast", "calib_ops:noop", body=FAST)
    (scenario_dir.path / "plain").write_text("x")
    path = {"file": scenario_dir.path / "plain", "unwritable": Path("/proc/agnobench-nope"),
            "under-a-file": scenario_dir.path / "plain" / "dir"}[kind]
    result = run_marked("profile", "--mem", "fast.toml", "--quick", "-o", str(path), cwd=scenario_dir.path,
                        in_process=kind not in END_TO_END)
    assert_clean(result, 2, scenario_dir.path, one_line=True)
    assert str(path if kind != "under-a-file" else path.parent) in error_line(result)


@pytest.mark.e2e
def test_dev_null_is_written_through_not_replaced(scenario_dir: ScenarioDir) -> None:
    """`-o /dev/null` keeps no results file; a rename over it would turn the device into a plain file."""
    scenario_dir.write("fast", "calib_ops:noop", body=FAST)
    result = run_marked("run", "fast.toml", "--debug-single-value", "-o", os.devnull, cwd=scenario_dir.path)
    assert_clean(result, 0, scenario_dir.path)
    assert Path(os.devnull).is_char_device()


@pytest.mark.parametrize("kind", ["unwritable", "directory", "under-a-file"])
def test_html_outputs_are_checked_before_measuring_or_loading(scenario_dir: ScenarioDir, kind: str,
                                                              quick_results_file: Path) -> None:
    pytest.importorskip("plotly")
    root = scenario_dir.path
    scenario_dir.write("fast", "calib_ops:noop", body=FAST)
    good = root / "good.json"
    shutil.copy(quick_results_file, good)  # a real run's results file, made once per session
    path, words = _bad_paths(root)[kind]
    for args in (("run", "fast.toml", "--quick", "-o", "again.json", "--html", str(path)),
                 ("compare", str(good), str(good), "--html", str(path)), ("report", str(good), "--html", str(path))):
        result = run_marked(*args, cwd=root, in_process=kind not in END_TO_END)
        assert_clean(result, 2, root, one_line=True)
        assert words in error_line(result), (args, result.stderr)
    assert not (root / "again.json").exists()  # refused before the run measured anything
