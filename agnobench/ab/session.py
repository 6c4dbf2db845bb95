"""``agnobench ab`` from sides to verdicts: build both environments, say what differs, measure every scenario.

The worktrees of ``git:`` sides live for the session and are removed on every
way out (:class:`agnobench.ab.worktrees.Worktrees`); each scenario's workers
are killed when the scenario ends (:class:`agnobench.ab.worker_proc.SideWorker`).
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from agnobench.ab.envs import SideEnv, _declarations_hash, build_env, environment_diff
from agnobench.ab.measure import (STATUS_FAILED, ABSettings, ScenarioAB, bursts_mode, measure_abba,
                                  measure_bursts)
from agnobench.ab.sides import Side, SideKind, parse_side, repo_root, resolve_commit
from agnobench.ab.worktrees import Worktrees
from agnobench.environment import describe
from agnobench.core.registry import metric_info
from agnobench.scenario import Scenario

SCHEMA = "agnobench-ab/1"


@dataclass
class ABResult:
    """Both sides, what differs between their environments, and each scenario's comparison."""

    a: SideEnv
    b: SideEnv
    settings: ABSettings
    scenarios: list[ScenarioAB] = field(default_factory=list)
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))
    complete: bool = True

    @property
    def diff(self) -> list[tuple[str, str | None, str | None]]:
        return environment_diff(self.a.packages, self.b.packages)

    @property
    def regressions(self) -> list[str]:
        return [f"{s.name} {metric_label(m.metric)}" for s in self.scenarios for m in s.metrics if m.fails]

    @property
    def failed(self) -> list[ScenarioAB]:
        return [s for s in self.scenarios if s.status == STATUS_FAILED]

    def to_dict(self) -> dict[str, Any]:
        def side(env: SideEnv) -> dict[str, Any]:
            return {"side": env.side.text, "kind": env.side.kind.value, "agno": env.agno, "python": str(env.python),
                    "built_now": env.built_now, "own_agnobench": env.own_agnobench}

        return {"schema": SCHEMA, "created": self.created, "complete": self.complete,
                "environment": describe(), "a": side(self.a), "b": side(self.b),
                "packages_differ": [{"package": n, "a": x, "b": y} for n, x, y in self.diff],
                "settings": {k: getattr(self.settings, k) for k in self.settings.__dataclass_fields__},
                "scenarios": [s.to_dict() for s in self.scenarios],
                "regressions": len(self.regressions), "failed": len(self.failed)}


def metric_label(name: str) -> str:
    return "time/op" if name == "time_per_op_ns" else metric_info(name).label


def _identity(side: Side, repo: Path | None) -> str:
    if side.kind is SideKind.git and repo is not None:
        return resolve_commit(repo, side.spec)
    if side.kind is SideKind.path:
        return f"{side.spec}@{_declarations_hash(Path(side.spec))}"
    return side.spec


def prepare_sides(sides: Sequence[Side], cwd: Path, stack: ExitStack, extras: tuple[str, ...],
                  progress: Callable[[str], None]) -> tuple[list[SideEnv], Path | None]:
    """Each side's environment (worktrees entered on ``stack``), and the repository git sides come from."""
    repo = repo_root(cwd) if any(s.kind is SideKind.git for s in sides) else None
    worktrees = stack.enter_context(Worktrees(repo)) if repo is not None else None
    envs = []
    for side in sides:
        identity = _identity(side, repo)
        project: Path | None = None
        root = cwd.resolve()
        if side.kind is SideKind.git and worktrees is not None and repo is not None:
            root = worktrees.add(identity)
            project = root
        elif side.kind is SideKind.path:
            project = Path(side.spec)
        progress(f"preparing {side.label}")
        envs.append(build_env(side, identity, project, root, extras, progress))
    return envs, repo


def run_ab(a: SideEnv, b: SideEnv, repo: Path | None, scenarios: Sequence[Scenario], settings: ABSettings,
           quick: bool, progress: Callable[[str], None], keep: Callable[[ScenarioAB], None]) -> ABResult:
    result = ABResult(a, b, settings)
    result.complete = False
    for scenario in scenarios:
        if bursts_mode(scenario):
            outcome = measure_bursts(scenario, a, b, repo, settings, progress)
        else:
            outcome = measure_abba(scenario, a, b, repo, settings, quick, progress)
        result.scenarios.append(outcome)
        keep(outcome)
    result.complete = True
    return result


def compare_sides(texts: tuple[str, str], scenarios: Sequence[Scenario], settings: ABSettings, quick: bool,
                  extras: tuple[str, ...], cwd: Path, progress: Callable[[str], None],
                  on_ready: Callable[[ABResult], None] = lambda _: None,
                  keep: Callable[[ScenarioAB], None] = lambda _: None) -> ABResult:
    """One whole ``ab``: parse, build (worktrees removed on every way out), say what differs, measure."""
    sides = [parse_side(text, cwd) for text in texts]
    with ExitStack() as stack:
        envs, repo = prepare_sides(sides, cwd, stack, extras, progress)
        on_ready(ABResult(envs[0], envs[1], settings))
        return run_ab(envs[0], envs[1], repo, scenarios, settings, quick, progress, keep)
