"""The git facts of the directory a run is made in: commit, branch, dirty state.

Recorded in every results file's environment so ``agnobench history`` can put
results in commit order and name the commit a regression arrived with. A
directory that is not a git checkout, or a machine without git, records
nothing rather than failing the run: the facts are useful, never required.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

TIMEOUT_S = 5.0


@dataclass(frozen=True)
class GitFacts:
    commit: str
    short: str
    branch: str | None  # None on a detached HEAD
    dirty: bool  # tracked files differ from the commit (untracked files, such as results, do not count)
    commit_time: str  # committer date, ISO 8601: orders commits without needing the repository later
    subject: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _git(directory: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(directory), *args], capture_output=True, text=True,
                              timeout=TIMEOUT_S, check=False, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def git_facts(directory: str | Path) -> GitFacts | None:
    """The checkout's facts, or None when ``directory`` is not in a git work tree (or git is absent)."""
    if shutil.which("git") is None:
        return None
    directory = Path(directory)
    head = _git(directory, "log", "-1", "--format=%H%x00%h%x00%cI%x00%s")
    if not head:
        return None
    commit, short, commit_time, subject = (head.split("\0") + ["", "", "", ""])[:4]
    branch = _git(directory, "symbolic-ref", "--quiet", "--short", "HEAD")
    status = _git(directory, "status", "--porcelain", "--untracked-files=no")
    return GitFacts(commit=commit, short=short, branch=branch or None, dirty=bool(status),
                    commit_time=commit_time, subject=subject)
