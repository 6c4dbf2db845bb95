"""``agnobench profile --mem``: N ops under memray, and what to act on.

The child (:mod:`.capture`) writes the capture and the per-op figures only
the live op can give. This module reads the capture in the parent: it sums
the allocations per stack, files each under its allocation site, its
innermost agno frame, its module and its origin, takes out the frame objects
memray's own profile hook caused (per site, as the child counted them), and
writes the offline flamegraphs, memray's stats JSON and agnobench's summary.

Per-op figures come in two kinds, on purpose:

- the headline ``allocs_per_op`` and ``bytes_per_op`` use ``agnobench run``'s
  method (a reference session of n/2 ops subtracted from the capture of n,
  profiler frames removed), so they agree with its ``allocs_per_op``;
- the tables divide the capture's totals by its N ops, so their rows can be
  compared with each other and with the flamegraph, which shows the same
  capture. Both exclude the profiler's frames.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

from memray import FileReader
from memray._memray import compute_statistics
from memray.reporters.stats import StatsReporter

from agnobench.passes.memory.engine import ALLOCATING
from agnobench.profile.artifacts import MemoryArtifacts
from agnobench.profile.flamegraphs import stack_totals, write_allocations_flamegraph, write_leaks_flamegraph
from agnobench.profile.launch import result_or_raise, run_child
from agnobench.profile.origins import ORIGINS, Origins, source_line
from agnobench.scenario import Scenario

NO_AGNO = ("", "", 0)  # the "innermost agno frame" of an allocation made outside any agno call
NO_PYTHON = ("<no Python frame>", "", 0)

Key = tuple[str, str, int]  # (function, file, line), as memray names a frame


@dataclass
class SiteRow:
    """A source line and what it allocates per op (profiler frames excluded)."""

    function: str
    file: str
    line: int
    origin: str
    location: str  # short file:line for display
    code: str = ""  # the source line
    bytes_per_op: float = 0.0
    allocs_per_op: float = 0.0
    retained_bytes_per_op: float = 0.0


@dataclass
class GroupRow:
    """A module or an origin, and what its code allocates per op."""

    name: str
    bytes_per_op: float
    allocs_per_op: float
    share_of_bytes: float = 0.0


@dataclass
class MemoryProfile:
    scenario: str
    ops: int
    reference_ops: int
    native: bool
    allocs_per_op: float
    bytes_per_op: float
    raw_allocs_per_op: float
    raw_bytes_per_op: float
    profiler_frames_per_op: float
    profiler_frame_bytes_per_op: float
    python_calls_per_op: float
    retained_bytes_per_op: float
    retained_allocs_per_op: float
    peak_memory_bytes: int  # heap high-water mark of the capture (results dropped)
    peak_memory_held_bytes: int  # ... of the retained capture (all N results alive at the end)
    capture_allocations: int
    capture_bytes: int
    memray_records: int
    plain_s_per_op: float
    tracked_s_per_op: float
    sites_by_size: list[SiteRow] = field(default_factory=list)
    sites_by_count: list[SiteRow] = field(default_factory=list)
    agno_sites: list[SiteRow] = field(default_factory=list)
    modules: list[GroupRow] = field(default_factory=list)
    origins: list[GroupRow] = field(default_factory=list)
    artifacts: dict[str, str] = field(default_factory=dict)
    wall_s: dict[str, float] = field(default_factory=dict)

    @property
    def slowdown(self) -> float:
        return self.tracked_s_per_op / self.plain_s_per_op if self.plain_s_per_op > 0 else float("nan")

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "mem", **asdict(self), "slowdown": self.slowdown}


@dataclass
class CaptureTables:
    """What :func:`analyse_capture` reads from the two captures."""

    reader: FileReader
    retained_reader: FileReader
    stacks: list[Any]  # allocations summed per stack, for the flamegraph
    leaked: list[Any]  # allocations alive at the end of the retained capture
    retained_bytes_per_op: float
    retained_allocs_per_op: float
    peak_memory_bytes: int
    peak_memory_held_bytes: int
    memray_records: int
    sites_by_size: list[SiteRow]
    sites_by_count: list[SiteRow]
    agno_sites: list[SiteRow]
    modules: list[GroupRow]
    origins: list[GroupRow]


class _Totals:
    """bytes and allocations summed under some key."""

    def __init__(self) -> None:
        self.values: defaultdict[Any, list[float]] = defaultdict(lambda: [0.0, 0.0])

    def add(self, key: Any, size: float, count: float) -> None:
        entry = self.values[key]
        entry[0] += size
        entry[1] += count


def _innermost_agno(stack: list[Key], origins: Origins) -> Key:
    return next((f for f in stack if origins.is_agno(f[1])), NO_AGNO)  # memray's frames are (function, file, line)


def _site_rows(totals: _Totals, ops: int, origins: Origins, retained: _Totals | None = None) -> list[SiteRow]:
    rows = []
    keys = set(totals.values) | (set(retained.values) if retained else set())
    for key in keys:
        function, file, line = key
        size, count = totals.values.get(key, (0.0, 0.0))
        if key == NO_AGNO:
            location, origin = "(allocated outside any agno call)", "other"
        else:
            location, origin = f"{origins.short(file)}:{line}" if file else function, origins.origin(file)
        row = SiteRow(function, file, line, origin, location, source_line(file, line), size / ops, count / ops)
        if retained is not None:
            row.retained_bytes_per_op = retained.values.get(key, (0.0, 0.0))[0] / ops
        rows.append(row)
    return rows


def _visible(row: SiteRow | GroupRow) -> bool:
    """Rows that net to nothing once the profiler's frames are out are noise, not sites."""
    return (abs(row.bytes_per_op) >= 0.5 or abs(row.allocs_per_op) >= 0.05
            or getattr(row, "retained_bytes_per_op", 0.0) >= 0.5)


def _group_rows(totals: _Totals, ops: int) -> list[GroupRow]:
    everything = sum(v[0] for v in totals.values.values()) or 1.0
    return [GroupRow(str(name), size / ops, count / ops, size / everything) for name, (size, count) in totals.values.items()]


def analyse_capture(capture: Path, retained_capture: Path, child: dict[str, Any], origins: Origins,
                    top: int) -> CaptureTables:
    """Read the captures into the tables the summary shows (per op, profiler frames removed)."""
    ops = child["ops"]
    reader = FileReader(capture)
    native = reader.metadata.has_native_traces
    stacks = stack_totals(reader.get_allocation_records(), ALLOCATING, native)
    sites, agno, modules, kinds = _Totals(), _Totals(), _Totals(), _Totals()
    for stack_total in stacks.values():
        stack = stack_total.stack_trace()
        frame: Key = stack[0] if stack else NO_PYTHON
        size, count = stack_total.size, stack_total.n_allocations
        sites.add(frame, size, count)
        agno.add(_innermost_agno(stack, origins), size, count)
        modules.add(origins.module(frame[1]) if frame[1] else frame[0], size, count)
        kinds.add(origins.origin(frame[1]), size, count)

    for entry in child["frame_sites"]:  # the frames memray's own hook made CPython build
        size, count = -entry["bytes_per_op"] * ops, -entry["frames_per_op"] * ops
        frame = (entry["function"], entry["file"], entry["line"])
        sites.add(frame, size, count)
        agno.add((entry["agno_function"], entry["agno_file"], entry["agno_line"]), size, count)
        modules.add(origins.module(entry["file"]) if entry["file"] else entry["function"], size, count)
        kinds.add(origins.origin(entry["file"]), size, count)

    retained_agno = _Totals()
    retained_reader = FileReader(retained_capture)
    leaked = [r for r in retained_reader.get_leaked_allocation_records(merge_threads=True) if r.allocator in ALLOCATING]
    for record in leaked:
        stack = record.stack_trace()
        retained_agno.add(_innermost_agno(stack, origins), record.size, record.n_allocations)

    site_rows = [row for row in _site_rows(sites, ops, origins) if _visible(row)]
    agno_rows = [row for row in _site_rows(agno, ops, origins, retained_agno) if _visible(row)]
    origin_rows = {row.name: row for row in _group_rows(kinds, ops)}
    return CaptureTables(
        reader=reader,
        retained_reader=retained_reader,
        stacks=list(stacks.values()),
        leaked=leaked,
        retained_bytes_per_op=sum(r.size for r in leaked) / ops,
        retained_allocs_per_op=sum(r.n_allocations for r in leaked) / ops,
        peak_memory_bytes=reader.metadata.peak_memory,
        peak_memory_held_bytes=retained_reader.metadata.peak_memory,
        memray_records=reader.metadata.total_allocations,
        sites_by_size=sorted(site_rows, key=lambda r: -r.bytes_per_op)[:top],
        sites_by_count=sorted(site_rows, key=lambda r: -r.allocs_per_op)[:top],
        agno_sites=sorted(agno_rows, key=lambda r: -r.bytes_per_op)[:top],
        modules=sorted(filter(_visible, _group_rows(modules, ops)), key=lambda r: -r.bytes_per_op)[:top],
        origins=[origin_rows.get(name, GroupRow(name, 0.0, 0.0)) for name in ORIGINS],
    )


def write_memray_stats(capture: Path, path: Path, top: int) -> None:
    """memray's ``stats --json`` of the capture: its raw view, profiler frames included."""
    StatsReporter(compute_statistics(str(capture), num_largest=top), top).render(json_output_file=path)


def profile_memory(scenario: Scenario, artifacts: MemoryArtifacts, *, ops: int | None, quick: bool,
                   native: bool, top: int, progress: Callable[[str], None] = lambda _: None) -> MemoryProfile:
    timeout = scenario.measure.timeout_s
    started = time.monotonic()
    progress("running the operation under memray")
    spec = {"mode": "mem", "scenario_path": str(Path(scenario.path).resolve()),
            "capture_path": str(artifacts.capture.resolve()),
            "retained_path": str(artifacts.retained_capture.resolve()), "ops": ops, "quick": quick, "native": native}
    child = result_or_raise(run_child(spec, timeout), timeout)
    child_s = time.monotonic() - started

    progress("reading the capture")
    origins = Origins.here((Path.cwd(), Path(scenario.path).parent))
    tables = analyse_capture(artifacts.capture, artifacts.retained_capture, child, origins, top)
    n = child["ops"]
    progress("writing flamegraphs")
    write_allocations_flamegraph(tables.reader, tables.stacks, artifacts.flamegraph, scenario.name, n)
    write_leaks_flamegraph(tables.retained_reader, tables.leaked, artifacts.leaks, scenario.name, n)
    write_memray_stats(artifacts.capture, artifacts.memray_stats, top)
    tables.reader.close()
    tables.retained_reader.close()

    return MemoryProfile(
        scenario=scenario.name, ops=n, reference_ops=child["reference_ops"], native=native,
        allocs_per_op=child["allocs_per_op"], bytes_per_op=child["bytes_per_op"],
        raw_allocs_per_op=child["raw_allocs_per_op"], raw_bytes_per_op=child["raw_bytes_per_op"],
        profiler_frames_per_op=child["profiler_frames_per_op"],
        profiler_frame_bytes_per_op=child["profiler_frame_bytes_per_op"],
        python_calls_per_op=child["python_calls_per_op"],
        retained_bytes_per_op=tables.retained_bytes_per_op, retained_allocs_per_op=tables.retained_allocs_per_op,
        peak_memory_bytes=tables.peak_memory_bytes, peak_memory_held_bytes=tables.peak_memory_held_bytes,
        capture_allocations=child["capture_allocations"], capture_bytes=child["capture_bytes"],
        memray_records=tables.memray_records,
        plain_s_per_op=child["plain_s_per_op"], tracked_s_per_op=child["tracked_s_per_op"],
        sites_by_size=tables.sites_by_size, sites_by_count=tables.sites_by_count,
        agno_sites=tables.agno_sites, modules=tables.modules, origins=tables.origins,
        artifacts={"capture": str(artifacts.capture), "retained_capture": str(artifacts.retained_capture),
                   "flamegraph": str(artifacts.flamegraph), "leaks": str(artifacts.leaks),
                   "memray_stats": str(artifacts.memray_stats), "summary": str(artifacts.summary)},
        wall_s={"child": round(child_s, 3), "child_ready": round(child["ready_s"], 3),
                "total": round(time.monotonic() - started, 3)},
    )
