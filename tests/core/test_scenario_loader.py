"""Scenario files: good ones load into models, bad ones name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from agnobench.catalog import builtin_scenarios, select
from agnobench.errors import InputError
from agnobench.scenario import load_scenario

GOOD = '''
name = "my-agent"
description = "my factory"
suite = "mine"
operation = "calib_ops:bytearray_1000"
setup = "calib_ops:make_state"
default = false
[targets]
time_per_op_ns = { max = 1000 }
retained_bytes_per_op = { min = 1, max = 3072 }
[reference.go-doc]
label = "Go"
time_per_op_ns = 184.5
[thresholds]
time_per_op_ns = 5
[measure]
hold = 50
timeout_s = 30
passes = ["memory"]
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text)
    return path


def error_for(tmp_path: Path, text: str) -> InputError:
    with pytest.raises(InputError) as caught:
        load_scenario(write(tmp_path, text))
    return caught.value


def test_good_file_loads_into_a_validated_model(tmp_path: Path) -> None:
    scenario = load_scenario(write(tmp_path, GOOD))
    assert scenario.name == "my-agent"
    assert scenario.setup == "calib_ops:make_state"
    assert scenario.default is False
    assert [(t.metric, t.min, t.max) for t in scenario.targets] == [
        ("time_per_op_ns", None, 1000.0), ("retained_bytes_per_op", 1.0, 3072.0)]
    assert scenario.references[0].values == {"time_per_op_ns": 184.5}
    assert scenario.thresholds == {"time_per_op_ns": 5.0}
    assert scenario.measure.hold == 50 and scenario.measure.passes == ("memory",)


@pytest.mark.parametrize("text, field, words", [
    ('name = "x"\ndescription = "d"\nsuite = "s"\n', "operation", "missing required key"),
    (GOOD.replace("operation =", "opration ="), "opration", "did you mean 'operation'"),
    (GOOD.replace('default = false', 'default = "no"'), "default", "must be true or false"),
    (GOOD.replace('"calib_ops:bytearray_1000"', '"calib_ops.bytearray_1000"'), "operation", "package.module:function"),
    (GOOD.replace("time_per_op_ns = { max = 1000 }", "time_per_op = { max = 1000 }"), "targets.time_per_op",
     "did you mean 'time_per_op_ns'"),
    (GOOD.replace("{ max = 1000 }", "{ maximum = 1000 }"), "targets.time_per_op_ns.maximum", "did you mean 'max'"),
    (GOOD.replace("{ max = 1000 }", '{ max = "fast" }'), "targets.time_per_op_ns.max", "must be a number"),
    (GOOD.replace('passes = ["memory"]', 'passes = ["memroy"]'), "measure.passes.memroy", "did you mean 'memory'"),
    (GOOD.replace("hold = 50", "hold = -1"), "measure.hold", "must be positive"),
    (GOOD.replace('name = "my-agent"', 'name = "my agent!"'), "name", "letters, digits"),
])
def test_bad_files_name_the_field(tmp_path: Path, text: str, field: str, words: str) -> None:
    error = error_for(tmp_path, text)
    assert error.field == field
    assert words in error.message
    line = error.one_line()
    assert "\n" not in line and str(tmp_path / "scenario.toml") in line and field in line


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    error = error_for(tmp_path, 'name = "x\noperation = 3')
    assert error.field is None and "malformed TOML" in error.message
    assert "scenario.toml" in error.one_line()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_scenario(tmp_path / "nope.toml")


def test_builtin_scenarios_load_with_unique_names() -> None:
    scenarios = builtin_scenarios()
    names = [s.name for s in scenarios]
    assert len(names) == len(set(names))
    assert {"agent-create-simple", "agent-create-tools", "agent-create-memory", "python-floor"} <= set(names)
    for scenario in scenarios:
        if scenario.suite == "creation":
            assert {t.metric for t in scenario.targets} == {"time_per_op_ns", "retained_bytes_per_op"}


def test_select_by_name_glob_suite_and_path(tmp_path: Path) -> None:
    assert [s.name for s in select(["agent-create-simple"])] == ["agent-create-simple"]
    assert {s.name for s in select(["agent-create-*"])} == {"agent-create-simple", "agent-create-tools",
                                                           "agent-create-memory"}
    assert "python-floor" in {s.name for s in select([], suites=["creation"])}
    path = write(tmp_path, GOOD)
    assert [s.name for s in select([str(path)])] == ["my-agent"]
    default = select([])
    assert default and all(s.default for s in default)


def test_select_unknown_name_is_bad_input() -> None:
    with pytest.raises(InputError, match="no scenario or suite"):
        select(["no-such-scenario"])
