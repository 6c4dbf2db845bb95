"""Where a frame's code comes from: agno, the standard library, a third-party
package, the scenario's own code, or agnobench's harness.

Both profilers answer "whose code is this?" the same way, from the file path
alone, so a sample and an allocation land in the same bucket. The paths are
found without importing agno (the parent process stays light), and the
order of the checks matters: a virtualenv's site-packages sits inside what
sysconfig calls ``platstdlib``, and a project's ``.venv`` inside the current
directory.
"""

from __future__ import annotations

import importlib.util
import linecache
import os
import sysconfig
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import agnobench

AGNO = "agno"
STDLIB = "stdlib"
THIRD_PARTY = "third-party"
SCENARIO = "scenario"
HARNESS = "harness"
OTHER = "other"

# Display order and what each bucket holds, for tables and documentation.
ORIGINS: dict[str, str] = {
    AGNO: "agno itself",
    STDLIB: "the Python standard library",
    THIRD_PARTY: "other installed packages (pydantic, ...)",
    SCENARIO: "the scenario's code: agnobench's mock model and ops, or the user's own",
    HARNESS: "agnobench's loop and op wrapper: measurement overhead",
    OTHER: "anything else (native code, unknown files)",
}

_SITE_DIRS = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


def _agno_dir() -> str | None:
    try:
        spec = importlib.util.find_spec("agno")  # finds, never executes
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return str(Path(list(spec.submodule_search_locations)[0]).resolve())


def _with_sep(path: str) -> str:
    return path.rstrip(os.sep) + os.sep


@dataclass(frozen=True)
class Origins:
    """Classifies file paths; build one with :meth:`here` for this interpreter."""

    agno_dir: str | None
    agnobench_dir: str
    stdlib_dirs: tuple[str, ...]
    scenario_dirs: tuple[str, ...] = ()
    _cache: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def here(cls, scenario_dirs: tuple[str | Path, ...] = ()) -> "Origins":
        paths = sysconfig.get_paths()
        stdlib = {str(Path(paths[key]).resolve()) for key in ("stdlib", "platstdlib") if paths.get(key)}
        return cls(agno_dir=_agno_dir(),
                   agnobench_dir=str(Path(agnobench.__file__).resolve().parent),
                   stdlib_dirs=tuple(sorted(stdlib)),
                   scenario_dirs=tuple(str(Path(p).resolve()) for p in scenario_dirs))

    def origin(self, file: str) -> str:
        """The bucket of one file path (as a code object or py-spy names it)."""
        cached = self._cache.get(file)
        if cached is None:
            cached = self._cache[file] = self._classify(file)
        return cached

    def _classify(self, file: str) -> str:
        if not file:
            return OTHER
        if file.startswith("<frozen "):
            return STDLIB  # importlib, zipimport, codecs...: frozen standard modules
        if file.startswith("<"):
            return OTHER  # <string>, <unknown>
        if self.agno_dir and file.startswith(_with_sep(self.agno_dir)):
            return AGNO
        if file.startswith(_with_sep(self.agnobench_dir)):
            adapters = os.path.join(self.agnobench_dir, "adapters") + os.sep
            return SCENARIO if file.startswith(adapters) else HARNESS
        for marker in _SITE_DIRS:
            if marker in file:  # an agno found through another path to the same site-packages is agno too
                return AGNO if file.rsplit(marker, 1)[1].startswith("agno" + os.sep) else THIRD_PARTY
        if not file.endswith((".py", ".pyc", ".pyw")) and "/lib-dynload/" not in file:
            return OTHER  # a native library (py-spy --native, memray --native)
        if any(file.startswith(_with_sep(d)) for d in self.stdlib_dirs):
            return STDLIB
        if any(file.startswith(_with_sep(d)) for d in self.scenario_dirs):
            return SCENARIO
        return OTHER

    def is_agno(self, file: str) -> bool:
        return self.origin(file) == AGNO

    def module(self, file: str) -> str:
        """A dotted module name for display: 'agno.agent.agent', 'copy', 'pydantic.main'."""
        return _module_name(file, self.stdlib_dirs, self.agno_dir)

    def short(self, file: str) -> str:
        """A path short enough for a table, still unique enough to open."""
        return _short_path(file, self.stdlib_dirs, self.agno_dir)


def _relative_to_roots(file: str, stdlib_dirs: tuple[str, ...], agno_dir: str | None) -> str | None:
    for marker in _SITE_DIRS:
        if marker in file:
            return file.rsplit(marker, 1)[1]
    for package in filter(None, (agno_dir, str(Path(agnobench.__file__).resolve().parent))):
        if file.startswith(_with_sep(package)):
            return os.path.relpath(file, os.path.dirname(package))
    for directory in sorted(stdlib_dirs, key=len, reverse=True):
        if file.startswith(_with_sep(directory)):
            return os.path.relpath(file, directory)
    return None


@lru_cache(maxsize=4096)
def _module_name(file: str, stdlib_dirs: tuple[str, ...], agno_dir: str | None) -> str:
    if file.startswith("<frozen "):
        return file[len("<frozen "):].rstrip(">")
    if file.startswith("<") or not file:
        return file or "<unknown>"
    relative = _relative_to_roots(file, stdlib_dirs, agno_dir) or Path(file).name
    stem = relative[:-3] if relative.endswith(".py") else relative
    parts = [p for p in stem.split(os.sep) if p]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) or relative


@lru_cache(maxsize=4096)
def _short_path(file: str, stdlib_dirs: tuple[str, ...], agno_dir: str | None) -> str:
    if file.startswith("<") or not file:
        return file or "<unknown>"
    relative = _relative_to_roots(file, stdlib_dirs, agno_dir)
    if relative is not None:
        return relative
    try:
        cwd_relative = os.path.relpath(file)
    except ValueError:
        return file
    return cwd_relative if not cwd_relative.startswith("..") else file


def source_line(file: str, line: int, width: int = 60) -> str:
    """The code at file:line, stripped and cut to ``width``: what a table row points at."""
    if not file or line <= 0 or file.startswith("<"):
        return ""
    text = linecache.getline(file, line).strip()
    return text if len(text) <= width else text[: width - 1] + "…"
