"""What uvicorn imports in every server process: the app the scenario names, behind agnobench's guards.

uvicorn is given ``agnobench.passes.service.asgi:create`` as an app factory, so each
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

import inspect
import os
import sys
from typing import Any

from agnobench.passes.service.lifeline import die_with_parent

APP_ENV = "AGNOBENCH_SERVICE_APP"
PATHS_ENV = "AGNOBENCH_SERVICE_PATHS"
SUPERVISOR_ENV = "AGNOBENCH_SERVICE_SUPERVISOR"  # pid of the server process that spawned the uvicorn workers


NAMESPACE_ENV = "AGNOBENCH_SERVICE_NETNS"  # "1": the server runs in the worker's own network namespace
NETWORK_REPORT_ENV = "AGNOBENCH_SERVICE_NETWORK_REPORT"  # file the server names refused calls in


def guard() -> None:
    """Telemetry off and the network guard in, as in a worker (docs/harness.md): in the worker's network
    namespace the server carries no audit hook, which every request would pay for, and the namespace's
    refused-packet count (read by the worker) catches an attempt; without one the hook refuses and names
    it, and reports it to the worker's file, since the app may swallow the error."""
    os.environ["AGNO_TELEMETRY"] = "false"
    from agnobench.measure import netguard

    namespace = os.environ.get(NAMESPACE_ENV) == "1"
    netguard.install(namespace=namespace, hook=not namespace)
    netguard.report_to(os.environ.get(NETWORK_REPORT_ENV) or None)


class NotAnApp(TypeError):
    """The reference (or what its factory returned) is not an ASGI app: uvicorn would answer every request
    with status 500 and say why only in the server's log."""


def resolve_app(obj: Any, reference: str = "the app") -> Any:
    """An ASGI app from what a reference names: a factory is called, an app is used as is; NotAnApp if
    the result cannot be one (an ASGI app is a callable taking scope, receive and send)."""
    app = obj
    if inspect.isfunction(obj) or inspect.ismethod(obj):
        required = [p for p in inspect.signature(obj).parameters.values()
                    if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        if not required:
            app = obj()
            if not callable(app):
                raise NotAnApp(f"{reference} returned {type(app).__name__}, not an ASGI app (a callable taking "
                               f"scope, receive, send, such as a FastAPI instance)")
    if not callable(app):
        raise NotAnApp(f"{reference} is a {type(app).__name__}, not an ASGI app or a factory returning one")
    return app


def create() -> Any:
    die_with_parent()
    supervisor = int(os.environ.get(SUPERVISOR_ENV, "0") or 0)
    if supervisor and supervisor != os.getpid() and os.getppid() != supervisor:
        os._exit(1)  # a spawned worker whose supervisor died before the line above: nobody would stop it
    guard()
    for entry in reversed(os.environ.get(PATHS_ENV, "").split(os.pathsep)):
        if entry and entry not in sys.path:
            sys.path.insert(0, entry)
    from agnobench.importing import import_reference

    return resolve_app(import_reference(os.environ[APP_ENV]), os.environ[APP_ENV])
