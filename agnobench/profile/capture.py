"""The memory profile's child side: N ops under memray's tracker.

Runs in ``python -m agnobench.profile._child`` with the op built and checked.
Everything here needs the live operation: the capture itself, a shorter
reference capture (the n vs 2n method of ``agnobench run``, so the tracker's
start-up and the session's fixed costs cancel out of per-op figures), a
capture with every result held (what the results retain), the op's
untracked time (to state memray's overhead), and the frame objects that
memray's profile hook makes CPython build.

Those frames are the one thing memray records that does not happen without
it: on CPython a profile hook materialises a frame object at every Python
call. :func:`agnobench.passes.memory.engine.profiler_frames_per_op` counts them for
the headline figure, exactly as ``agnobench run`` does;
:func:`profiler_frames_by_site` also says where memray files each one (at the
caller's line), so the per-site tables can leave them out too.
"""

from __future__ import annotations

import gc
import itertools
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

import memray

from agnobench import tempdirs
from agnobench.passes.memory.engine import (
    ALLOCATING,
    _GENERATOR_FLAGS,
    estimate_op_seconds,
    profiler_frames_per_op,
)
from agnobench.profile.origins import Origins

Operation = Callable[[], Any]

# Plain seconds of ops the capture aims for, and its bounds: enough ops that
# per-op figures settle, few enough that reading the capture stays quick.
FULL_BUDGET_S, FULL_OPS = 0.5, (20, 500)
QUICK_BUDGET_S, QUICK_OPS = 0.05, (5, 50)
WARMUP_SESSION_OPS = 3
HOOK_OPS_MAX = 200  # ops run under the counting hook (it is slow, and the count per op is stable)


def choose_ops(op_seconds: float, quick: bool) -> int:
    budget, (low, high) = (QUICK_BUDGET_S, QUICK_OPS) if quick else (FULL_BUDGET_S, FULL_OPS)
    return max(low, min(high, int(budget / max(op_seconds, 1e-9))))


def run_ops(op: Operation, ops: int) -> None:
    """The loop of the allocation sessions: ``agnobench run``'s, so the figures agree.

    Results are dropped at once, as in a timing loop: CPython's free lists
    then hand the next op its lists and dicts without calling the allocator,
    which changes allocation counts. ``itertools.repeat`` because ``range``
    would allocate an int per op past 256.
    """
    for _ in itertools.repeat(None, ops):
        op()


def hold_ops(op: Operation, holder: list[Any], indices: list[int]) -> None:
    """The loop of the retained session: every result stays alive to the end,
    so memray's leaks report shows what the results retain. ``indices`` is
    built before tracking starts, so the loop makes no int per op."""
    for i in indices:
        holder[i] = op()


def _release(holder: list[Any]) -> None:
    for i in range(len(holder)):
        holder[i] = None
    gc.collect()


def capture_totals(path: Path) -> tuple[int, int]:
    """(allocations, bytes) in a capture: allocator calls that hand out memory.

    ``metadata.total_allocations`` counts records, frees included, so it is
    not used; MMAP is left out because pymalloc's arenas are mapped with it
    and the blocks carved from them are counted already.
    """
    count = size = 0
    for record in memray.FileReader(path).get_allocation_records():
        if record.allocator in ALLOCATING:
            count += record.n_allocations
            size += record.size
    return count, size


def _session(op: Operation, ops: int, path: Path, native: bool, holder: list[Any] | None = None) -> float:
    """One memray session of ``ops`` ops (results held if ``holder`` is given);
    returns the seconds the ops took under the tracker."""
    if path.exists():
        path.unlink()
    indices = list(range(ops)) if holder is not None else []
    with memray.Tracker(path, trace_python_allocators=True, native_traces=native):
        started = time.perf_counter()
        if holder is None:
            run_ops(op, ops)
        else:
            hold_ops(op, holder, indices)
        elapsed = time.perf_counter() - started
        gc.collect()  # cyclic garbage is not retained: free it while memray watches
    if holder is not None:
        _release(holder)
    return elapsed


def profiler_frames_by_site(op: Operation, ops: int, origins: Origins) -> list[dict[str, Any]]:
    """Frame objects a profile hook forces, per op, keyed as memray files them.

    memray charges the frame of a call to the caller's current line; the
    innermost agno frame on the caller's stack is recorded too, for the
    "where in agno" table. Same counting rule as
    :func:`~agnobench.passes.memory.engine.profiler_frames_per_op`.
    """
    seen: dict[int, Any] = {}
    sites: dict[tuple[Any, ...], list[int]] = {}
    agno_files: dict[str, bool] = {}

    def agno_frame(frame: Any) -> tuple[str, str, int]:
        while frame is not None:
            file = frame.f_code.co_filename
            is_agno = agno_files.get(file)
            if is_agno is None:
                is_agno = agno_files[file] = origins.is_agno(file)
            if is_agno:
                return frame.f_code.co_name, file, frame.f_lineno
            frame = frame.f_back
        return "", "", 0

    loop_code = run_ops.__code__

    def hook(frame: Any, event: str, _arg: Any) -> None:
        if event != "call" or frame.f_code is loop_code:  # the loop's own frame is once per session, not per op
            return
        if frame.f_code.co_flags & _GENERATOR_FLAGS:
            if id(frame) in seen:
                return
            seen[id(frame)] = frame
        caller = frame.f_back
        site = (caller.f_code.co_name, caller.f_code.co_filename, caller.f_lineno) if caller else ("", "", 0)
        key = site + agno_frame(caller)
        entry = sites.get(key)
        if entry is None:
            entry = sites[key] = [0, 0]
        entry[0] += 1
        entry[1] += sys.getsizeof(frame)

    threading.setprofile(hook)
    sys.setprofile(hook)
    try:
        run_ops(op, ops)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    seen.clear()
    return [{"function": k[0], "file": k[1], "line": k[2],
             "agno_function": k[3], "agno_file": k[4], "agno_line": k[5],
             "frames_per_op": v[0] / ops, "bytes_per_op": v[1] / ops}
            for k, v in sites.items()]


def _plain_seconds(op: Operation, ops: int) -> float:
    """The ops' untracked time, best of two: the first pass may still grow the heap."""
    best = float("inf")
    for _ in range(2):
        started = time.perf_counter()
        run_ops(op, ops)
        best = min(best, time.perf_counter() - started)
    return best


def capture_memory(op: Operation, capture_path: Path, retained_path: Path, ops: int | None, quick: bool,
                   native: bool, origins: Origins, progress: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Warm the op, size the capture, run the sessions; return the per-op figures.

    Sessions, after a short warm-up one: a reference of n/2 ops and the capture of n (results dropped,
    as ``agnobench run`` does: per-op allocations are their difference), and
    a retained session of n ops with every result held (for the leaks view
    and retained bytes per op).
    """
    for _ in range(3):
        op()  # first calls fill caches that are not per-op cost
    op_seconds = estimate_op_seconds(op)
    ops = ops or choose_ops(op_seconds, quick)
    reference_ops = max(1, ops // 2)

    progress(f"timing {ops} ops without memray")
    plain_s = _plain_seconds(op, ops)

    progress("counting the frames memray's profile hook adds")
    hook_ops = min(ops, HOOK_OPS_MAX)
    frames, frame_bytes, calls = profiler_frames_per_op(op, hook_ops)
    frame_sites = profiler_frames_by_site(op, hook_ops, origins)

    with tempfile.TemporaryDirectory(prefix=tempdirs.prefix("profile")) as scratch:
        # The process's first memray session makes one-off allocations (about one
        # per code object it meets) that would land in the reference only.
        _session(op, WARMUP_SESSION_OPS, Path(scratch) / "warm-up.bin", native)
        progress(f"memray: reference session of {reference_ops} ops, then the capture of {ops}")
        reference_path = Path(scratch) / "reference.bin"
        _session(op, reference_ops, reference_path, native)
        # Back to back, and read afterwards: reading a capture makes garbage that
        # refills CPython's free lists, and the next session would allocate less.
        tracked_s = _session(op, ops, capture_path, native)
        reference_count, reference_bytes = capture_totals(reference_path)
    count, size = capture_totals(capture_path)
    progress(f"memray: {ops} ops with their results held")
    _session(op, ops, retained_path, native, holder=[None] * ops)

    span = ops - reference_ops
    raw_allocs = (count - reference_count) / span if span else count / ops
    raw_bytes = (size - reference_bytes) / span if span else size / ops
    return {
        "ops": ops,
        "reference_ops": reference_ops,
        "native": native,
        "capture_allocations": count,
        "capture_bytes": size,
        "reference_allocations": reference_count,
        "reference_bytes": reference_bytes,
        "raw_allocs_per_op": raw_allocs,
        "raw_bytes_per_op": raw_bytes,
        "profiler_frames_per_op": frames,
        "profiler_frame_bytes_per_op": frame_bytes,
        "python_calls_per_op": calls,
        "allocs_per_op": raw_allocs - frames,
        "bytes_per_op": raw_bytes - frame_bytes,
        "frame_sites": frame_sites,
        "hook_ops": hook_ops,
        "plain_s_per_op": plain_s / ops,
        "tracked_s_per_op": tracked_s / ops,
    }
