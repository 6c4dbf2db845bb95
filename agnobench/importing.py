"""Resolve ``"package.module:attribute"`` references from scenario files.

A scenario points at the user's own code, so the current working directory
(and the scenario file's own directory) must be importable, as they are for
``python -m``.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any, Callable, Iterable


def add_import_paths(paths: Iterable[str | Path]) -> None:
    """Put each path at the front of ``sys.path`` once."""
    for path in reversed([str(Path(p).resolve()) for p in paths]):
        if path not in sys.path:
            sys.path.insert(0, path)


def import_reference(reference: str) -> Callable[..., Any]:
    """Import ``module:attr`` (``attr`` may be dotted) and return the callable.

    Raises ``ValueError`` with a one-line reason; callers attach file and field.
    """
    module_name, sep, attr_path = reference.partition(":")
    if not sep or not module_name or not attr_path:
        raise ValueError(f"{reference!r} is not of the form 'package.module:function'")
    try:
        target: Any = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or the module raising while it loads
        raise ValueError(f"cannot import module {module_name!r}: {type(exc).__name__}: {exc}") from None
    for part in attr_path.split("."):
        try:
            target = getattr(target, part)
        except AttributeError:
            raise ValueError(f"module {module_name!r} has no attribute {attr_path!r}") from None
    if not callable(target):
        raise ValueError(f"{reference!r} is not callable")
    function: Callable[..., Any] = target
    return function
