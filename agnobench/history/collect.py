"""Find results files under the paths given and put them in commit order.

Order: by the commit's time (``environment.git.commit_time``, recorded by
``agnobench run``), then by when the run was made; a file from before git facts
were recorded sorts by its run time alone. ``latest.json`` and byte-identical
copies are dropped (they repeat a run), and so is a merged file (``agnobench
merge``) whose runs are all in the history on their own: it would count them
a second time. A file named on the command line that
is not a readable results file is bad input; one merely found in a directory
is skipped and listed, so a stray JSON file never hides the rest.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

from agnobench.debug_run import refuse_to_judge
from agnobench.errors import InputError
from agnobench.inputfile import read_bytes
from agnobench.results import ResultsFile, load_results
from agnobench.runs import RUN_IDS, constituent_runs

LATEST = "latest.json"


@dataclass
class Point:
    """One results file in the history."""

    path: str
    results: ResultsFile
    commit: str | None = None
    short: str | None = None
    branch: str | None = None
    dirty: bool = False
    commit_time: str | None = None
    subject: str = ""

    @property
    def label(self) -> str:
        """What names this point in tables and on chart axes: the commit (``*`` when dirty), else the time."""
        if self.short or self.commit:
            return (self.short or str(self.commit)[:7]) + ("*" if self.dirty else "")
        return self.results.created[:16].replace("T", " ")

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "created": self.results.created, "commit": self.commit, "short": self.short,
                "branch": self.branch, "dirty": self.dirty, "commit_time": self.commit_time, "subject": self.subject,
                "label": self.label, "mode": self.results.settings.get("mode")}


@dataclass
class Collected:
    points: list[Point] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: why", for files found but not used


def _when(text: str | None) -> datetime:
    if not text:
        return datetime.min.replace(tzinfo=timezone.utc)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def sort_key(point: Point) -> tuple[datetime, datetime, str]:
    return (_when(point.commit_time or point.results.created), _when(point.results.created), point.path)


def point_from(path: Path, results: ResultsFile) -> Point:
    git = results.environment.get("git")
    git = git if isinstance(git, dict) else {}
    return Point(path=str(path), results=results, commit=git.get("commit"), short=git.get("short"),
                 branch=git.get("branch"), dirty=bool(git.get("dirty")), commit_time=git.get("commit_time"),
                 subject=str(git.get("subject") or ""))


def _candidates(paths: Sequence[Path]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for every path given; directories are searched recursively for *.json."""
    found: list[tuple[Path, bool]] = []
    for path in paths:
        if path.is_dir():
            found += [(p, False) for p in sorted(path.rglob("*.json")) if p.name != LATEST and p.is_file()]
        elif path.exists():
            found.append((path, True))
        else:
            raise InputError(path, None, "no such file or directory")
    return found


def collect(paths: Sequence[Path]) -> Collected:
    out = Collected()
    seen: dict[str, str] = {}
    for path, explicit in _candidates(paths):
        try:
            digest = hashlib.sha256(read_bytes(path)).hexdigest()
        except InputError as exc:
            if explicit:
                raise
            out.skipped.append(f"{path}: {exc.message}")
            continue
        if digest in seen:
            out.skipped.append(f"{path}: the same file as {seen[digest]}")
            continue
        try:
            results = load_results(path)
            refuse_to_judge(path, results.settings)  # a trend is judged by the gate's rule: measurements only
        except InputError as exc:
            if explicit:
                raise
            out.skipped.append(f"{path}: {exc.message}" + (f" ({exc.field})" if exc.field else ""))
            continue
        seen[digest] = str(path)
        out.points.append(point_from(path, results))
    out.points = _without_repeated_runs(out.points, out.skipped)
    out.points.sort(key=sort_key)
    return out


def _without_repeated_runs(points: list[Point], skipped: list[str]) -> list[Point]:
    """Drop a merged file whose runs are all present as files of their own (listed in ``skipped``)."""
    single = {constituent_runs(p.results)[0]: p.path for p in points if RUN_IDS not in p.results.settings}
    kept = []
    for point in points:
        runs = constituent_runs(point.results) if RUN_IDS in point.results.settings else []
        if runs and all(run in single for run in runs):
            skipped.append(f"{point.path}: merges {len(runs)} run(s) already in the history on their own "
                           f"({', '.join(single[r] for r in runs[:3])}{' ...' if len(runs) > 3 else ''})")
            continue
        kept.append(point)
    return kept
