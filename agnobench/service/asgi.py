"""What uvicorn imports in every server process: the app the scenario names, behind agnobench's guards.

uvicorn is given ``agnobench.service.asgi:create`` as an app factory, so each
uvicorn worker process (also those a multi-worker supervisor spawns, which
run nothing of ours before importing the app) first dies with its parent,
turns agno's telemetry off and installs the network guard, and only then
imports the scenario's app. The app reference and the import path come in
environment variables, which spawned workers inherit.

The reference names either a zero-argument factory that returns the ASGI
app (uvicorn's ``--factory`` convention, and what the worker calls once to
check it builds) or the app object itself.
"""

from __future__ import annotations

import ctypes
import inspect
import os
import signal
import sys
from typing import Any

APP_ENV = "AGNOBENCH_SERVICE_APP"
PATHS_ENV = "AGNOBENCH_SERVICE_PATHS"
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """SIGKILL this process when its parent dies, so a killed worker leaves no server behind."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def guard() -> None:
    os.environ["AGNO_TELEMETRY"] = "false"
    from agnobench.measure import netguard

    netguard.install()


def resolve_app(obj: Any) -> Any:
    """An ASGI app from what a reference names: a factory is called, an app is used as is."""
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        required = [p for p in inspect.signature(obj).parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if not required:
            return obj()
    return obj


def create() -> Any:
    die_with_parent()
    guard()
    for entry in reversed(os.environ.get(PATHS_ENV, "").split(os.pathsep)):
        if entry and entry not in sys.path:
            sys.path.insert(0, entry)
    from agnobench.importing import import_reference

    return resolve_app(import_reference(os.environ[APP_ENV]))
