"""Which installed packages, at which versions, the measured code imported: recorded with every result.

Installing one extra can change another package under agno: CrewAI's pins
moved pydantic from 2.14.4 to 2.12.5, and agent-run-simple's allocated bytes
per op rose 12.8 % with it (issue 20). A results file that names only Python
and agno cannot explain that, and ``compare`` would call it a regression of
the code. So the worker reports the top-level modules loaded once the op was
built and measured (``imported_modules``: cheap, names only), and the parent,
which never imports the measured code, maps them to distributions and
versions from installed metadata (``packages_distributions`` reads every
distribution's file list, ~1 s with the frameworks installed: done once per
run, between scenarios). Standard-library modules belong to no distribution
and drop out.
"""

from __future__ import annotations

import functools
import sys
from importlib import metadata
from typing import Any, Iterable, Mapping

IMPORTED_MODULES = "imported_modules"  # the worker's list, replaced by PACKAGES in the parent
PACKAGES = "packages"  # scenario details and environment: {distribution: version}


def imported_top_level_modules() -> list[str]:
    """The top-level names of every module loaded in this process (worker side)."""
    return sorted({name.partition(".")[0] for name in list(sys.modules) if not name.startswith("_")})


@functools.cache
def _distributions_by_module() -> Mapping[str, list[str]]:
    return metadata.packages_distributions()


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def package_versions(modules: Iterable[str]) -> dict[str, str]:
    """{distribution: version} of the installed distributions that provide these top-level modules."""
    out: dict[str, str] = {}
    for module in modules:
        for distribution in _distributions_by_module().get(module, ()):
            try:
                out[_canonical(distribution)] = metadata.version(distribution)
            except metadata.PackageNotFoundError:
                continue
    return dict(sorted(out.items()))


def record_packages(details: dict[str, Any]) -> None:
    """Replace a worker's ``imported_modules`` in a scenario's details by the packages they come from."""
    modules = details.pop(IMPORTED_MODULES, None)
    if isinstance(modules, list):
        details[PACKAGES] = package_versions(str(m) for m in modules)


def union_packages(details: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Every package any scenario imported (one version each: one environment ran them all)."""
    out: dict[str, str] = {}
    for entry in details:
        packages = entry.get(PACKAGES)
        if isinstance(packages, dict):
            out.update({str(k): str(v) for k, v in packages.items()})
    return dict(sorted(out.items()))


def package_changes(baseline: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """``name a → b`` for every package whose version differs between two environments' ``packages``
    (``name a → absent``/``absent → b`` for one present on one side only); [] when either side has none."""
    a, b = baseline.get(PACKAGES), current.get(PACKAGES)
    if not isinstance(a, dict) or not isinstance(b, dict) or not a or not b:
        return []
    changes = []
    for name in sorted(set(a) | set(b)):
        if a.get(name) != b.get(name):
            changes.append(f"{name} {a.get(name, 'absent')} → {b.get(name, 'absent')}")
    return changes
