"""The terminal report of a profile, and its JSON twin.

Enough to act on without opening the HTML: the per-op figures, the places in
agno that cost the most, the top sites and modules, and how the cost splits
between agno, the standard library, other packages, the scenario's code and
agnobench's own harness. Every row names a file and line to open, with the
code that is there.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from rich.console import Console, JustifyMethod
from rich.text import Text
from rich.table import Table

from agnobench.environment import describe
from agnobench.profile.cpu import CpuProfile
from agnobench.profile.memory import MemoryProfile, SiteRow
from agnobench.profile.origins import ORIGINS
from agnobench.profile.speedscope import FunctionRow
from agnobench.reporters.format import format_bytes, format_count, format_ns

SCHEMA = "agnobench-profile/1"


def write_summary(profile: MemoryProfile | CpuProfile, path: Path) -> None:
    data = {"schema": SCHEMA, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "environment": describe(), **profile.to_dict()}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _bytes(value: float) -> str:
    return format_bytes(0.0 if abs(value) < 0.5 else value)  # -0.2 B is the noise of a subtraction


def _count(value: float) -> str:
    return format_count(0.0 if abs(value) < 0.05 else value)


def _percent(share: float) -> str:
    return f"{max(share, 0.0) * 100:.1f}%"  # a share below zero is the noise of a subtraction


Column = tuple[str, JustifyMethod]  # header, alignment


def _table(title: str, columns: Iterable[Column]) -> Table:
    table = Table(title=title, title_justify="left", header_style="bold", title_style="bold")
    for name, justify in columns:
        table.add_column(name, justify=justify, no_wrap=name != "code", overflow="fold")
    return table


def _site_table(title: str, rows: list[SiteRow], retained: bool = False) -> Table:
    columns: list[Column] = [("location", "left"), ("function", "left"), ("bytes/op", "right"), ("allocs/op", "right")]
    if retained:
        columns.append(("retained/op", "right"))
    else:
        columns.insert(2, ("origin", "left"))
    table = _table(title, [*columns, ("code", "left")])
    for row in rows:
        cells = [row.location, row.function]
        if not retained:
            cells.append(row.origin)
        cells += [_bytes(row.bytes_per_op), _count(row.allocs_per_op)]
        if retained:
            cells.append(_bytes(row.retained_bytes_per_op))
        table.add_row(*cells, Text(row.code, "dim"))
    return table


def _origin_line(shares: dict[str, float]) -> str:
    return " · ".join(f"{name} {_percent(shares.get(name, 0.0))}" for name in ORIGINS)


def render_memory(profile: MemoryProfile, console: Console) -> None:
    p = profile
    console.print(Text.assemble((f"Memory profile of {p.scenario}", "bold"),
                                f": {p.ops} ops under memray, Python allocators traced"
                                + (", native stacks" if p.native else "")))
    console.print(Text.assemble("  per op        ", (f"{_count(p.allocs_per_op)} allocations · "
                                                     f"{_bytes(p.bytes_per_op)} allocated", "bold"),
                                f" · {_bytes(p.retained_bytes_per_op)} retained by its result"))
    console.print(f"  memray counted {_count(p.raw_allocs_per_op)} allocations, {_bytes(p.raw_bytes_per_op)} "
                  f"per op; {_count(p.profiler_frames_per_op)} of them ({_bytes(p.profiler_frame_bytes_per_op)}) are "
                  f"frame objects memray's own profile hook makes CPython build, left out as `agnobench run` does "
                  f"(its allocs_per_op is the figure above)", style="dim")
    console.print(f"  capture       {p.capture_allocations:,} allocations, {_bytes(p.capture_bytes)} in {p.ops} ops "
                  f"(memray's raw count) · "
                  f"peak heap {_bytes(p.peak_memory_bytes)} "
                  f"({_bytes(p.peak_memory_held_bytes)} with all {p.ops} results held)")
    console.print(f"  time per op   {format_ns(p.plain_s_per_op * 1e9)} plain · "
                  f"{format_ns(p.tracked_s_per_op * 1e9)} under memray (×{p.slowdown:.1f})")
    shares = {row.name: row.share_of_bytes for row in p.origins}
    console.print(f"  bytes by origin  {_origin_line(shares)}")
    console.print()
    console.print(_site_table("Where in agno: the innermost agno frame of each allocation (calls into the "
                              "standard library and other packages included), per op", p.agno_sites, retained=True))
    console.print(_site_table("Top allocation sites by size (the line that allocated), per op", p.sites_by_size))
    console.print(_site_table("Top allocation sites by count, per op", p.sites_by_count))
    modules = _table("Top modules by bytes allocated, per op",
                     [("module", "left"), ("bytes/op", "right"), ("allocs/op", "right"), ("share", "right")])
    for group in p.modules:
        modules.add_row(group.name, _bytes(group.bytes_per_op), _count(group.allocs_per_op),
                        _percent(group.share_of_bytes))
    console.print(modules)
    console.print("Tables: the capture's totals ÷ its ops, memray's profile-hook frames left out; "
                  "retained/op comes from a second capture holding every result.", style="dim")


def _function_table(title: str, rows: list[FunctionRow], by_total: bool) -> Table:
    columns: list[Column] = [("own", "right"), ("total", "right"), ("function", "left"), ("location", "left"),
                             ("origin", "left")]
    table = _table(title, columns if by_total else [*columns, ("code", "left")])
    for row in rows:
        own, total = _percent(row.own_share), _percent(row.total_share)
        if by_total:
            table.add_row(own, Text(total, "bold"), row.name, row.location, row.origin)
        else:
            table.add_row(Text(own, "bold"), total, row.name, row.location, row.origin, Text(row.code, "dim"))
    return table


def render_cpu(profile: CpuProfile, console: Console) -> None:
    p, t = profile, profile.tables
    console.print(Text.assemble((f"CPU profile of {p.scenario}", "bold"),
                                f": py-spy at {p.rate_hz} Hz for {p.duration_s:g} s"
                                + (", native frames" if p.native else "")
                                + f": {t.samples:,} samples of the op ({t.startup_samples:,} of start-up, imports and "
                                  f"setup left out)"))
    console.print(f"  ops           {p.ops:,} · {format_ns(p.s_per_op * 1e9)} per op while sampled")
    console.print(f"  by origin     {_origin_line({row.name: row.share for row in t.origins})}")
    console.print(f"  harness       {_percent(p.harness_share)} of samples are agnobench's own loop and op wrapper "
                  f"(the cost of calling the op in a loop; the rest is the scenario's)")
    console.print()
    agno = _table("Where in agno: the innermost agno frame of each sample (calls into the standard library "
                  "and other packages included)", [("share", "right"), ("samples", "right"), ("function", "left"),
                                                   ("location", "left"), ("code", "left")])
    for row in t.agno_sites:
        agno.add_row(Text(_percent(row.own_share), "bold"), f"{row.own:,}", row.name, row.location,
                     Text(row.code, "dim"))
    console.print(agno)
    console.print(_function_table("Top functions by own samples (the function itself was running; "
                                  "location is its hottest line)", t.top_own, by_total=False))
    console.print(_function_table("Top functions by total samples (the function was on the stack)",
                                  t.top_total, by_total=True))


def render_paths(artifacts: list[tuple[str, str]], console: Console) -> None:
    """The files to open, last, so they are on screen when the command ends."""
    console.print()
    console.print("Open:", style="bold")
    width = max(len(str(path)) for path, _ in artifacts)
    for path, what in artifacts:
        console.print(Text.assemble(f"  {str(path):<{width}}  ", (what, "dim")), soft_wrap=True)


def memory_paths(profile: MemoryProfile) -> list[tuple[str, str]]:
    a = profile.artifacts
    return [
        (a["flamegraph"], f"every allocation of the {profile.ops} ops, by stack (offline HTML)"),
        (a["leaks"], f"what the {profile.ops} held results retain (offline HTML)"),
        (a["memray_stats"], "memray's own stats of the capture (raw: profile-hook frames included)"),
        (a["summary"], "this summary as JSON"),
        (a["capture"], "the capture, for any memray reporter: memray table|tree|flamegraph FILE"),
        (a["retained_capture"], "the capture with every result held"),
    ]


def cpu_paths(profile: CpuProfile) -> list[tuple[str, str]]:
    a = profile.artifacts
    return [
        (a["flamegraph"], "py-spy's interactive flamegraph (open in a browser; offline)"),
        (a["speedscope"], "speedscope format: https://www.speedscope.app, or offline `npx speedscope FILE`"),
        (a["summary"], "this summary as JSON"),
    ]

