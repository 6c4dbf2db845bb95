"""Block and record any network access from measured code.

Agno posts telemetry after every run unless ``AGNO_TELEMETRY=false``. Workers
set that variable, and the guard makes the promise checkable, in two layers:

- an audit hook refuses any DNS lookup or connection from Python to a
  non-local address *before* the system call, and names it, so the error
  says exactly what was attempted;
- where the child runs in its own network namespace (see
  :mod:`agnobench.harness.isolation`), child processes and native code
  cannot reach out either, and the kernel's count of refused packets tells
  the guard that they tried.

Either way the attempt is recorded and the scenario fails, instead of
silently measuring an error path.
"""

from __future__ import annotations

import ipaddress
import sys
from typing import Any

from agnobench.harness.isolation import unrouted_packets

_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "socket.sendmsg")
_violations: list[str] = []
_installed = False
_namespace = False
_unrouted_at_start = 0


class NetworkBlocked(OSError):
    """Raised inside the measured code in place of the network call."""


def is_local(host: Any) -> bool:
    """Loopback or unspecified addresses and ``localhost`` (and ``*.localhost``) names; nothing by prefix."""
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if not isinstance(host, str):
        return False
    name = host.strip().rstrip(".").lower()
    if name in ("", "localhost") or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name.partition("%")[0])  # drop an IPv6 zone ("fe80::1%eth0")
    except ValueError:
        return False  # any other name needs a DNS lookup: not local
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or address.is_unspecified or bool(mapped and mapped.is_loopback)


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
    if host is None or is_local(host):
        return
    detail = f"{event} to {host!r}"
    _violations.append(detail)
    raise NetworkBlocked(f"agnobench blocks network access during measurement ({detail})")


def install(namespace: bool = False) -> None:
    """Install once per process; audit hooks cannot be removed, which is the point.

    ``namespace``: this process is in a network namespace of its own, so the
    kernel's refused-packet count belongs to its process tree alone.
    """
    global _installed, _namespace, _unrouted_at_start
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True
        _namespace = namespace
        _unrouted_at_start = unrouted_packets() if namespace else 0


def start_afresh() -> None:
    """In a process forked from a guarded one (a worker of the worker server): count from now on, so
    what the server's earlier workers attempted in the shared namespace is not this one's."""
    global _unrouted_at_start
    _violations.clear()
    if _namespace:
        _unrouted_at_start = unrouted_packets()


def installed() -> bool:
    return _installed


def violations() -> list[str]:
    """What was attempted: Python's calls by name, then what the namespace refused outside Python."""
    found = list(_violations)
    if _namespace:
        refused = unrouted_packets() - _unrouted_at_start
        if refused > 0:
            found.append(f"{refused} packet(s) to non-local addresses from a child process or native code "
                         f"(refused by the worker's network namespace)")
    return found
