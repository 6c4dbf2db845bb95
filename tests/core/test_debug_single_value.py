"""--debug-single-value: the least measuring that proves each pass's path, and never taken for a measurement."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import calib_ops
from agnobench.core.model import Model
from agnobench.core.plugin import PassOutput, PassPlugin
from agnobench.measure.pipeline import reduced, run_pass
from agnobench.core.settings import DEBUG_SINGLE_VALUE, DEFAULT, QUICK, for_run, mode_name
from agnobench.results import save_results
from gate_files import invoke, noisy, results, scenario, write


@dataclass(frozen=True)
class _Params:
    rounds: int = 5
    calls: int = 100


@dataclass
class _Result(Model):
    pass


_PLUGIN = PassPlugin(name="toy", run=lambda ctx: PassOutput(), params=_Params, result=_Result,
                     quick=lambda p: replace(p, calls=p.calls // 10), debug=lambda p: replace(p, rounds=1))


def test_the_preset_is_one_process_one_value_one_memory_round() -> None:
    assert DEBUG_SINGLE_VALUE.debug_single_value and DEBUG_SINGLE_VALUE.quick  # every pass's quick rule applies
    assert DEBUG_SINGLE_VALUE.processes == 1 and DEBUG_SINGLE_VALUE.memory_rounds == 1
    assert DEBUG_SINGLE_VALUE.hold < QUICK.hold and DEBUG_SINGLE_VALUE.alloc_ops < QUICK.alloc_ops
    assert for_run(quick=False, debug_single_value=False) is DEFAULT
    assert for_run(quick=True, debug_single_value=False) is QUICK
    assert for_run(quick=True, debug_single_value=True) is DEBUG_SINGLE_VALUE
    assert [mode_name(s) for s in (DEFAULT, QUICK, DEBUG_SINGLE_VALUE)] == ["full", "quick", "debug-single-value"]


def test_a_pass_gets_its_quick_rule_then_its_debug_rule() -> None:
    assert reduced(_PLUGIN, _Params(), DEFAULT) == _Params()
    assert reduced(_PLUGIN, _Params(), QUICK) == _Params(rounds=5, calls=10)
    assert reduced(_PLUGIN, _Params(), DEBUG_SINGLE_VALUE) == _Params(rounds=1, calls=10)
    plain = PassPlugin(name="plain", run=lambda ctx: PassOutput(), params=_Params, result=_Result,
                       quick=_PLUGIN.quick)
    assert reduced(plain, _Params(), DEBUG_SINGLE_VALUE) == _Params(rounds=5, calls=10)  # no rule: quick's params


def test_timing_gives_one_process_and_one_value() -> None:
    out = run_pass("timing", calib_ops.bytearray_1000, DEBUG_SINGLE_VALUE)
    assert len(out.samples["time_per_op_ns"]) == 1 and out.samples["time_per_op_ns"][0] > 0
    assert out.details.timing_processes == 1


def test_batch_runs_one_round() -> None:
    out = run_pass("batch", calib_ops.bytearray_1000, DEBUG_SINGLE_VALUE, batch_counts=[1, 10])
    assert [row.count for row in out.details.curve] == [1, 10]
    assert out.details.rounds == 1


def test_compare_refuses_a_debug_single_value_file(tmp_path: Path) -> None:
    measured = write(tmp_path / "measured.json", scenario("a", rel=noisy(1.0)))
    debug = results(scenario("a", rel=noisy(1.0)))
    debug.settings = {"mode": "debug-single-value", **DEBUG_SINGLE_VALUE.to_dict()}
    save_results(debug, tmp_path / "debug.json")
    for pair in ((measured, tmp_path / "debug.json"), (tmp_path / "debug.json", measured)):
        result = invoke("compare", *map(str, pair))
        assert result.returncode == 2
        assert result.stderr.strip() == (f"error: {tmp_path / 'debug.json'}: settings.debug_single_value: a "
                                         "--debug-single-value run holds one value per pass, not a measurement: "
                                         "compare two measured runs")
    assert invoke("compare", str(measured), str(measured)).returncode == 0


def test_a_pool_with_a_debug_single_value_file_is_refused_too(tmp_path: Path) -> None:
    measured = write(tmp_path / "measured.json", scenario("a", rel=noisy(1.0, seed=1)))
    debug = results(scenario("a", rel=noisy(1.0, seed=2)))
    debug.settings = {"mode": "debug-single-value", **DEBUG_SINGLE_VALUE.to_dict()}
    save_results(debug, tmp_path / "debug.json")
    merged = tmp_path / "merged.json"
    assert invoke("merge", str(measured), str(tmp_path / "debug.json"), "-o", str(merged)).returncode == 0
    refused = invoke("compare", str(measured), str(merged))
    assert refused.returncode == 2 and "settings.debug_single_value" in refused.stderr


def test_history_leaves_a_debug_single_value_file_out_of_the_trends(tmp_path: Path) -> None:
    write(tmp_path / "measured.json", scenario("a", rel=noisy(1.0, seed=1)))
    debug = results(scenario("a", rel=noisy(1.0, seed=2)))
    debug.settings = {"mode": "debug-single-value", **DEBUG_SINGLE_VALUE.to_dict()}
    save_results(debug, tmp_path / "debug.json")
    data = invoke("history", str(tmp_path), "--format", "json").json()
    assert [Path(p["path"]).name for p in data["points"]] == ["measured.json"]
    assert any("debug.json" in s and "not a measurement" in s for s in data["skipped"])
