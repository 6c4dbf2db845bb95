"""Temporary git worktrees for ``git:REF`` sides, removed on every way out.

A worktree is checked out (detached) under agnobench's cache directory, in a
folder named for this process; :meth:`Worktrees.close` removes it and tells
git (``git worktree remove --force``, then ``prune``). A run killed by
SIGKILL cannot clean up: the next run sweeps the folders whose process is
gone (:func:`sweep`), so none accumulates.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from agnobench.atomicfile import pid_alive
from agnobench.measure.machine import cache_dir


def _root() -> Path:
    return cache_dir() / "ab-worktrees"


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def sweep(repo: Path) -> list[Path]:
    """Remove worktrees left by agnobench processes that no longer exist; what was removed."""
    removed = []
    root = _root()
    if root.is_dir():
        for folder in root.iterdir():
            pid = folder.name.split("-", 1)[0]
            if pid.isdigit() and not pid_alive(int(pid)):
                _git(repo, "worktree", "remove", "--force", str(folder))
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    _git(repo, "worktree", "prune")
    return removed


class Worktrees:
    """This run's worktrees of one repository; a context manager that removes them all."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.paths: list[Path] = []

    def __enter__(self) -> "Worktrees":
        sweep(self.repo)
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def add(self, commit: str) -> Path:
        folder = _root() / f"{os.getpid()}-{commit[:12]}-{len(self.paths)}"
        folder.parent.mkdir(parents=True, exist_ok=True)
        proc = _git(self.repo, "worktree", "add", "--detach", "--force", str(folder), commit)
        if proc.returncode != 0:
            why = (proc.stderr.strip().splitlines() or ["failed"])[-1]
            raise RuntimeError(f"git worktree add {commit[:12]}: {why}")
        self.paths.append(folder)
        return folder

    def close(self) -> None:
        for folder in self.paths:
            _git(self.repo, "worktree", "remove", "--force", str(folder))
            shutil.rmtree(folder, ignore_errors=True)
        self.paths.clear()
        _git(self.repo, "worktree", "prune")
