"""The headline in the suite table: time/op at the machine's full speed, a rerun's ±, the machine's speed."""

from __future__ import annotations

from typing import Any

from agnobench.reporters.sections import build_sections
from agnobench.results import Metric, PassRecord, ScenarioResult


def _timed(name: str, best: float, wall: float, speed_min: float, speed_max: float, **timing: Any) -> ScenarioResult:
    facts = {"pairs_per_process": 90, "rerun_pct": 0.8, "speed_min": speed_min, "speed_max": speed_max, "slow_phase_only": False,
             "machine": {"best_ns": 14_000.0, "best_before_ns": 14_000.0, "path": "/cache/machine-speed.json"},
             **timing}
    metrics = {"time_per_op_ns": Metric.from_samples([wall]), "time_per_op_best_ns": Metric.from_samples([best]),
               "time_per_op_rel": Metric.from_samples([best / 14_000]),
               "machine_speed": Metric.from_samples([speed_min, speed_max])}
    return ScenarioResult(name=name, suite="creation", metrics=metrics,
                          passes={"timing": PassRecord(metrics=metrics, details=facts)})


def _creation(*results: ScenarioResult) -> Any:
    return next(s for s in build_sections(list(results)) if s.title == "creation")


def test_headline_is_the_fast_phase_figure_with_the_rerun_spread_and_the_wall_beside_it() -> None:
    table = _creation(_timed("agent-create-simple", best=11_000, wall=20_000, speed_min=0.9, speed_max=1.0))
    assert table.columns[:5] == ["scenario", "time/op", "±", "wall/op", "speed"]
    assert table.rows[0][1:4] == ["11 µs", "0.8%", "20 µs"]
    assert any(n.startswith("machine speed: 90–100 % of the fastest") and "14 µs" in n for n in table.notes)
    assert not any(n.startswith("⚠") for n in table.notes)


def test_a_change_of_machine_speed_during_the_run_is_warned_about() -> None:
    table = _creation(_timed("a", 11_000, 12_000, 0.95, 1.0), _timed("b", 300, 600, 0.5, 0.6))
    warning = next(n for n in table.notes if n.startswith("⚠ the machine's speed changed"))
    assert "more than 20 %" in warning and "(50–100 %)" in warning


def test_a_scenario_timed_only_in_the_slow_phase_is_named() -> None:
    table = _creation(_timed("slowpoke", 11_000, 22_000, 0.5, 0.55, slow_phase_only=True))
    assert any(n.startswith("⚠ slowpoke: timed only while the machine ran slow") for n in table.notes)


def test_a_new_machine_record_is_noted() -> None:
    moved = _timed("a", 11_000, 12_000, 0.95, 1.0,
                   machine={"best_ns": 13_000.0, "best_before_ns": 14_000.0, "path": "/c/m.json"})
    table = _creation(moved)
    assert any("new fastest kernel" in n and "×1.077" in n for n in table.notes)


def test_a_result_without_timing_details_keeps_the_wall_time_and_its_mad() -> None:
    plain = ScenarioResult(name="old", suite="creation", metrics={"time_per_op_ns": Metric.from_samples([9, 10, 12])})
    table = _creation(plain)
    assert table.columns[:3] == ["scenario", "time/op", "±"] and "wall/op" not in table.columns
    assert table.rows[0][1] == "10 ns" and table.rows[0][2].endswith("%~")
