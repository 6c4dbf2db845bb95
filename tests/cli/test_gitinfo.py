"""Git facts in the results file's environment: commit, branch, dirty state, or nothing outside a checkout."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from agnobench.environment import describe
from agnobench.gitinfo import git_facts

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout.strip()


def test_facts_of_a_checkout(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q", "-b", "trunk")
    (tmp_path / "a.txt").write_text("one\n")
    _git(tmp_path, "add", "a.txt")
    _git(tmp_path, "commit", "-q", "-m", "first commit")
    facts = git_facts(tmp_path)
    assert facts is not None
    assert facts.commit == _git(tmp_path, "rev-parse", "HEAD") and facts.commit.startswith(facts.short)
    assert facts.branch == "trunk" and facts.subject == "first commit" and not facts.dirty
    assert facts.commit_time.startswith(_git(tmp_path, "log", "-1", "--format=%cI")[:10])
    (tmp_path / "results.json").write_text("{}")  # untracked output does not make a checkout dirty
    assert not git_facts(tmp_path).dirty
    (tmp_path / "a.txt").write_text("two\n")
    assert git_facts(tmp_path).dirty
    _git(tmp_path, "checkout", "-q", "--detach")
    assert git_facts(tmp_path).branch is None
    assert describe(tmp_path)["git"]["commit"] == facts.commit


def test_no_facts_outside_a_checkout(tmp_path: Path) -> None:
    assert git_facts(tmp_path) is None
    assert "git" not in describe(tmp_path)
