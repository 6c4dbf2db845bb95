"""`agnobench history` rows: labels for rows with several points, the change column reads the verdict's figure,
merged files are not counted again beside their runs, and changed package versions are named."""

from __future__ import annotations

from pathlib import Path

from agnobench.results import Metric, ResultsFile, ScenarioResult, load_results, save_results
from agnobench.results_merge import merge_results
from gate_files import ENVIRONMENT, invoke, noisy, scenario


def _point(path: Path, created: str, *scenarios: ScenarioResult, packages: dict | None = None) -> Path:
    env = dict(ENVIRONMENT, **({"packages": packages} if packages else {}))
    save_results(ResultsFile(environment=env, scenarios=list(scenarios), created=created,
                             settings={"mode": "full", "complete": True}), path)
    return path


def _wall_only(name: str, center: float, seed: int) -> ScenarioResult:
    return scenario(name, time=noisy(center, n=2, seed=seed))  # a concurrency scenario: no kernel


def test_a_row_with_several_points_is_never_labelled_first_point(tmp_path: Path) -> None:
    _point(tmp_path / "1.json", "2026-11-01T08:00:00+00:00", _wall_only("parallel-create", 17_800.0, 1))
    _point(tmp_path / "2.json", "2026-11-02T08:00:00+00:00", _wall_only("parallel-create", 19_000.0, 2))
    row = invoke("history", str(tmp_path), "--format", "json").json()["summary"][0]
    assert row["points"] == "2" and "first point" not in row["verdict"]
    assert row["verdict"] == "— not gated (information only)"


def test_change_column_uses_the_figure_the_verdict_judges(tmp_path: Path) -> None:
    # wall time doubled (a slow machine), time/kernel steady: the verdict and the change both read time/kernel
    _point(tmp_path / "1.json", "2026-11-01T08:00:00+00:00",
           scenario("s", time=noisy(10_000, seed=1), rel=noisy(1.0, seed=1)))
    _point(tmp_path / "2.json", "2026-11-02T08:00:00+00:00",
           scenario("s", time=noisy(20_000, seed=2), rel=noisy(1.0, seed=2)))
    row = invoke("history", str(tmp_path), "--format", "json").json()["summary"][0]
    assert row["metric"] == "wall/op" and row["verdict"].startswith("= unchanged")
    assert row["change"].endswith("(time/kernel)") and not row["change"].startswith("+100")


def test_a_merged_file_beside_its_runs_is_not_counted_again(tmp_path: Path) -> None:
    runs = [_point(tmp_path / f"{i}.json", f"2026-11-0{i}T08:00:00+00:00",
                   scenario("s", rel=noisy(1.0, seed=i))) for i in (1, 2)]
    merged = merge_results([load_results(p) for p in runs], [str(p) for p in runs])
    save_results(merged, tmp_path / "merged.json")
    data = invoke("history", str(tmp_path), "--format", "json").json()
    assert len(data["points"]) == 2 and data["summary"][0]["points"] == "2"
    assert any("merged.json" in s and "already in the history" in s for s in data["skipped"])


def test_changed_packages_are_named_beside_the_verdict(tmp_path: Path) -> None:
    heavy = scenario("s", rel=noisy(1.0, seed=1), allocated_bytes_per_op=[78_000.0] * 3)
    heavier = scenario("s", rel=noisy(1.0, seed=2), allocated_bytes_per_op=[88_000.0] * 3)
    for result, version in ((heavy, "2.14.4"), (heavier, "2.12.5")):
        result.details["packages"] = {"agno": "3.1.10", "pydantic": version}
    _point(tmp_path / "1.json", "2026-11-01T08:00:00+00:00", heavy, packages={"pydantic": "2.14.4"})
    _point(tmp_path / "2.json", "2026-11-02T08:00:00+00:00", heavier, packages={"pydantic": "2.12.5"})
    data = invoke("history", str(tmp_path), "--format", "json").json()
    assert "packages changed: pydantic 2.14.4 → 2.12.5" in data["summary"][0]["verdict"]
    compared = invoke("compare", str(tmp_path / "1.json"), str(tmp_path / "2.json"))
    assert compared.returncode == 1
    assert "the environments differ, packages changed: pydantic 2.14.4 → 2.12.5" in compared.stdout.replace("\n", " ")
