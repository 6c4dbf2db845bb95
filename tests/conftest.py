"""Shared fixtures: a scratch directory for scenario files, and the CLI as a user runs it."""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

TESTS_DIR = Path(__file__).resolve().parent

# A result model loaded with a key it does not know is an error here, in this process and every one it starts
# (agnobench/core/model.py): an engine that misspells a field fails its test instead of losing the figure.
os.environ["AGNOBENCH_STRICT_MODELS"] = "1"


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 600) -> CliResult:
    """Run ``python -m agnobench ARGS`` in a subprocess, as a user would from a shell."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "agnobench", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=timeout)
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def run_cli_in_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> CliResult:
    """``agnobench ARGS`` in this process (typer's CliRunner): the same code path as :func:`run_cli` without
    ~2 s of interpreter start-up, for commands that only read files and for bad input refused before any worker
    starts. An exception escaping the app is raised here, so a test that says "no traceback" fails on one. A
    few tests keep the subprocess for "exit 2, one line, no traceback" end to end."""
    from typer.testing import CliRunner

    from agnobench.cli import app

    before, environ = os.getcwd(), dict(os.environ)
    os.chdir(cwd or before)
    try:
        result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", **(env or {})}, catch_exceptions=True)
    finally:
        os.chdir(before)
        os.environ.clear()  # what the command set for its workers (the run's layout) stays with it
        os.environ.update(environ)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return CliResult(result.exit_code, result.stdout, result.stderr)


class ScenarioDir:
    """A directory holding scenario files and the calibration ops they point at."""

    def __init__(self, path: Path) -> None:
        self.path = path
        shutil.copy(TESTS_DIR / "calib_ops.py", path / "calib_ops.py")

    def write(self, name: str, operation: str, *, body: str = "", suite: str = "test",
              description: str = "test scenario", filename: str | None = None) -> Path:
        text = (f'name = "{name}"\ndescription = "{description}"\nsuite = "{suite}"\n'
                f'operation = "{operation}"\n{body}')
        file = self.path / (filename or f"{name}.toml")
        file.write_text(text)
        return file


@pytest.fixture
def scenario_dir(tmp_path: Path) -> ScenarioDir:
    return ScenarioDir(tmp_path)


# The calibration ops are imported directly by the unit tests too.
sys.path.insert(0, str(TESTS_DIR))


@pytest.fixture(scope="session", autouse=True)
def _machine_record_in_a_scratch_dir(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The per-machine kernel record (agnobench.measure.machine) goes to a scratch directory, never the
    user's cache: tests run in workers that inherit this environment."""
    os.environ["AGNOBENCH_CACHE_DIR"] = str(tmp_path_factory.mktemp("agnobench-cache"))


@pytest.fixture(scope="session")
def quick_results_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real `agnobench run --quick` of a memory-only no-op scenario, made once per session for the tests
    that only read a results file (merge, export, compare, report on it). Copy it before writing beside it."""
    directory = tmp_path_factory.mktemp("quick-results")
    ScenarioDir(directory).write("fast", "calib_ops:noop", body='[measure]\npasses = ["memory"]\n')
    out = directory / "fast.json"
    result = run_cli("run", "fast.toml", "--quick", "-o", str(out), cwd=directory)
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(autouse=True)
def _earlier_objects_frozen() -> Iterator[None]:
    """The objects alive before a test are out of reach of its ``gc.collect()`` calls (``gc.freeze``), and back
    after it. The leak and memory passes collect at every reading; by the time they run in the full suite, this
    process holds ~470,000 objects of every framework the in-process tests imported, and each full collection
    took ~1.4 s here (~30 s per leak test). Objects a test makes are collected as before; forked children
    inherit the frozen set, as gc.freeze's documentation intends."""
    gc.freeze()
    yield
    gc.unfreeze()
