"""``agnobench ab`` and ``bisect`` without building environments: sides, the diff, the estimate, the search."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pytest

from agnobench.ab.bisect import bisect, release_candidates
from agnobench.ab.envs import SideEnv, SideInstallError, environment_diff, installs_for
from agnobench.ab.interleave import PairBursts, estimate, pair_log_ratios, schedule, side_medians
from agnobench.ab.measure import ABSettings, MetricAB, ScenarioAB, exact_metric, time_metric
from agnobench.ab.session import ABResult
from agnobench.ab.sides import Side, SideKind, parse_side
from agnobench.ab.worktrees import Worktrees, sweep
from agnobench.compare.verdict import Verdict
from agnobench.errors import InputError
from packaging.version import Version


# ---- sides -----------------------------------------------------------------------------------------------

def _git_repo(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    for n in (1, 2):
        (path / "file.txt").write_text(str(n))
        subprocess.run(["git", "-C", str(path), "add", "."], check=True)
        subprocess.run(["git", "-C", str(path), "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", str(n)],
                       check=True)
    return path


def test_each_kind_of_side_is_recognised(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    repo = _git_repo(tmp_path / "repo")
    assert parse_side("current").kind is SideKind.current
    assert parse_side("agno==3.1.9") == Side(SideKind.requirement, "agno==3.1.9", "agno==3.1.9")
    assert parse_side("agno>=3.1,<3.2").kind is SideKind.requirement
    assert parse_side("agno[os]==3.1.9").kind is SideKind.requirement
    side = parse_side("./proj", cwd=tmp_path)
    assert side.kind is SideKind.path and side.spec == str(project.resolve())
    assert parse_side("git:HEAD~1", cwd=repo) == Side(SideKind.git, "HEAD~1", "git:HEAD~1")


@pytest.mark.parametrize("text, words", [
    ("", "empty"), ("agno===", "not a requirement"), ("agno ==", "not a requirement"),
    ("./nowhere", "no such directory"), ("./empty", "not a Python project"), ("git:", "needs a ref"),
    ("git:no-such-ref", "git"),
])
def test_a_bad_side_is_one_line_naming_it(tmp_path: Path, text: str, words: str) -> None:
    (tmp_path / "empty").mkdir()
    repo = _git_repo(tmp_path / "repo") if text.startswith("git:") else tmp_path
    with pytest.raises(InputError) as caught:
        parse_side(text, cwd=repo)
    assert words in caught.value.one_line() and "\n" not in caught.value.one_line()


def test_git_side_outside_a_repository_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="git"):
        parse_side("git:HEAD", cwd=tmp_path)


def test_installs_put_agnobench_requirements_beside_the_target(tmp_path: Path) -> None:
    args, own = installs_for(parse_side("agno==3.1.9"), None, ())
    assert args[-1] == "agno==3.1.9" and any(a.startswith("typer") for a in args) and not own
    own_repo = tmp_path / "ab"
    own_repo.mkdir()
    (own_repo / "pyproject.toml").write_text("[project]\nname = 'agnobench'\n")
    args, own = installs_for(Side(SideKind.git, "HEAD", "git:HEAD"), own_repo, ())
    assert own and args == [str(own_repo)]  # agnobench's own repository: its code at REF measures itself
    args, own = installs_for(Side(SideKind.git, "HEAD", "git:HEAD"), tmp_path, ())  # scenario files only
    assert not own and all(not a.startswith(str(tmp_path)) for a in args)


def test_environment_diff_names_every_package_that_differs_agno_first() -> None:
    a = {"agno": "3.1.9", "pydantic": "2.14.4", "httpx": "0.28.1", "pip": "24", "only-a": "1"}
    b = {"agno": "3.1.10", "pydantic": "2.12.5", "httpx": "0.28.1", "pip": "25", "only-b": "2"}
    assert environment_diff(a, b) == [("agno", "3.1.9", "3.1.10"), ("only-a", "1", None), ("only-b", None, "2"),
                                      ("pydantic", "2.14.4", "2.12.5")]
    assert environment_diff(a, dict(a)) == []


# ---- interleaving and the paired estimate --------------------------------------------------------------

def _pair(first: str, a_ns: float, b_ns: float, speed: list[float]) -> PairBursts:
    """Bursts as the parent runs them, X Y X Y ... X, each at the machine's speed at its moment."""
    x_ns, y_ns = (a_ns, b_ns) if first == "a" else (b_ns, a_ns)
    n = (len(speed) - 1) // 2
    return PairBursts(first=first, first_ns=[x_ns * speed[2 * i] for i in range(n + 1)],
                      second_ns=[y_ns * speed[2 * i + 1] for i in range(n)])


def test_schedule_alternates_the_opening_side_and_rotates_cpus() -> None:
    assert [schedule(i, 2) for i in range(5)] == [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 0)]


def test_the_estimate_cancels_a_machine_that_changes_speed_twofold() -> None:
    """B is 5 % slower; the machine drifts between full and half speed: paired bursts still read 1.05."""
    speed = [1.0 + 0.5 * (1 + math.sin(t / 9.0)) for t in range(61)]  # 1.0 … 2.0, slowly
    pairs = [_pair("a" if i % 2 == 0 else "b", 100.0, 105.0, speed[i:] + speed[:i]) for i in range(8)]
    est = estimate(pairs)
    assert est.ratio == pytest.approx(1.05, rel=2e-3)
    assert est.low <= 1.05 <= est.high and est.significant
    # One after the other (A's bursts in the slow half, B's in the fast) would have read B faster:
    a_alone, b_alone = 100.0 * 1.9, 105.0 * 1.1
    assert b_alone / a_alone < 1.0


def test_a_layouts_luck_widens_the_interval_instead_of_moving_the_verdict() -> None:
    """Identical code; each pair of workers (a layout) makes B 1.5 % faster or slower, the same in all its pairs:
    the grand mean is unbiased and the interval, from resampling layouts, covers what the layouts did."""
    flat = [1.0] * 21
    pairs = []
    for layout, bias in enumerate((1.015, 0.985, 1.012, 0.988)):
        for k in range(3):
            pair = _pair("a" if k % 2 == 0 else "b", 100.0, 100.0 * bias * (1 + 0.001 * k), flat)
            pair.layout = layout
            pairs.append(pair)
    est = estimate(pairs)
    assert est.ratio == pytest.approx(1.0, abs=2e-3)
    assert est.low < 0.995 and est.high > 1.005 and not est.significant  # a single layout would have said ±1.5 %
    one_layout = estimate(pairs[:3])
    assert one_layout.significant and one_layout.ratio == pytest.approx(1.016, abs=2e-3)


def test_a_pair_opened_by_b_is_turned_round() -> None:
    flat = [1.0] * 11
    assert pair_log_ratios(_pair("a", 100.0, 110.0, flat)) == pytest.approx([math.log(1.1)] * 5)
    assert pair_log_ratios(_pair("b", 100.0, 110.0, flat)) == pytest.approx([math.log(1.1)] * 5)
    assert side_medians([_pair("b", 100.0, 110.0, flat)]) == (100.0, 110.0)


def test_identical_sides_are_not_significant_and_a_bad_pair_shape_is_refused() -> None:
    est = estimate([_pair("a", 50.0, 50.0, [1.0] * 9), _pair("b", 50.0, 50.0, [1.0] * 9)])
    assert est.ratio == 1.0 and not est.significant
    with pytest.raises(ValueError):
        pair_log_ratios(PairBursts(first="a", first_ns=[1.0, 1.0], second_ns=[1.0, 1.0]))


def test_verdicts_follow_the_gate_rule() -> None:
    flat = [1.0] * 21
    slow = estimate([_pair(f, 100.0, 106.0, flat) for f in "abab"])
    assert time_metric(slow, 100.0, 106.0, 3.0).verdict is Verdict.regression
    assert time_metric(slow, 100.0, 106.0, 10.0).verdict is Verdict.unchanged  # inside the threshold
    assert exact_metric("allocs_per_op", 27, 28, 1.0).verdict is Verdict.regression  # type: ignore[union-attr]
    assert exact_metric("allocs_per_op", 27, 27, 1.0).verdict is Verdict.unchanged  # type: ignore[union-attr]
    assert exact_metric("allocs_per_op", 0, 0, 1.0) is None


# ---- bisect ----------------------------------------------------------------------------------------------

def _env(text: str) -> SideEnv:
    return SideEnv(Side(SideKind.requirement, text, text), Path("/usr/bin/python3"), Path("."))


def _fake_compare(times: dict[str, float], broken: set[str] = frozenset(), calls: list | None = None):  # type: ignore[assignment]
    def compare(a: str, b: str) -> ABResult:
        if calls is not None:
            calls.append((a, b))
        if b in broken:
            raise SideInstallError(Side(SideKind.requirement, b, b), "ERROR: no matching distribution")
        ratio = times[b] / times[a]
        verdict = Verdict.regression if ratio > 1.03 else Verdict.unchanged
        result = ABResult(_env(a), _env(b), ABSettings())
        result.scenarios = [ScenarioAB("s", "t", metrics=[MetricAB("time_per_op_ns", times[a], times[b], ratio,
                                                                   ratio * 0.99, ratio * 1.01, 3.0, verdict,
                                                                   "interleaved bursts")])]
        return result
    return compare


def test_bisect_finds_the_first_slower_release_and_skips_one_that_does_not_install() -> None:
    versions = [f"agno==1.0.{i}" for i in range(10)]
    times = {v: (100.0 if i < 6 else 120.0) for i, v in enumerate(versions)}
    calls: list = []
    result = bisect(versions, _fake_compare(times, broken={"agno==1.0.4"}, calls=calls), lambda _: None)
    assert result.first_bad == "agno==1.0.6" and result.last_good == "agno==1.0.5"
    assert result.confirm is not None and result.confirm.ratio == pytest.approx(1.2)
    assert result.skipped == ["agno==1.0.4"]  # the first midpoint: skipped and named, the search went on
    assert [s.verdict for s in result.steps] == ["bad", "skipped", "good", "bad", "bad"]
    assert calls[-1] == ("agno==1.0.5", "agno==1.0.6")  # the confirmation: first bad against its good neighbour


def test_bisect_says_when_the_slowdown_crept_in_over_several_releases() -> None:
    """+2 % a release, threshold 3 %: the ends differ by far more, but no release against its neighbour does."""
    versions = [f"agno==1.0.{i}" for i in range(6)]
    result = bisect(versions, _fake_compare({v: 100.0 * 1.02 ** i for i, v in enumerate(versions)}), lambda _: None)
    assert result.gradual and result.confirm is not None and result.confirm.ratio == pytest.approx(1.02)
    assert "no single step regressed" in result.message


def test_bisect_says_when_there_is_nothing_to_bisect() -> None:
    versions = ["agno==1.0.0", "agno==1.0.1", "agno==1.0.2"]
    result = bisect(versions, _fake_compare({v: 100.0 for v in versions}), lambda _: None)
    assert result.first_bad is None and "nothing to bisect" in result.message


def test_release_candidates_lie_between_the_two_pins() -> None:
    available = [Version(v) for v in ("3.0.0", "3.0.1", "3.1.0rc1", "3.1.0", "3.1.1", "3.2.0")]
    assert release_candidates(parse_side("agno==3.0.0"), parse_side("agno==3.1.1"), available) == [
        "agno==3.0.0", "agno==3.0.1", "agno==3.1.0", "agno==3.1.1"]
    with pytest.raises(InputError):
        release_candidates(parse_side("agno==3.1.1"), parse_side("agno==3.0.0"), available)
    with pytest.raises(InputError):
        release_candidates(parse_side("agno>=3"), parse_side("agno==3.1.1"), available)


# ---- worktrees -----------------------------------------------------------------------------------------

def test_worktrees_are_removed_on_every_way_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(tmp_path / "cache"))
    repo = _git_repo(tmp_path / "repo")
    head = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    with pytest.raises(RuntimeError, match="boom"):
        with Worktrees(repo) as trees:
            folder = trees.add(head)
            assert (folder / "file.txt").read_text() == "2"
            raise RuntimeError("boom")
    assert not folder.exists()
    listed = subprocess.run(["git", "-C", str(repo), "worktree", "list"], capture_output=True, text=True).stdout
    assert str(folder) not in listed
    # A folder left by a process that no longer exists (SIGKILLed) is swept by the next run.
    stale = tmp_path / "cache" / "ab-worktrees" / "999999999-abc"
    stale.mkdir(parents=True)
    assert sweep(repo) == [stale] and not stale.exists()
