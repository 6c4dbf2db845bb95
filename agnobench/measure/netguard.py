"""Block and record any network access from measured code.

Agno posts telemetry after every run unless ``AGNO_TELEMETRY=false``. Workers
set that variable, and this audit hook makes the promise checkable: any DNS
lookup or connection to a non-local address is refused, and recorded so the
scenario is reported as failed instead of silently measuring an error path.
"""

from __future__ import annotations

import sys
from typing import Any

_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "socket.sendmsg")
_LOCAL = ("localhost", "127.", "::1", "0.0.0.0")
_violations: list[str] = []
_installed = False


class NetworkBlocked(OSError):
    """Raised inside the measured code in place of the network call."""


def _is_local(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    return isinstance(host, str) and (host == "" or host.startswith(_LOCAL))


def _target(event: str, args: tuple[Any, ...]) -> Any:
    """The host an audited socket call is aimed at, or None for non-IP calls."""
    if event in ("socket.getaddrinfo", "socket.gethostbyname"):
        return args[0] if args else None
    address = args[1] if len(args) > 1 else None
    if isinstance(address, tuple) and address:
        return address[0]
    return None  # AF_UNIX paths, socketpairs: not the network


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if not event.startswith("socket.") or event not in _EVENTS:
        return
    host = _target(event, args)
    if host is None or _is_local(host):
        return
    detail = f"{event} to {host!r}"
    _violations.append(detail)
    raise NetworkBlocked(f"agnobench blocks network access during measurement ({detail})")


def install() -> None:
    """Install once per process; audit hooks cannot be removed, which is the point."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def violations() -> list[str]:
    return list(_violations)
