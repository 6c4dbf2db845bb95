"""The results file: round trip, atomic writes, and clear errors for bad files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from agnobench.errors import InputError
from agnobench.results import Metric, ResultsFile, ScenarioResult, TargetResult, load_results, save_results


def sample_results() -> ResultsFile:
    scenario = ScenarioResult(name="s", suite="creation", metrics={
        "time_per_op_ns": Metric.from_samples([10.0, 12.0, 11.0], "ns"),
        "ops_per_sec": Metric.single(1e9 / 11.0, "1/s"),
    }, targets=[TargetResult(metric="time_per_op_ns", value=11.0, met=True, max=1000.0)])
    failed = ScenarioResult(name="f", suite="creation", status="failed", error="boom")
    return ResultsFile(environment={"python": "3", "agno": "x", "platform": "p", "cpu_count": 2},
                       scenarios=[scenario, failed])


def test_round_trip(tmp_path: Path) -> None:
    path = save_results(sample_results(), tmp_path / "r.json")
    loaded = load_results(path)
    assert loaded.to_dict() == sample_results().to_dict() | {"created": loaded.created}
    time = loaded.scenario("s").metrics["time_per_op_ns"]
    assert time.median == 11.0 and time.samples == [10.0, 12.0, 11.0] and time.mad == 1.0
    assert loaded.scenario("s").targets[0].ratio == pytest.approx(0.011)
    assert loaded.scenario("f").error == "boom" and not loaded.scenario("f").ok


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = save_results(sample_results(), tmp_path / "r.json")
    before = path.read_text()

    def broken_dump(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", broken_dump)
    with pytest.raises(OSError):
        save_results(sample_results(), path)
    assert path.read_text() == before  # the old file is intact
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # and no temporary file is left


@pytest.mark.parametrize("content, words", [
    ('{"schema": "agnobench/1", "created": "x", "environment": {}, "scenar', "not valid JSON"),
    ('{"benchmarks": []}', "not an agnobench results file"),
    ('{"schema": "agnobench/2", "created": "x", "environment": {}}', "missing"),
    ('{"schema": "agnobench/2", "created": "x", "environment": {}, "scenarios": [{"name": "a", "status": "ok", '
     '"metrics": {"t": {"samples": []}}}]}', "median"),
    ('{"schema": "agnobench/1", "created": "x", "environment": {}, "scenarios": []}', "agnobench 0.1"),
    ('[1, 2]', "not an agnobench results file"),
])
def test_bad_files_raise_input_error_naming_the_file(tmp_path: Path, content: str, words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError) as caught:
        load_results(path)
    assert words in caught.value.one_line() and "bad.json" in caught.value.one_line()
