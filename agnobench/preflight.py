"""Check a scenario's code references before anything runs, without running them.

An ``operation`` that cannot be imported is bad input (exit 2, one line naming
the file and the field), and the user should hear it before a long suite
starts, not after. The parent process must not import user code, so this
looks for the module's source on the import path the worker will use and
parses it with :mod:`ast` to see that the name is defined at top level. What
cannot be decided statically (C extensions, names made at run time) is left
to the worker, which reports an import failure as bad input too.
"""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from typing import Iterable

from agnobench.errors import InputError
from agnobench.scenario import Scenario

REFERENCE_FIELDS = ("operation", "setup", "check")


def _find_source(parts: list[str], search_path: Iterable[str]) -> Path | bool:
    """A module's .py file under the given directories; True if it is there but not as plain source."""
    for entry in search_path:
        base = Path(entry or ".").joinpath(*parts)
        for candidate in (base.with_suffix(".py"), base / "__init__.py"):
            if candidate.is_file():
                return candidate
        if base.is_dir() or (base.parent.is_dir() and any(base.parent.glob(base.name + ".*.so"))):
            return True  # a namespace package or an extension module
    return False


def _module_source(module: str, search_path: list[str]) -> Path | bool | None:
    """The module's source file; True when it exists in a form we cannot read; None when it is absent.

    Only "absent" is an error, so every doubt resolves to True: a package
    reached through an import hook (editable installs, zip files) may hold
    modules no directory listing shows.
    """
    parts = module.split(".")
    found = _find_source(parts, search_path)
    if found:
        return found
    if parts[0] in sys.builtin_module_names:
        return True
    try:
        spec = importlib.util.find_spec(parts[0])  # finds, never executes
    except (ImportError, ValueError):
        return True
    if spec is None:
        return None
    if len(parts) == 1:
        return Path(spec.origin) if spec.origin and spec.origin.endswith(".py") else True
    if spec.submodule_search_locations:
        return _find_source(parts[1:], spec.submodule_search_locations) or True
    return True


def _top_level_names(source: Path) -> set[str] | None:
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return None  # the worker will report the real import error
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add(alias.asname or alias.name.split(".")[0])
                if alias.name == "*":
                    return None  # star imports: cannot tell statically
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names.add(sub.id)
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            return None  # conditional definitions: leave it to the worker
    return names


def check_references(scenario: Scenario, cwd: Path) -> None:
    """Raise InputError for a reference whose module or attribute surely does not exist."""
    search_path = [str(cwd), str(Path(scenario.path).parent), *sys.path]
    for field_name in REFERENCE_FIELDS:
        reference = getattr(scenario, field_name)
        if reference is None:
            continue
        module, _, attr = reference.partition(":")
        source = _module_source(module, search_path)
        if source is None:
            raise InputError(scenario.path, field_name, f"cannot import module {module!r} "
                                                        f"(looked in the current directory, the scenario's directory and sys.path)")
        if isinstance(source, Path):
            names = _top_level_names(source)
            head = attr.split(".")[0]
            if names is not None and head not in names:
                raise InputError(scenario.path, field_name, f"module {module!r} ({source}) defines no {head!r}")
