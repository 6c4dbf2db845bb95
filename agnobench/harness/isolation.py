"""What the kernel gives to keep a child within its life and off the network.

- ``PR_SET_PDEATHSIG``: the kernel sends the child SIGKILL when the process
  that started it dies, by any signal, SIGKILL included, so no worker
  outlives ``agnobench``. It is set between fork and exec (it survives exec),
  so a wrapper (py-spy, valgrind) dies with us too, and again by the Python
  child itself against its own parent.
- Its own network namespace (``unshare(CLONE_NEWNET)``, root or
  CAP_SYS_ADMIN only) with nothing but ``lo`` up: loopback servers in the
  worker's tree still work, and no other address has a route, so a
  connection from a child process or from native code fails before a packet
  is made. The kernel counts those refusals ("OutNoRoutes" in
  ``/proc/net/snmp`` and ``snmp6``, per namespace), which is how the worker
  sees attempts that Python's audit hook cannot.
- A watchdog: the death signal reaches the child, not the processes the
  measured code started. A small forked process of the child's own group
  waits for the child's death (its own ``PR_SET_PDEATHSIG``) and then kills
  the whole group, so even a SIGKILLed ``agnobench`` leaves nothing behind.
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import signal
import socket
import struct
from dataclasses import asdict, dataclass
from typing import Any, Callable

from agnobench.harness import containment
from agnobench.harness.layout import fix_addresses

PR_SET_PDEATHSIG = 1
CLONE_NEWNET = 0x40000000
SIOCGIFFLAGS = 0x8913
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
_IFREQ = "16sH22x"  # struct ifreq: name, then ifr_flags in the union

NETNS_ENV = "AGNOBENCH_NETNS"  # "0": no network namespace for workers, as for a user who is not root
_LIBC = ctypes.CDLL(None, use_errno=True)
_PRCTL: Callable[..., int] = _LIBC.prctl  # resolved here, not between fork and exec
_UNSHARE: Callable[[int], int] = _LIBC.unshare


def _die_with_parent() -> bool:
    return _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0


def die_with_parent_or_exit(parent_pid: int) -> None:
    """SIGKILL when ``parent_pid`` dies; exit at once if it already has (between fork and prctl)."""
    _die_with_parent()
    if os.getppid() != parent_pid:
        os._exit(1)


def die_with_parent_preexec(parent_pid: int, then: Callable[[], None] | None = None) -> Callable[[], None]:
    """For ``Popen(preexec_fn=...)`` of a worker: :func:`die_with_parent_or_exit` between fork and exec,
    the run's fixed address layout (:mod:`agnobench.harness.layout`), then ``then`` (joining the child's
    cgroup: before exec, so a wrapper such as py-spy is inside too)."""

    def preexec() -> None:
        fix_addresses()
        die_with_parent_or_exit(parent_pid)
        if then is not None:
            then()

    return preexec


@dataclass
class NetworkLayers:
    """Which layers of the network guard hold in this child (recorded in the results)."""

    audit_hook: bool = False  # the measuring process carries the audit hook (and its cost: docs/harness.md)
    namespace: bool = False  # own network namespace, loopback only: covers Python, child processes, native code
    check_run_hook: bool = False  # the check run's child carries the hook: names a Python call before it is made
    namespace_error: str | None = None  # why not, when not (e.g. not root)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _loopback_up() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = struct.pack(_IFREQ, b"lo", 0)
        flags = struct.unpack(_IFREQ, fcntl.ioctl(sock.fileno(), SIOCGIFFLAGS, request))[1]
        fcntl.ioctl(sock.fileno(), SIOCSIFFLAGS, struct.pack(_IFREQ, b"lo", flags | IFF_UP))


def enter_own_network(layers: NetworkLayers) -> None:
    """Move this (still single-threaded) process into a fresh network namespace with ``lo`` up."""
    if _UNSHARE(CLONE_NEWNET) != 0:
        layers.namespace_error = f"unshare(CLONE_NEWNET): {os.strerror(ctypes.get_errno())} (needs root)"
        return
    try:
        _loopback_up()
    except OSError as exc:
        layers.namespace_error = f"bringing up lo: {exc}"  # isolated still, but loopback servers would fail
        return
    layers.namespace = True


def unrouted_packets() -> int:
    """Packets this namespace refused for want of a route (IPv4 and IPv6): attempts to leave it."""
    total = 0
    try:
        with open("/proc/net/snmp", encoding="ascii") as handle:
            rows = [line.split() for line in handle if line.startswith("Ip:")]
        if len(rows) >= 2:
            total += int(dict(zip(rows[0], rows[1])).get("OutNoRoutes", 0))
    except (OSError, ValueError):
        pass
    try:
        with open("/proc/net/snmp6", encoding="ascii") as handle:
            for line in handle:
                name, _, value = line.partition(" ")
                if name == "Ip6OutNoRoutes":
                    total += int(value)
    except (OSError, ValueError):
        pass
    return total


def _kill_all() -> None:
    """The child's cgroup (what left the group too), then its group; the watchdog goes with them."""
    containment.kill_own()
    os.killpg(0, signal.SIGKILL)


def _watch(child_pid: int) -> None:
    """The watchdog's life: wait for the child's death, then kill the group (itself included)."""
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGUSR1, lambda *_: _kill_all())
        os.closerange(3, 1 << 16)  # hold no pipe open: the parent's EOF must not wait for the watchdog
        devnull = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        if _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGUSR1), 0, 0, 0) != 0 or os.getppid() != child_pid:
            _kill_all()
        while True:
            signal.pause()
    finally:
        os._exit(0)


_watchdog_pid: int | None = None


def start_watchdog() -> None:
    """Fork the watchdog (before the work starts any thread); it ends with the child's group."""
    global _watchdog_pid
    child_pid = os.getpid()
    pid = os.fork()
    if pid == 0:
        _watch(child_pid)
    _watchdog_pid = pid


def stand_down_watchdog() -> None:
    """The child is ending by itself: the parent's group kill takes what is left, when it is time
    (under py-spy, only after py-spy has written its profile)."""
    global _watchdog_pid
    if _watchdog_pid is not None:
        try:
            os.kill(_watchdog_pid, signal.SIGKILL)
            os.waitpid(_watchdog_pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
        _watchdog_pid = None


def isolate(isolate_network: bool, watchdog: bool = True) -> NetworkLayers:
    """Everything a child does first: die with its parent, keep its group from outliving it,
    and (if asked and allowed) its own network."""
    _die_with_parent()
    if watchdog:  # the harness started the child's session: the whole group is ours to kill
        start_watchdog()
    layers = NetworkLayers()
    if isolate_network and os.environ.get(NETNS_ENV) == "0":
        layers.namespace_error = f"switched off by {NETNS_ENV}=0"  # as where unshare is refused: the hook guards
    elif isolate_network:
        enter_own_network(layers)
    else:
        layers.namespace_error = "not asked for"
    return layers
