"""Shared fixtures: a scratch directory for scenario files, and the CLI as a user runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
