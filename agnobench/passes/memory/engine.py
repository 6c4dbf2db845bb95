"""retained_bytes_per_op, allocated_bytes_per_op and allocs_per_op.

Retained: ``hold`` results are kept alive at once in a list allocated before
tracing starts; tracemalloc's traced total after a full collection, minus the
total before, divided by ``hold``. tracemalloc sees every block Python's
allocators hand out (pymalloc included), at its requested size.

Allocated: memray records every allocation with ``trace_python_allocators``
so pymalloc's small objects are seen. Two sessions of n and 2n ops are
subtracted, so the tracker's own start-up and any first-call work cancel.
memray follows Python stacks with a profile hook, and on CPython a profile
hook makes the interpreter build a frame object for every Python call it
sees: allocations that do not happen without the profiler. They are counted
with an identical hook (see :func:`profiler_frames_per_op`) and subtracted.
"""

from __future__ import annotations

import gc
import itertools
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

import memray
from memray import AllocatorType

from agnobench import tempdirs
from agnobench.measure.calls import async_of, fill, repeat

Operation = Callable[[], Any]

# Every allocator call that hands out memory. MMAP is left out: pymalloc maps
# its arenas with it, and the blocks carved from them are already counted.
ALLOCATING = frozenset({
    AllocatorType.PYMALLOC_MALLOC, AllocatorType.PYMALLOC_CALLOC, AllocatorType.PYMALLOC_REALLOC,
    AllocatorType.MALLOC, AllocatorType.CALLOC, AllocatorType.REALLOC, AllocatorType.POSIX_MEMALIGN,
    AllocatorType.ALIGNED_ALLOC, AllocatorType.MEMALIGN, AllocatorType.VALLOC, AllocatorType.PVALLOC,
})
_GENERATOR_FLAGS = 0x20 | 0x80 | 0x200  # CO_GENERATOR | CO_COROUTINE | CO_ASYNC_GENERATOR


def estimate_op_seconds(op: Operation, budget_s: float = 0.05) -> float:
    """A rough time per op (a few calls), to size the memory passes."""
    calls, start = 0, time.perf_counter()
    while True:
        op()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget_s or calls >= 1000:
            return elapsed / calls


MEMRAY_SESSION_S = 0.02  # seconds of (untraced) ops per memray session: memray slows an op 2-3x, and every
# record is read back, so a slow op with many allocations would cost seconds at a fixed count


def alloc_ops_for(op_seconds: float, most: int, least: int = 5) -> int:
    """Ops per memray session for an op of ``op_seconds``: ~MEMRAY_SESSION_S of them, within [least, most]."""
    return max(least, min(most, int(MEMRAY_SESSION_S / max(op_seconds, 1e-9))))


def retained_per_op(op: Operation, hold: int, rounds: int) -> list[float]:
    """Net traced bytes per live result, one sample per round.

    What existed before is frozen (``gc.freeze``) after a first full collection: the collections around
    each round then walk only what the ops made, not the whole of agno's import (~35 ms each, seven per
    scenario, before), and what they find — the ops' own garbage — is the same."""
    holder: list[Any] = [None] * hold
    samples = []
    gc.collect()
    gc.freeze()
    tracemalloc.start()
    try:
        for _ in range(rounds):
            gc.collect()
            before = tracemalloc.get_traced_memory()[0]
            fill(op, holder)
            gc.collect()
            after = tracemalloc.get_traced_memory()[0]
            samples.append((after - before) / hold)
            for i in range(hold):
                holder[i] = None
            gc.collect()
    finally:
        tracemalloc.stop()
        gc.unfreeze()
    return samples


def _memray_totals(op: Operation, ops: int, directory: str) -> tuple[int, int]:
    """(allocations, bytes) memray records while running ``ops`` ops."""
    path = Path(directory) / f"alloc-{ops}-{time.monotonic_ns()}.bin"
    aop = async_of(op)  # an async op: awaited in one coroutine, as the timing pass does (no loop turn per op)
    with memray.Tracker(path, trace_python_allocators=True, native_traces=False):
        if aop is None:
            for _ in itertools.repeat(None, ops):  # range() would allocate ints > 256
                op()
        else:
            repeat(aop, ops)
    totals = _totals_in_native_code(path)
    if totals is None:
        totals = _totals_record_by_record(path)
    path.unlink()
    return totals


def _totals_record_by_record(path: Path) -> tuple[int, int]:
    count = size = 0
    for record in memray.FileReader(path).get_allocation_records():
        if record.allocator in ALLOCATING:
            count += record.n_allocations
            size += record.size
    return count, size


def _totals_in_native_code(path: Path) -> tuple[int, int] | None:
    """The same totals from memray's own statistics (what ``memray stats`` prints), summed in C++: 2-4x
    faster than a Python object per record, which was most of the memory pass for an agent run (~400,000
    records a session). Its totals cover every allocator that hands out memory, MMAP included, and do not
    give MMAP's bytes apart; so when a session has MMAP records (native code mapping memory itself) or this
    memray lacks the function, None: the caller reads record by record."""
    try:
        from memray._memray import compute_statistics
    except ImportError:
        return None
    try:
        stats = compute_statistics(str(path), num_largest=1)
    except (TypeError, NotImplementedError):  # another memray's signature, or a file it cannot sum
        return None
    if stats.allocation_count_by_allocator.get(AllocatorType.MMAP.name, 0):
        return None
    return int(stats.total_num_allocations), int(stats.total_memory_allocated)


def profiler_frames_per_op(op: Operation, ops: int) -> tuple[float, float, float]:
    """(frame objects, their bytes, Python calls) per op caused by a profile hook.

    An async op runs inside one coroutine per session, and the event loop's own
    calls around it are per session, not per op: two sessions of n and 2n ops
    are subtracted, as the allocation counts are."""
    if async_of(op) is None:
        frames, size, calls = _hooked_frames(op, ops)
        return frames / ops, size / ops, calls / ops
    f1, s1, c1 = _hooked_frames(op, ops)
    f2, s2, c2 = _hooked_frames(op, 2 * ops)
    return (f2 - f1) / ops, (s2 - s1) / ops, (c2 - c1) / ops


def _hooked_frames(op: Operation, ops: int) -> tuple[int, int, int]:
    """(frame objects, their bytes, Python calls) a profile hook sees over ``ops`` ops.

    A plain function's frame object is always new at its 'call' event; a
    generator's or coroutine's is built once, on its first resumption, and
    kept, so those are counted once per frame.
    """
    frames = calls = size = 0
    seen: dict[int, Any] = {}

    def hook(frame: Any, event: str, _arg: Any) -> None:
        nonlocal frames, calls, size
        if event != "call":
            return
        calls += 1
        if frame.f_code.co_flags & _GENERATOR_FLAGS:
            if id(frame) in seen:
                return
            seen[id(frame)] = frame  # keeps the id unique while counting
        frames += 1
        size += sys.getsizeof(frame)

    aop = async_of(op)
    threading.setprofile(hook)
    sys.setprofile(hook)
    try:
        if aop is None:
            for _ in itertools.repeat(None, ops):
                op()
        else:
            repeat(aop, ops)
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    seen.clear()
    return frames, size, calls


def allocations_per_op(op: Operation, ops: int, rounds: int) -> dict[str, Any]:
    """Samples of allocations and bytes per op, with the profiler's frames removed."""
    frames, frame_bytes, calls = profiler_frames_per_op(op, ops)
    counts, sizes = [], []
    with tempfile.TemporaryDirectory(prefix=tempdirs.prefix("memray")) as directory:
        for _ in range(rounds):
            n1, b1 = _memray_totals(op, ops, directory)
            n2, b2 = _memray_totals(op, 2 * ops, directory)
            counts.append((n2 - n1) / ops - frames)
            sizes.append((b2 - b1) / ops - frame_bytes)
    return {"allocs": counts, "bytes": sizes, "profiler_frames_per_op": frames,
            "python_calls_per_op": calls, "ops_per_session": ops}


def measure_memory(op: Operation, hold: int, rounds: int, max_alloc_ops: int) -> dict[str, Any]:
    """The memory pass: sized to the op so a slow op stays affordable."""
    for _ in range(3):
        op()  # first calls may fill caches that are not per-op cost
    seconds = max(estimate_op_seconds(op), 1e-9)
    # Budgets per round: ~0.05 s of held results untraced (tracemalloc slows an op ~5x, so ~0.25 s) and
    # MEMRAY_SESSION_S of ops per memray session. Retained bytes and allocation counts are deterministic
    # for most ops, so a slow op loses little by holding fewer results; a fast one keeps the full counts.
    hold = max(10, min(hold, int(0.05 / seconds)))
    alloc_ops = alloc_ops_for(seconds, max_alloc_ops)
    retained = retained_per_op(op, hold, rounds)
    allocations = allocations_per_op(op, alloc_ops, rounds)
    return {"retained": retained, "hold": hold, **allocations}


