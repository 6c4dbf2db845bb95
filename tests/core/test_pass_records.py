"""Per-pass results in the file: a round trip through agnobench/2, agnobench/1 refused, misfits are bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from agnobench.errors import InputError
from agnobench.measure.pipeline import assemble
from agnobench.passes.batch.contract import BatchResult, CurvePoint
from agnobench.passes.timing import TimingResult
from agnobench.results import ResultsFile, ScenarioResult, load_results, results_from_dict, save_results


def _v1(details: dict) -> dict:
    return {"schema": "agnobench/1", "created": "x", "environment": {},
            "scenarios": [{"name": "a", "status": "ok", "metrics": {"time_per_op_ns": {"median": 5.0}},
                           "details": details}]}


def test_a_payload_keeps_each_pass_apart_and_the_first_pass_owns_the_plain_name(tmp_path: Path) -> None:
    payload = {"passes": {
        "timing": {"samples": {"time_per_op_ns": [100.0, 200.0]}, "details": {"loops": 7}, "wall_s": 1.0},
        "batch": {"samples": {"time_per_op_ns": [50.0], "total_time_ns": [5e4]},
                  "details": {"counts": [1000], "curve": [{"count": 1000, "total_time_ns": 5e4}]}, "wall_s": 2.0}},
        "details": {"network_events": []}}
    metrics, passes, details = assemble(payload)
    assert metrics["time_per_op_ns"].median == 150.0 and metrics["batch.time_per_op_ns"].median == 50.0
    assert metrics["ops_per_sec"].median == pytest.approx(1e9 / 150.0) and "batch.ops_per_sec" not in metrics
    assert passes["batch"].metrics["ops_per_sec"].median == pytest.approx(2e7)  # derived within its own pass
    assert details == {"network_events": []}
    out = save_results(ResultsFile({}, [ScenarioResult("a", "s", metrics=metrics, passes=passes)]), tmp_path / "r.json")
    back = load_results(out).scenarios[0]
    assert back.result_of("timing") == TimingResult(loops=7)
    assert back.result_of("batch") == BatchResult(counts=[1000], curve=[CurvePoint(count=1000, total_time_ns=5e4)])
    assert back.passes["batch"].wall_s == 2.0 and back.metrics["batch.time_per_op_ns"].samples == [50.0]


def test_an_agnobench_1_file_is_refused_with_a_line_that_says_which_version_wrote_it() -> None:
    with pytest.raises(InputError) as caught:
        results_from_dict(_v1({"loops": 3}), "old.json")
    assert caught.value.field == "schema" and "agnobench 0.1" in str(caught.value)


def _v2(passes: object) -> dict:
    return {"schema": "agnobench/2", "created": "x", "environment": {},
            "scenarios": [{"name": "a", "status": "ok", "metrics": {}, "passes": passes}]}


@pytest.mark.parametrize("document, field", [
    (_v2({"timing": {"metrics": {}, "details": {"loops": "many"}}}), "scenarios[a].passes.timing.details"),
    (_v2({"batch": {"metrics": {}, "details": {"curve": 3}}}), "scenarios[a].passes.batch.details"),
    (_v2([1]), "scenarios[a].passes"),
])
def test_details_that_do_not_fit_their_pass_are_bad_input_naming_the_field(document: dict, field: str) -> None:
    with pytest.raises(InputError) as caught:
        results_from_dict(document, "bad.json")
    assert caught.value.field == field
