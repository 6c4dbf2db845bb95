"""Ops for the agreement table (tools/agreement/agreement.py) that no shipped scenario times directly."""

from __future__ import annotations

from typing import Any, Callable

OBJECTS = [object() for _ in range(1000)]


def call(op: Callable[[], Any]) -> Any:
    """Run a variant's op (a team run, a workflow run) built by its factory in setup."""
    return op()


def ids() -> None:
    """1,000 ``id()`` calls: 1,000 audited events (``builtins.id``), as a deepcopy of 1,000 objects fires."""
    ident = id
    for item in OBJECTS:
        ident(item)


def lens() -> None:
    """1,000 ``len()`` calls: the same loop, no audited event."""
    size = len
    for item in OBJECTS:
        size(())
