"""What a *side* of an A/B comparison is, parsed from the command line.

A side is one of:

- ``current``: the environment agnobench itself runs in;
- ``git:REF``: the git repository the command runs in, at REF — checked out into
  a temporary worktree and installed, so the user's own project (its agents and
  scenario files) is measured as it was at that commit;
- a path to a local Python project (an agno checkout's ``libs/agno``, the user's
  own package), installed with its dependencies;
- anything else: a pip requirement for agno (``agno==3.1.9``, ``agno>=3.1,<3.2``).

Parsing is pure (no install, no git): a typo is bad input at once, before any
environment is built.
"""

from __future__ import annotations

import enum
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from agnobench.errors import InputError

# A requirement as pip reads one: a name, optional extras, an optional version specifier list.
_REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[A-Za-z0-9._,-]+\])?\s*"
                          r"((===|==|~=|!=|<=|>=|<|>)\s*[A-Za-z0-9.*+!_-]+\s*(,\s*(===|==|~=|!=|<=|>=|<|>)\s*"
                          r"[A-Za-z0-9.*+!_-]+\s*)*)?$")


class SideKind(str, enum.Enum):
    current = "current"
    git = "git"
    path = "path"
    requirement = "requirement"


@dataclass(frozen=True)
class Side:
    """One side as the user named it; ``label`` is how tables name it ("A: agno==3.1.9")."""

    kind: SideKind
    spec: str  # the requirement, the resolved path, or the git ref as given
    text: str  # what the user typed

    @property
    def label(self) -> str:
        return self.text


def _git(repo: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise InputError("side", " ".join(args), (proc.stderr.strip().splitlines() or ["git failed"])[-1])
    return proc.stdout.strip()


def repo_root(start: Path) -> Path:
    """The top of the git repository ``start`` is in (bad input when it is in none)."""
    return Path(_git(start, "rev-parse", "--show-toplevel"))


def resolve_commit(repo: Path, ref: str) -> str:
    """The full commit a ref names in ``repo`` (bad input when it names none)."""
    return _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")


def parse_side(text: str, cwd: Path | None = None) -> Side:
    """A side from its command-line text; :class:`InputError` (exit 2) naming it when it is none of the four."""
    cwd = cwd or Path.cwd()
    value = text.strip()
    if not value:
        raise InputError("side", text, "empty: give agno==VERSION, a project path, git:REF or current")
    if value == "current":
        return Side(SideKind.current, "current", value)
    if value.startswith("git:"):
        ref = value[4:]
        if not ref:
            raise InputError("side", text, "git: needs a ref, e.g. git:HEAD~1 or git:main")
        resolve_commit(repo_root(cwd), ref)  # a ref that names no commit is bad input now, not after a build
        return Side(SideKind.git, ref, value)
    candidate = (cwd / value).expanduser()
    if "/" in value or value.startswith(".") or candidate.is_dir():
        if not candidate.is_dir():
            raise InputError("side", text, "no such directory")
        if not any((candidate / name).is_file() for name in ("pyproject.toml", "setup.py", "setup.cfg")):
            raise InputError("side", text, "not a Python project (no pyproject.toml, setup.py or setup.cfg)")
        return Side(SideKind.path, str(candidate.resolve()), value)
    if not _REQUIREMENT.match(value):
        raise InputError("side", text, "not a requirement (agno==3.1.9), a project path, git:REF or current")
    return Side(SideKind.requirement, value, value)
