"""The program callgrind runs: ``python -m agnobench.passes.instructions.child SPEC.json``.

One process counts every selected scenario, so agno is imported (and paid
for under valgrind) once, not once per scenario. For each scenario in turn it
builds the operation as the timing worker does, then runs the op in
*regions*. Callgrind instruments (and so runs ~35× slower than native) only
from just before a scenario's first region to just after its last: the
child switches instrumentation with client requests
(:mod:`agnobench.passes.instructions.callgrind_requests`), and the imports, setup and
warm-up before run at ~7×. Each request is a ctypes call too, so callgrind
writes a profile for it; the region numbering counts those. Each region is a ctypes call of libc's ``qsort`` on two
elements, whose comparison callback runs the op loop; callgrind is started
with ``--collect-atstart=no --toggle-collect=ffi_call --dump-after=ffi_call``,
so it counts only inside regions and writes one profile per region. Python
start-up, imports and setup are never counted, and the op's own work is
bracketed by a C function that nothing else in the process calls. Each
region's profile number is read back from the dump directory, so a ctypes
call in a scenario's setup cannot shift the regions of the next one (the
count is checked again after the last region).

Regions come in pairs of ``n1`` and ``n2`` ops, the first pairs dropped as
warm-up; ``(I(n2) - I(n1)) / (n2 - n1)`` is one sample of instructions per
op, and the constant cost of entering a region (ctypes, qsort, the callback)
cancels. Before each region a ``gc.collect()`` gives every region the same
collector state; what setup and imports built is frozen first
(``gc.freeze()``), and what survives each collection is frozen after it, so
that collection only walks what the op made since the last region (a full one
over agno's heap took ~0.1 s natively, far more under valgrind, before every
region). Each sample runs in a different method-cache layout
(:class:`Layouts`), so the median does not hang on where memory happened to
put things; one uncounted op after each change of layout refills the cache
(a plain call, not a region: a region costs a profile to write).

The child picks the loop counts itself: a region of 0 ops and one of 1 op
tell it (from callgrind's own dump files) what an op costs, and ``n2 - n1``
is the power of two that reaches the instruction budget. Powers of two keep
the choice identical from run to run.

Each scenario's outcome is one ``counted`` event (its region plan, or its
error): a scenario that fails does not stop the others, and one that
crashes the process loses only itself (the parent starts the rest again).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import itertools
import math
import os
import sys
from pathlib import Path
from typing import Any, Callable

from agnobench.passes.instructions.callgrind_requests import ClientRequests

Emit = Callable[..., None]

_COMPARE = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)
MAX_OPS_PER_REGION = 1 << 16


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or None)


class CountError(RuntimeError):
    """This scenario cannot be counted; the message says why (e.g. its op calls ctypes itself)."""


def last_dump(dump_base: str) -> int:
    """The number of callgrind's newest region profile (``BASE.N``), 0 before the first."""
    directory, _, prefix = dump_base.rpartition("/")
    numbers = [int(name[len(prefix) + 1:]) for name in os.listdir(directory or ".")
               if name.startswith(prefix + ".") and name[len(prefix) + 1:].isdigit()]
    return max(numbers, default=0)


class Regions:
    """Runs op loops inside a region callgrind counts, and reads the dumps back.

    ``plan`` lists ``[label, ops, dump number]`` per region, for the parent.
    """

    def __init__(self, op: Callable[[], Any], dump_base: str, libc: ctypes.CDLL,
                 requests: ClientRequests | None = None) -> None:
        self.op = op
        self.dump_base = dump_base
        self.libc = libc
        self.requests = requests
        self.plan: list[list[Any]] = []
        self.last = last_dump(dump_base)  # what earlier scenarios (or a ctypes call in setup) left

    def run(self, ops: int, label: str) -> None:
        op = self.op

        def body(_a: Any, _b: Any) -> int:
            for _ in itertools.repeat(None, ops):
                op()
            return 0

        callback = _COMPARE(body)
        items = (ctypes.c_int * 2)(0, 1)
        gc.collect()
        gc.freeze()  # what survived, out of the way: the next collect walks only what came since (the op's garbage)
        self.libc.qsort(items, 2, ctypes.sizeof(ctypes.c_int), callback)  # one comparison: one region
        self.last += 1  # no I/O here: anything allocated between two regions would move the next one's count
        self.plan.append([label, ops, self.last])

    def instrument(self, on: bool) -> None:
        """Callgrind's instrumentation on or off, when the child may switch it (else it stays on throughout)."""
        if self.requests is None:
            return
        if on:
            self.requests.start_instrumentation()
        else:
            self.requests.stop_instrumentation()
        self.last += 1  # the request is a ctypes call, so it crosses ffi_call: callgrind writes one profile for it

    def check(self) -> None:
        """After the last region: one profile per region, or the op itself crossed ``ffi_call``."""
        written = last_dump(self.dump_base)
        if written != self.last:
            raise CountError(f"callgrind wrote {written - self.last + len(self.plan)} profiles for {len(self.plan)} "
                             f"regions: the operation itself seems to call C code through ctypes (ffi_call), which "
                             f"instruction mode uses to mark its regions")

    def totals(self, index: int) -> int | None:
        """Instructions of this scenario's region ``index`` (0-based), read from callgrind's file."""
        path = Path(f"{self.dump_base}.{self.plan[index][2]}")
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        for line in text.splitlines():
            if line.startswith(("totals:", "summary:")):
                return int(line.split()[1])
        return None


def plan_counts(per_op: float, budget: float) -> tuple[int, int]:
    """(n1, n2): n2 - n1 a power of two reaching the budget, n1 a quarter of it (at least 1)."""
    per_op = max(per_op, 1.0)
    diff = 1 << max(0, math.ceil(math.log2(max(1.0, budget / per_op))))
    diff = min(diff, MAX_OPS_PER_REGION)
    n1 = max(1, diff // 4)
    return n1, n1 + diff


class Layouts:
    """Gives each sample a different method-cache layout, the same in every run.

    CPython caches attribute lookups in a 4096-slot table indexed by the
    type's version tag XOR the attribute name's *address*. Which lookups
    collide therefore depends on where strings landed in memory, and any
    change to the code or the environment moves them: measured on agno's
    ``Agent()``, counts then moved by up to 1.2 %. Averaging over layouts
    removes that: before each sample every heap type's tag is invalidated (an
    attribute set and deleted: ``PyType_Modified``), so the op's types get new
    tags from the global counter and a new collision pattern, and a
    sample-dependent number of spare types is made, which moves where later
    allocations land (they take no tag: CPython 3.11 tags a type at its first
    lookup, and ``__name__`` is found on the metatype). The sequence is fixed,
    so identical code still gives identical counts. New tags also
    un-specialise the op's bytecode, which re-specialises over its next
    ~50-100 executions: a sample counts part of that (docs/ci-gate.md).
    """

    HEAPTYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: types that accept new attributes
    SPARE = "_AgnobenchLayout"

    def __init__(self) -> None:
        # Collected first: an earlier scenario's spare types are garbage by now but still listed until a full
        # collection, and would be kept (and re-tagged every sample) here, more with every scenario counted.
        gc.collect()
        self.types = [t for t in gc.get_objects()
                      if isinstance(t, type) and t.__flags__ & self.HEAPTYPE and t.__name__ != self.SPARE]
        self.spare: list[type] = []

    def shuffle(self, sample: int) -> None:
        for cls in self.types:
            try:
                setattr(cls, "_agnobench_layout_", None)
                delattr(cls, "_agnobench_layout_")
            except Exception:  # a metaclass that refuses attributes keeps its tag; the rest still move
                pass
        for _ in range(1 + (sample * 7919) % 509):  # spare types, a different number each sample
            spare = type(self.SPARE, (), {})
            getattr(spare, "__name__")
            self.spare.append(spare)


def count_one(spec: dict[str, Any], scenario_path: str, libc: ctypes.CDLL,
              requests: ClientRequests | None = None) -> dict[str, Any]:
    """Build one scenario's op and count it in regions; its plan for the parent.

    With ``requests`` (callgrind started with ``--instr-atstart=no``), everything
    before the regions runs uninstrumented, ~10x faster; instrumentation is on
    from just before the first region to just after the last.
    """
    from agnobench.measure.operation import build_operation, check_operation
    from agnobench.scenario import load_scenario

    scenario = load_scenario(scenario_path)
    op = build_operation(scenario)
    check_operation(scenario, op)
    for _ in range(int(spec["warmup_ops"])):
        op()
    layouts = Layouts()  # before the freeze: gc.get_objects() does not list frozen objects
    gc.collect()
    gc.freeze()  # agno's heap out of the collector's way: the gc.collect() before each region stays cheap
    try:
        return _count_regions(spec, Regions(op, spec["dump_base"], libc, requests), layouts)
    finally:
        if requests is not None:
            requests.stop_instrumentation()  # after a failure: the next scenario's setup runs uninstrumented too
        gc.unfreeze()  # the next scenario starts from a heap the collector sees whole


def _count_regions(spec: dict[str, Any], regions: Regions, layouts: "Layouts") -> dict[str, Any]:
    op = regions.op
    regions.instrument(True)
    for ops in (0, 0, 1):  # the first region also pays the dynamic linker's first lookup of qsort
        regions.run(ops, "calibrate")
    empty, one = regions.totals(1), regions.totals(2)
    if empty is None or one is None:
        raise CountError("callgrind wrote no profile for the first regions (is this running under "
                         "`valgrind --tool=callgrind --dump-after=ffi_call`?)")
    per_op = float(one - empty)
    n1, n2 = plan_counts(per_op, float(spec["budget"]))
    warmup_pairs = int(spec.get("warmup_pairs", 2))
    for index in range(warmup_pairs + int(spec["repeats"])):  # warm-up pairs settle caches and specialisation
        label = "warmup" if index < warmup_pairs else "sample"
        layouts.shuffle(index)
        op()  # refills the method cache for this layout, uncounted (outside any region, so no profile to write)
        regions.run(n1, label)
        regions.run(n2, label)
    regions.instrument(False)  # switching it for every sample was slower: each switch drops valgrind's translations
    regions.check()
    return {"plan": regions.plan, "n1": n1, "n2": n2, "estimate_per_op": per_op}


class ExactPathFinder:
    """Top-level modules of the user's directories, found by exact path, never by listing them.

    The import system caches each ``sys.path`` directory's listing in the heap,
    so the number and names of files in the current directory (a results file
    written there, say) moved counts by ~0.6 %. Checked by path, only the
    module's own file matters.
    """

    def __init__(self, directories: list[str]) -> None:
        self.directories = [os.path.abspath(d) for d in directories]

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        import importlib.util

        if path is not None or "." in name:
            return None
        for directory in self.directories:
            module = os.path.join(directory, name + ".py")
            if os.path.isfile(module):
                return importlib.util.spec_from_file_location(name, module)
            package = os.path.join(directory, name)
            if os.path.isfile(os.path.join(package, "__init__.py")):
                return importlib.util.spec_from_file_location(name, os.path.join(package, "__init__.py"),
                                                              submodule_search_locations=[package])
        return None


def count_all(spec: dict[str, Any], emit: Emit) -> dict[str, Any]:
    """Every scenario of the spec in turn; each one's outcome as a ``counted`` event."""
    from agnobench.harness.child import error_payload
    from agnobench.measure import netguard

    sys.meta_path.insert(0, ExactPathFinder(spec["import_paths"]))  # first, as add_import_paths would put them
    libc = _libc()
    requests = ClientRequests() if spec.get("instrumentation") == "regions" else None
    for name, scenario_path in spec["scenarios"]:
        emit(event="progress", message=f"instructions: {name} (under callgrind)", scenario=name)
        emit(event="started", scenario=name)
        seen = len(netguard.violations())
        try:
            counted = count_one(spec, scenario_path, libc, requests)
            attempts = netguard.violations()[seen:]
            if attempts:
                raise CountError("network access attempted: " + "; ".join(attempts[:3]))
        except Exception as exc:  # this scenario fails; the others are still counted
            payload = {"error": str(exc), "bad_input": False} if isinstance(exc, CountError) else error_payload(exc)
            emit(event="counted", scenario=name, **payload, network_events=netguard.violations()[seen:])
            continue
        emit(event="counted", scenario=name, **counted)
    return {"python": sys.version.split()[0]}


if __name__ == "__main__":
    from agnobench.harness.child import child_main

    child_main(count_all)
