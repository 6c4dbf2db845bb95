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


CALLABLE = "callable"
UNKNOWN = "unknown"
_LITERALS = (ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.JoinedStr,
             ast.ListComp, ast.DictComp, ast.SetComp, ast.GeneratorExp)


def _value_kind(value: ast.expr | None) -> str:
    """What an assignment binds: a literal (surely not callable, named by its type), a lambda, or unknown."""
    if isinstance(value, ast.Lambda):
        return CALLABLE
    if isinstance(value, ast.Constant):
        return type(value.value).__name__
    if isinstance(value, _LITERALS):
        return type(value).__name__.lower().replace("comp", " comprehension").replace("joinedstr", "f-string")
    return UNKNOWN


def _names_in(body: list[ast.stmt]) -> dict[str, str] | None:
    """Each top-level name of a module or class body and its kind; None when it cannot be told statically."""
    names: dict[str, str] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = CALLABLE
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name == "*":
                    return None  # star imports: cannot tell statically
                is_module = isinstance(node, ast.Import)  # `import x` binds a module: never callable
                names[alias.asname or alias.name.split(".")[0]] = "module" if is_module else UNKNOWN
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            simple = len(targets) == 1 and isinstance(targets[0], ast.Name) and not isinstance(node, ast.AugAssign)
            for target in targets:
                for sub in ast.walk(target):
                    if isinstance(sub, ast.Name):
                        names[sub.id] = _value_kind(node.value) if simple else UNKNOWN
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            return None  # conditional definitions: leave it to the worker
    return names


def _class_body(tree: ast.Module, name: str) -> list[ast.stmt] | None:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node.body
    return None


def _reference_kind(source: Path, attr: str) -> tuple[str, str] | None:
    """(the first name of ``attr`` not defined, or "") and its kind, as far as the source tells; None: unknown."""
    try:
        tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
    except (SyntaxError, UnicodeDecodeError, OSError, ValueError):
        return None  # the worker will report the real import error
    names = _names_in(tree.body)
    head, _, rest = attr.partition(".")
    if names is None:
        return None
    if head not in names:
        return head, ""
    if not rest:
        return head, names[head]
    if "." in rest:
        return None
    body = _class_body(tree, head)
    members = _names_in(body) if body is not None else None
    if members is None or rest not in members:
        return None  # inherited, or not a class: the worker decides
    return attr, members[rest]


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
            found = _reference_kind(source, attr)
            if found is None:
                continue
            name, kind = found
            if not kind:
                raise InputError(scenario.path, field_name, f"module {module!r} ({source}) defines no {name!r}")
            if kind not in (CALLABLE, UNKNOWN):
                article = "an" if kind[0] in "aeiou" else "a"
                raise InputError(scenario.path, field_name, f"{reference!r} is not callable "
                                                            f"({article} {kind} in {source}): point it at a function")
