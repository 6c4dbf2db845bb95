"""Block and record any network access from measured code.

Agno posts telemetry after every run unless ``AGNO_TELEMETRY=false``. Workers
set that variable, and the guard makes the promise checkable, in two layers:

- an audit hook refuses any DNS lookup or connection from Python to a
  non-local address *before* the system call, and names it, so the error
  says exactly what was attempted;
- where the child runs in its own network namespace (see
  :mod:`agnobench.harness.isolation`), nothing in it can reach out — Python,
  child processes, native code — and the kernel's count of refused packets
  tells the guard that something tried.

Either way the attempt is recorded and the scenario fails, instead of
silently measuring an error path.

The hook is not free: Python calls an audit hook for *every* audited event,
not only socket ones, and ``id()`` is audited (``builtins.id``), which
``copy.deepcopy`` calls for every object it copies — ~350 ns a call here,
~20 % of a deepcopy-heavy agno op. An audit hook cannot be removed, and a
forked child keeps it. So where the namespace holds, measuring processes
carry no hook (``install(hook=False)``): the namespace is the guard while
ops are timed, counted or traced, and the hook runs only in the check run
(:mod:`agnobench.measure.check_run`), a child forked for it, where it names
the offending call and counts the audited events of one op. Without a
namespace (not root) the hook stays, and the results say what it cost.
"""

from __future__ import annotations

import ipaddress
import sys
from collections import Counter
from typing import Any

from agnobench.harness.isolation import unrouted_packets

_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto", "socket.sendmsg")
_violations: list[str] = []
_installed = False
_hooked = False  # the audit hook is in this process (it cannot be taken out again)
_namespace = False
_unrouted_at_start = 0
_counts: Counter[str] | None = None  # audited events by name while counting (the check run only)
_report_path: str | None = None  # a file another process reads this one's attempts from (a service's server)


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
    if _counts is not None:
        _counts[event] += 1
    if not event.startswith("socket.") or event not in _EVENTS:
        return
    host = _target(event, args)
    if host is None or is_local(host):
        return
    detail = f"{event} to {host!r}"
    _violations.append(detail)
    if _report_path is not None:  # written at once: the app may swallow the error, the process may be killed
        with open(_report_path, "a", encoding="utf-8") as report:
            report.write(detail + "\n")
    raise NetworkBlocked(f"agnobench blocks network access during measurement ({detail})")


def install(namespace: bool = False, hook: bool = True) -> None:
    """Set the guard up once per process.

    ``namespace``: this process is in a network namespace of its own, so the
    kernel's refused-packet count belongs to its process tree alone.
    ``hook``: add the audit hook too. Pass False only with ``namespace``: the
    namespace then guards measurement, and :func:`add_hook` brings the hook
    into the check run's child alone.
    """
    global _installed, _namespace, _unrouted_at_start
    if not _installed:
        _installed = True
        _namespace = namespace
        _unrouted_at_start = unrouted_packets() if namespace else 0
    if hook or not namespace:
        add_hook()


def add_hook() -> None:
    """Add the audit hook to this process, once; it stays for the process's life, and its forks'."""
    global _hooked
    if not _hooked:
        sys.addaudithook(_hook)
        _hooked = True


def hooked() -> bool:
    """Whether this process carries the audit hook (and every op it runs pays for it)."""
    return _hooked


def start_counting() -> None:
    """Count every audited event from now on (in the check run's child: the hook must be in)."""
    global _counts
    _counts = Counter()


def stop_counting() -> Counter[str]:
    """The audited events since :func:`start_counting`, by name; counting stops."""
    global _counts
    counts, _counts = _counts or Counter(), None
    return counts


def start_afresh() -> None:
    """In a process forked from a guarded one (a worker of the worker server): count from now on, so
    what the server's earlier workers attempted in the shared namespace is not this one's."""
    global _unrouted_at_start
    _violations.clear()
    if _namespace:
        _unrouted_at_start = unrouted_packets()


def report_to(path: str | None) -> None:
    """Also append each refused call to ``path``, for the process that started this one
    (:func:`absorb` there): a service's server, whose app may swallow the refusal."""
    global _report_path
    _report_path = path


def absorb(path: str) -> list[str]:
    """Take the attempts another process reported to ``path`` (see :func:`report_to`) as this one's."""
    try:
        with open(path, encoding="utf-8") as report:
            found = [line.rstrip("\n") for line in report if line.strip()]
    except OSError:
        return []
    adopt(found)
    return found


def adopt(events: list[str]) -> None:
    """Take attempts a child of this process named (the check run's) as this process's own, once each."""
    _violations.extend(event for event in events if event not in _violations)


def in_namespace() -> bool:
    """Whether this process is in a network namespace of its own (its children are too, unless moved)."""
    return _namespace


def installed() -> bool:
    return _installed


def violations() -> list[str]:
    """What was attempted: Python's calls by name, then what the namespace refused outside Python."""
    found = list(_violations)
    if _namespace:
        refused = unrouted_packets() - _unrouted_at_start
        if refused > 0:
            found.append(f"{refused} packet(s) to non-local addresses from a child process or native code, or "
                         f"from Python after the check run (refused by the worker's network namespace)")
    return found
