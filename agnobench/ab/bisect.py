"""``agnobench bisect``: which release (or commit) between a good and a bad one made a scenario slower.

The candidates are agno's released versions strictly between the two, as the
package index lists them (``pip index versions agno``), or the commits of
``git rev-list --ancestry-path GOOD..BAD``. The search keeps a known-good and
a known-bad candidate and measures the one halfway between them against the
good one with ``agnobench ab``: a regression (the gate's rule) makes it the
new bad, anything else the new good. A candidate that does not install or
build is skipped and named, as ``git bisect skip`` does, and the search goes
on without it. At the end the first bad candidate is measured once more
against its good neighbour, and that ratio is the one reported.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from packaging.version import InvalidVersion, Version

from agnobench.ab.envs import SideInstallError
from agnobench.ab.measure import MetricAB
from agnobench.ab.session import ABResult
from agnobench.ab.sides import Side, SideKind, repo_root, resolve_commit
from agnobench.errors import InputError

_PINNED = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>[A-Za-z0-9.+!_-]+)$")

Compare = Callable[[str, str], ABResult]  # (A side text, B side text) -> the comparison


@dataclass
class Step:
    good: str
    candidate: str
    verdict: str  # "bad", "good" or "skipped"
    ratio: float | None = None
    low: float | None = None
    high: float | None = None
    reason: str | None = None


@dataclass
class BisectResult:
    candidates: list[str]  # good, ..., bad: the ordered search space
    steps: list[Step] = field(default_factory=list)
    first_bad: str | None = None
    last_good: str | None = None
    confirm: MetricAB | None = None  # first bad against its good neighbour
    skipped: list[str] = field(default_factory=list)
    message: str = ""
    gradual: bool = False  # the first bad candidate is no regression against its good neighbour

    def to_dict(self) -> dict[str, object]:
        return {"candidates": self.candidates, "first_bad": self.first_bad, "last_good": self.last_good,
                "skipped": self.skipped, "message": self.message, "gradual": self.gradual,
                "confirm": self.confirm.to_dict() if self.confirm else None,
                "steps": [step.__dict__ for step in self.steps]}


def pinned_version(side: Side, package: str = "agno") -> Version | None:
    match = _PINNED.match(side.spec) if side.kind is SideKind.requirement else None
    if match is None or match["name"].lower() != package:
        return None
    try:
        return Version(match["version"])
    except InvalidVersion:
        return None


def index_versions(package: str = "agno") -> list[Version]:
    """The versions the package index lists, oldest first (pip's own query of the configured index)."""
    proc = subprocess.run([sys.executable, "-m", "pip", "index", "versions", package], capture_output=True, text=True)
    match = re.search(r"Available versions:\s*(.+)", proc.stdout)
    if proc.returncode != 0 or match is None:
        tail = (proc.stderr.strip().splitlines() or ["no answer"])[-1]
        raise InputError("--good/--bad", package, f"cannot list the package index's versions: {tail}")
    versions = []
    for text in match.group(1).split(","):
        try:
            versions.append(Version(text.strip()))
        except InvalidVersion:
            continue
    return sorted(set(versions))


def release_candidates(good: Side, bad: Side, available: list[Version]) -> list[str]:
    """``agno==GOOD``, every listed release strictly between, ``agno==BAD`` (pre-releases only if an end is one)."""
    low, high = pinned_version(good), pinned_version(bad)
    if low is None or high is None:
        raise InputError("--good/--bad", f"{good.text} {bad.text}",
                         "bisect over releases needs two pinned agno versions (agno==X.Y.Z), or two git:REF sides")
    if not low < high:
        raise InputError("--good/--bad", f"{good.text} {bad.text}", "the good version must be older than the bad one")
    pre = low.is_prerelease or high.is_prerelease
    between = [v for v in available if low < v < high and (pre or not v.is_prerelease)]
    return [f"agno=={low}", *(f"agno=={v}" for v in between), f"agno=={high}"]


def commit_candidates(good: Side, bad: Side, cwd: Path) -> list[str]:
    """``git:GOOD``, the commits on the ancestry path to BAD, oldest first, ending with BAD."""
    if good.kind is not SideKind.git or bad.kind is not SideKind.git:
        raise InputError("--good/--bad", f"{good.text} {bad.text}", "mix of git and non-git sides")
    repo = repo_root(cwd)
    first, last = resolve_commit(repo, good.spec), resolve_commit(repo, bad.spec)
    proc = subprocess.run(["git", "-C", str(repo), "rev-list", "--reverse", "--ancestry-path", f"{first}..{last}"],
                          capture_output=True, text=True)
    commits = proc.stdout.split()
    if proc.returncode != 0 or not commits or commits[-1] != last:
        raise InputError("--good/--bad", f"{good.text} {bad.text}", "the good commit is not an ancestor of the bad one")
    return [f"git:{first}", *(f"git:{c}" for c in commits)]


def _deciding(result: ABResult, metric: str) -> MetricAB | None:
    """The worst change of ``metric`` over the scenarios: the row that decides a step."""
    rows = [m for s in result.scenarios for m in s.metrics if m.metric == metric]
    return max(rows, key=lambda m: m.ratio, default=None)


def bisect(candidates: list[str], compare: Compare, progress: Callable[[str], None],
           metric_name: str = "time_per_op_ns") -> BisectResult:
    """Search ``candidates`` (good first, bad last) for the first one where ``metric_name`` regressed."""
    result = BisectResult(candidates=list(candidates))
    space = list(candidates)
    progress(f"checking the ends: {space[0]} against {space[-1]}")

    ends = compare(space[0], space[-1])
    metric = _deciding(ends, metric_name)
    if metric is None or not metric.fails:
        result.message = (f"{space[-1]} is not a regression against {space[0]}"
                          + (f" (B ÷ A {metric.ratio:.3f}, {metric.verdict.value})" if metric else "")
                          + ": nothing to bisect")
        result.steps.append(Step(space[0], space[-1], "good", *(_interval(metric))))
        return result
    result.steps.append(Step(space[0], space[-1], "bad", *_interval(metric)))
    lo, hi = 0, len(space) - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        progress(f"step {len(result.steps) + 1}: {space[mid]} against {space[lo]} "
                 f"({hi - lo - 1} candidate(s) left)")
        try:
            outcome = compare(space[lo], space[mid])
        except SideInstallError as exc:
            result.skipped.append(space[mid])
            result.steps.append(Step(space[lo], space[mid], "skipped", reason=exc.tail.splitlines()[-1]
                                     if exc.tail else "does not install"))
            del space[mid]
            hi -= 1
            continue
        metric = _deciding(outcome, metric_name)
        bad = metric is not None and metric.fails
        result.steps.append(Step(space[lo], space[mid], "bad" if bad else "good", *_interval(metric)))
        if bad:
            hi = mid
        else:
            lo = mid
    result.first_bad, result.last_good = space[hi], space[lo]
    progress(f"confirming: {space[hi]} against {space[lo]}")
    result.confirm = _deciding(compare(space[lo], space[hi]), metric_name)
    if result.confirm is not None and not result.confirm.fails:
        # The search assumed one step. Measured against its own neighbour, the "first bad" one is not a
        # regression: the ends differ by the sum of several smaller changes, none beyond the threshold.
        result.gradual = True
        result.message = (f"no single step regressed beyond the threshold: {space[hi]} against {space[lo]} reads "
                          f"B ÷ A {result.confirm.ratio:.3f}; the slowdown between the ends accumulated over "
                          f"several candidates (the steps show where)")
    else:
        result.message = f"first bad: {space[hi]} (last good: {space[lo]})"
    return result


def _interval(metric: MetricAB | None) -> tuple[float | None, float | None, float | None]:
    return (metric.ratio, metric.low, metric.high) if metric is not None else (None, None, None)
