"""Read py-spy's speedscope file into the tables of the CPU summary.

The file (https://www.speedscope.app/file-format-schema.json) holds one
"sampled" profile per thread: each sample is a list of indices into
``shared.frames``, root first. py-spy records the child from its first
instruction, so samples of the interpreter's start-up, of ``import agno``
and of the scenario's setup are in there too; only those under
:data:`~agnobench.profile._child.LOOP_FUNCTION` (and any thread the op
started) are the op's, and the rest is counted as start-up and left out.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agnobench.profile._child import LOOP_FUNCTION
from agnobench.profile.errors import ProfileError
from agnobench.profile.origins import AGNO, ORIGINS, OTHER, Origins, source_line

LOOP_FILE_SUFFIX = "agnobench/profile/_child.py"


@dataclass(frozen=True)
class Frame:
    name: str
    file: str
    line: int

    @property
    def is_python(self) -> bool:
        """Python code (files, frozen modules, generated ``<string>`` code), not a native frame."""
        return self.file.endswith((".py", ".pyw")) or self.file.startswith("<")


@dataclass
class Samples:
    """The samples of one speedscope file: stacks (root first) and their counts."""

    frames: list[Frame]
    stacks: Counter[tuple[int, ...]]  # stack -> number of samples, for the op's samples only
    startup_samples: int = 0
    threads: int = 0

    @property
    def total(self) -> int:
        return sum(self.stacks.values())


@dataclass
class FunctionRow:
    name: str
    file: str
    location: str  # short file:line (the hottest line for own samples)
    origin: str
    code: str = ""  # the source line of location, if it names one
    own: int = 0
    total: int = 0
    own_share: float = 0.0
    total_share: float = 0.0


@dataclass
class OriginRow:
    name: str
    samples: int
    share: float


@dataclass
class CpuTables:
    samples: int
    startup_samples: int
    threads: int
    origins: list[OriginRow] = field(default_factory=list)
    top_own: list[FunctionRow] = field(default_factory=list)
    top_total: list[FunctionRow] = field(default_factory=list)
    agno_sites: list[FunctionRow] = field(default_factory=list)

    def share_of(self, origin: str) -> float:
        return next((row.share for row in self.origins if row.name == origin), 0.0)


def _bad(path: Path, why: str) -> ProfileError:
    return ProfileError(f"{path}: not a speedscope file py-spy would write ({why})")


def read_speedscope(path: Path) -> dict[str, Any]:
    """The decoded file, checked for the parts agnobench reads."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _bad(path, str(exc)) from None
    if not isinstance(data, dict) or not isinstance(data.get("profiles"), list):
        raise _bad(path, "no 'profiles' list")
    if not isinstance(data.get("shared", {}).get("frames"), list):
        raise _bad(path, "no 'shared.frames' list")
    for profile in data["profiles"]:
        if profile.get("type") != "sampled" or not isinstance(profile.get("samples"), list):
            raise _bad(path, "a profile that is not of type 'sampled'")
    return data


def load_samples(path: Path) -> Samples:
    """The op's samples: under the loop frame, or in a thread other than the loop's."""
    data = read_speedscope(path)
    frames = [Frame(str(f.get("name", "?")), str(f.get("file") or ""), int(f.get("line") or 0))
              for f in data["shared"]["frames"]]
    loop_ids = {i for i, f in enumerate(frames) if _is_loop(f)}
    stacks: Counter[tuple[int, ...]] = Counter()
    startup = 0
    for profile in data["profiles"]:
        samples = [tuple(sample) for sample in profile["samples"]]
        loop_thread = any(loop_ids.intersection(sample) for sample in samples)
        for sample in samples:
            if not sample:
                continue
            cut = next((depth for depth, frame in enumerate(sample) if frame in loop_ids), None)
            if cut is None:
                if loop_thread:
                    startup += 1  # interpreter start, imports, setup, the op's check: not the op
                    continue
                stacks[sample] += 1  # a thread the op started
            else:
                stacks[sample[cut:]] += 1  # the loop and what it called; what is above is the same every time
    return Samples(frames, stacks, startup, len(data["profiles"]))


def _location(origins: Origins, file: str, line: int | None) -> str:
    if not file:
        return "<unknown>"
    return origins.short(file) + (f":{line}" if line else "")


def _is_loop(frame: Frame) -> bool:
    return frame.name.rsplit(".", 1)[-1] == LOOP_FUNCTION and frame.file.replace("\\", "/").endswith(LOOP_FILE_SUFFIX)


def summarize_samples(samples: Samples, origins: Origins, top: int) -> CpuTables:
    """Own and total samples per function, origins of own time, and the innermost agno frame."""
    frames = samples.frames
    own: Counter[tuple[str, str]] = Counter()
    own_lines: dict[tuple[str, str], Counter[int]] = {}
    total: Counter[tuple[str, str]] = Counter()
    by_origin: Counter[str] = Counter()
    agno_sites: Counter[int] = Counter()
    for stack, count in samples.stacks.items():
        leaf = frames[stack[-1]]
        key = (leaf.name, leaf.file)
        own[key] += count
        own_lines.setdefault(key, Counter())[leaf.line] += count
        for function in {(frames[i].name, frames[i].file) for i in stack}:
            total[function] += count  # once per sample, however deep the recursion
        # Own time of a native frame (py-spy --native) belongs to the Python code that called it.
        python_leaf = next((frames[i] for i in reversed(stack) if frames[i].is_python), None)
        by_origin[origins.origin(python_leaf.file) if python_leaf else OTHER] += count
        agno = next((i for i in reversed(stack) if origins.origin(frames[i].file) == AGNO), None)
        if agno is not None:
            agno_sites[agno] += count

    n = samples.total or 1

    def row(key: tuple[str, str], line: int | None) -> FunctionRow:
        name, file = key
        return FunctionRow(name, file, _location(origins, file, line), origins.origin(file),
                           source_line(file, line or 0), own[key], total[key], own[key] / n, total[key] / n)

    top_own = [row(key, own_lines[key].most_common(1)[0][0]) for key, _ in own.most_common(top)]
    # The loop is on every stack by construction: 100% total says nothing.
    top_total = [row(key, None) for key, _ in total.most_common(top + 1) if not _is_loop(Frame(*key, 0))][:top]
    agno_rows = []
    for index, count in agno_sites.most_common(top):
        frame = frames[index]
        agno_rows.append(FunctionRow(frame.name, frame.file, _location(origins, frame.file, frame.line), AGNO,
                                     source_line(frame.file, frame.line), own=count, total=count, own_share=count / n, total_share=count / n))
    origin_rows = [OriginRow(name, by_origin[name], by_origin[name] / n) for name in ORIGINS]
    return CpuTables(samples=samples.total, startup_samples=samples.startup_samples, threads=samples.threads,
                     origins=origin_rows, top_own=top_own, top_total=top_total, agno_sites=agno_rows)
