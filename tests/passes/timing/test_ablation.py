"""AGNOBENCH_ABLATE: each named layer of the timing method is off, and only that one."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from agnobench.environment import describe, worker_environment
from agnobench.errors import InputError
from agnobench.harness import layout
from agnobench.measure import ablation
from agnobench.passes.timing import engine as headline
from agnobench.passes.timing.estimate import estimate
from agnobench.measure.machine import FILE_NAME, machine_key
from agnobench.core.settings import DEFAULT
from agnobench.passes.timing.bursts import BurstPlan, ChildPairs, cpu_hopping


def _phased(fast: int, slow: int) -> ChildPairs:
    """``fast`` pairs at kernel 10,000 ns and op/kernel 0.02, then ``slow`` at 16,000 ns and op/kernel 0.022."""
    return ChildPairs(op_ns=[200.0] * fast + [352.0] * slow, kernel_ns=[10_000.0] * fast + [16_000.0] * slow)


def test_names_are_parsed_and_an_unknown_one_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ablation.parse(" retime, cpu_hop ,") == {"retime", "cpu_hop"}
    assert ablation.parse("") == frozenset()
    with pytest.raises(InputError) as raised:
        ablation.parse("retime,fast_pair")
    assert raised.value.one_line().startswith("error: AGNOBENCH_ABLATE: unknown timing layer 'fast_pair'")
    monkeypatch.setenv(ablation.ENV, "layout")
    assert ablation.off("layout") and not ablation.off("retime")
    monkeypatch.delenv(ablation.ENV)
    assert not ablation.off("layout")


def test_an_unknown_layer_stops_the_run_before_measuring(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from agnobench.cli import app

    monkeypatch.setenv(ablation.ENV, "nope")
    result = CliRunner().invoke(app, ["run", "python-floor", "--quick", "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 2 and not (tmp_path / "r.json").exists()
    assert "AGNOBENCH_ABLATE: unknown timing layer 'nope'" in result.output


def test_workers_inherit_the_switch_and_the_results_file_records_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ablation.ENV, "retime,layout")
    assert worker_environment()[ablation.ENV] == "retime,layout"
    assert describe()["ablated"] == ["layout", "retime"]
    monkeypatch.delenv(ablation.ENV)
    assert "ablated" not in describe()


def test_fast_pairs_off_counts_every_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    children = [_phased(60, 40) for _ in range(4)]
    assert estimate(children, value_pairs=10).fast_share == pytest.approx(0.6)
    monkeypatch.setenv(ablation.ENV, "fast_pairs")
    est = estimate(children, value_pairs=10)
    assert est.fast_share == 1.0
    assert max(est.rel) == pytest.approx(0.022) and min(est.rel) == pytest.approx(0.02)  # the slow phase counts


def test_cpu_hop_and_layout_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(layout.HASH_SEED_ENV, "7")
    assert cpu_hopping() and layout.current().hash_seed == "7"
    monkeypatch.setenv(ablation.ENV, "cpu_hop,layout")
    assert not cpu_hopping()
    assert layout.current() == layout.Layout(hash_seed=layout.RANDOM, address_randomization=True)
    assert "PYTHONHASHSEED" not in layout.apply({"PYTHONHASHSEED": "0"})


@pytest.mark.parametrize("ablate, extra", [("", DEFAULT.processes), ("retime", 0), ("recent_fast", 0)])
def test_retime_and_recent_fast_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ablate: str,
                                    extra: int) -> None:
    """Record and recent fast level 10,000 ns; this timing's counted pairs at 12,000 ns, its fastest bursts at
    10,500. Against the recent level the counted pairs are slow: timed again. With retime off they are not;
    with recent_fast off, its fastest bursts are judged against the record (as with no recent entry): not slow."""
    monkeypatch.setenv("AGNOBENCH_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv(ablation.ENV, ablate)
    (tmp_path / FILE_NAME).write_text(json.dumps({machine_key(): {
        "best_kernel_ns": 10_000.0, "recorded": "2026-11-30T00:00:00+00:00", "scenarios": 9,
        "recent": [[time.time() - 30, 10_000.0]]}}))
    fast_seen: list[float | None] = []

    def middle_phase(_op: object, _plan: object, fast_ns: float | None) -> ChildPairs:
        fast_seen.append(fast_ns)
        return ChildPairs(op_ns=[210.0] * 10 + [252.0] * 90, kernel_ns=[10_500.0] * 10 + [12_000.0] * 90)

    monkeypatch.setattr(headline, "plan_bursts", lambda _op, _settings: BurstPlan(1, 32, 100, 0))
    monkeypatch.setattr(headline, "timed_child", middle_phase)
    monkeypatch.setattr(headline, "wait_for_fast", lambda _plan, _fast_ns, budget_s: (budget_s > 0, 0.0))
    measured = headline.measure_time(lambda: None, DEFAULT)
    assert measured.extra_children == extra
    assert set(fast_seen) == {10_000.0}  # the recent level and the record agree here
