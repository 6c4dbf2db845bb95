"""What a scenario needs installed, checked without importing it.

A scenario of a peer framework (LangGraph, CrewAI, ...) or of an optional
backend declares what it needs in a ``[requires]`` table::

    [requires]
    packages = ["langgraph", "langchain-core"]   # distributions, looked up in their metadata
    modules = ["langgraph"]                       # optional: top-level modules, found by find_spec
    extra = "langgraph"                           # the agnobench extra that installs them

The parent process decides availability from installed-package metadata and
``importlib.util.find_spec`` on top-level names only, which locate a package
without executing it: checking must stay cheap and must not import a heavy
framework into the parent. A scenario whose needs are missing is reported
``skipped`` with the exact install line, never failed and never dropped.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

from agnobench.errors import InputError

_DISTRIBUTION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KEYS = ("packages", "modules", "extra", "servers")
# servers a scenario may need beyond packages: name -> "module:function" returning None or why not (light to import)
SERVERS = {"postgresql": "agnobench.adapters.storage.postgres_server:available"}


@dataclass(frozen=True)
class Requirements:
    """Distributions and top-level modules a scenario needs, and the extra that brings them."""

    packages: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    extra: str | None = None
    servers: tuple[str, ...] = ()  # e.g. "postgresql": binaries to start one, or a URL of one

    def missing(self) -> list[str]:
        """The declared names that are not installed, in declaration order."""
        absent = [name for name in self.packages if not _has_distribution(name)]
        absent += [name for name in self.modules if importlib.util.find_spec(name) is None]
        return absent + [f"a {name} server" for name in self.servers if _server_missing(name)]

    def install_line(self) -> str:
        """The exact command that makes the scenario runnable."""
        servers = [_server_missing(name) for name in self.servers]
        server_lines = [why.split(": ", 1)[-1] for why in servers if why]
        if self.servers and not [n for n in self.missing() if not n.endswith(" server")]:
            return "; ".join(server_lines)  # the packages are there: only the server is missing
        if self.extra:
            return "; ".join([f"pip install 'agnobench[{self.extra}]'", *server_lines])
        return "; ".join(["pip install " + " ".join(f"'{name}'" for name in self.packages or self.modules),
                          *server_lines])


def _server_missing(name: str) -> str | None:
    from agnobench.importing import import_reference

    missing: str | None = import_reference(SERVERS[name])()
    return missing


@dataclass(frozen=True)
class Unavailable:
    """Why a scenario cannot run here: what is missing and how to install it."""

    missing: tuple[str, ...]
    install: str

    @property
    def message(self) -> str:
        return f"needs {', '.join(self.missing)}: {self.install}"

    def to_dict(self) -> dict[str, Any]:
        return {"missing": list(self.missing), "install": self.install}


def _has_distribution(name: str) -> bool:
    try:
        metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return False
    return True


def unavailable(requirements: Requirements | None) -> Unavailable | None:
    """None when everything is installed (or nothing is required)."""
    if requirements is None:
        return None
    absent = requirements.missing()
    return Unavailable(tuple(absent), requirements.install_line()) if absent else None


def _names(path: Path, key: str, value: Any, pattern: re.Pattern[str], what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(path, key, f"must be a list of {what}")
    for name in value:
        if not pattern.match(name):
            raise InputError(path, key, f"{name!r} is not a {what[:-1]}")
    return tuple(value)


def parse_requirements(path: Path, table: Mapping[str, Any]) -> Requirements:
    """Validate a scenario's ``[requires]`` table (bad input names the file and the field)."""
    for key in table:
        if key not in _KEYS:
            raise InputError(path, f"requires.{key}", f"unknown key (known: {', '.join(_KEYS)})")
    packages = _names(path, "requires.packages", table.get("packages", []), _DISTRIBUTION, "package names")
    modules = _names(path, "requires.modules", table.get("modules", []), _MODULE,
                     "top-level module names")  # dotted names would make find_spec import the parent
    extra = table.get("extra")
    if extra is not None and (not isinstance(extra, str) or not _DISTRIBUTION.match(extra)):
        raise InputError(path, "requires.extra", f"must be the name of an extra, got {extra!r}")
    servers = table.get("servers", [])
    if not isinstance(servers, list) or any(name not in SERVERS for name in servers):
        raise InputError(path, "requires.servers", f"must list servers among {', '.join(SERVERS)}, got {servers!r}")
    if not packages and not modules:
        raise InputError(path, "requires", "needs packages or modules")
    return Requirements(packages, modules, extra, tuple(servers))
