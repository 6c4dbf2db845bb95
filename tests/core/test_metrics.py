"""Metric correctness on operations whose answers are known.

Each figure here is derivable without a clock: the size of an object, the
number of objects an op makes. The memory pass must find exactly that.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

import calib_ops
from agnobench.passes.memory import engine as memory
from agnobench.passes.memory.engine import allocations_per_op, measure_memory, profiler_frames_per_op, retained_per_op
from agnobench.stats import percentile, summarize


def test_retained_bytes_of_a_known_object_is_its_size() -> None:
    samples = retained_per_op(calib_ops.bytearray_1000, hold=200, rounds=3)
    expected = sys.getsizeof(bytearray(1000))
    for sample in samples:
        assert sample == pytest.approx(expected, rel=0.02)


def test_an_op_that_keeps_nothing_retains_nothing() -> None:
    samples = retained_per_op(calib_ops.k_objects, hold=100, rounds=2)
    assert all(abs(s) < 8 for s in samples)


def test_allocations_per_op_count_every_object_made() -> None:
    result = allocations_per_op(calib_ops.k_objects, ops=20, rounds=2)
    expected_count = calib_ops.K_OBJECTS + 1  # the objects and the itertools.repeat driving the loop
    expected_bytes = calib_ops.K_OBJECTS * sys.getsizeof(calib_ops.Slotted()) + sys.getsizeof(
        itertools.repeat(None, calib_ops.K_OBJECTS))
    for count, size in zip(result["allocs"], result["bytes"]):
        assert count == pytest.approx(expected_count, abs=0.5)
        assert size == pytest.approx(expected_bytes, rel=0.01)


def test_a_bytearray_is_two_allocations_of_its_size() -> None:
    result = allocations_per_op(calib_ops.bytearray_1000, ops=20, rounds=1)
    assert result["allocs"][0] == pytest.approx(2, abs=0.1)  # the object and its buffer
    assert result["bytes"][0] == pytest.approx(sys.getsizeof(bytearray(1000)), rel=0.01)


def test_frames_the_profiler_forces_are_not_counted_as_allocations() -> None:
    frames, _, calls = profiler_frames_per_op(calib_ops.calls_only, ops=10)
    assert calls == frames == 32  # calls_only, then _recurse for n = 30..0: each a new frame under a profiler
    result = allocations_per_op(calib_ops.calls_only, ops=10, rounds=2)
    assert all(abs(count) < 1.5 for count in result["allocs"]), result["allocs"]


def test_native_totals_are_the_record_by_record_totals(tmp_path: Path) -> None:
    """memray's own statistics (summed in C++) give exactly what reading every record gives."""
    import memray

    path = tmp_path / "session.bin"
    keep = []
    with memray.Tracker(path, trace_python_allocators=True, native_traces=False):
        for _ in range(50):
            keep.append((calib_ops.k_objects(), bytearray(1000), {"k": [1, 2, 3]}))
    native = memory._totals_in_native_code(path)
    assert native is not None  # this memray has it: otherwise the test says nothing
    count, size = memory._totals_record_by_record(path)
    assert native == (count, size)
    assert count >= 50 * (calib_ops.K_OBJECTS + 2)


def test_memory_pass_reports_held_count_and_samples() -> None:
    result = measure_memory(calib_ops.bytearray_1000, hold=50, rounds=2, max_alloc_ops=10)
    assert result["hold"] == 50 and len(result["retained"]) == 2 and len(result["allocs"]) == 2


def test_summary_statistics() -> None:
    s = summarize([1, 2, 3, 4, 100])
    assert s["median"] == 3 and s["min"] == 1 and s["max"] == 100 and s["n"] == 5
    assert s["mad"] == 1  # |x - 3| = 2,1,0,1,97 -> median 1
    assert percentile([1, 2, 3, 4], 50) == 2.5 and percentile([5], 99) == 5
