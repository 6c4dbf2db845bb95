"""A private network for the Locust workers: one network namespace each, joined to a bridge the run creates.

Each worker gets its own namespace (``ip netns add``) with one end of a veth
pair and an address of its own on a /24 that the run picks and checks is not
in use here; the other ends hang on a bridge that carries the server's (and
the Locust master's) address. Only addresses the run assigned itself are ever
sent to. Making namespaces and devices needs root (CAP_NET_ADMIN); without
it :func:`usable` says why, and Locust runs on loopback instead.

Everything made is removed on every way out: ``close`` (the ``with`` block's
end: success, failure, Ctrl-C) deletes the namespaces (after killing what
still runs in them) and the devices. If the process that made them is killed
outright (SIGKILL from a timeout or a second Ctrl-C), a janitor process does
it: started in its own session (so a kill of the worker's process group does
not reach it) and holding a pipe from its maker, it wakes when that pipe
closes (the maker exited, however) and removes whatever is left, then exits.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from types import TracebackType

from agnobench.harness.containment import leave_to_root

PREFIX = "agnobench-"
SUBNETS = ipaddress.IPv4Network("10.251.0.0/16")  # a /24 of it per run, checked unused on this machine


class NetworkError(RuntimeError):
    """A namespace or device could not be made (the message carries ``ip``'s own words)."""


def _ip(*args: str, check: bool = True) -> str:
    done = subprocess.run(["ip", *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise NetworkError(f"ip {' '.join(args)}: {done.stderr.strip() or f'status {done.returncode}'}")
    return done.stdout


def usable() -> str:
    """'' when namespaces can be made here, else why not."""
    if os.geteuid() != 0:
        return "network namespaces need root (CAP_NET_ADMIN)"
    if shutil.which("ip") is None:
        return "the ip command is missing (apt-get install iproute2)"
    return ""


def _free_subnet(tag: int) -> ipaddress.IPv4Network:
    used = _ip("-o", "-4", "addr", "show")
    subnets = list(SUBNETS.subnets(new_prefix=24))
    for offset in range(len(subnets)):
        net = subnets[(tag + offset) % len(subnets)]
        if f" {str(net.network_address)[:-1]}" not in used:  # "10.251.7." appears in no address here
            return net
    raise NetworkError(f"no unused /24 left in {SUBNETS}")


@dataclass
class Made:
    """What a network made, in the order it must be removed."""

    namespaces: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)


def remove(made: Made) -> None:
    """Kill what runs in the namespaces, delete them and the devices; whatever is already gone is skipped."""
    for name in made.namespaces:
        for pid in _ip("netns", "pids", name, check=False).split():
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        _ip("netns", "del", name, check=False)
    for device in made.devices:
        _ip("link", "del", device, check=False)


class PrivateNetwork:
    """``with PrivateNetwork(2) as net``: ``net.server_address`` on the bridge, ``net.namespaces[i]`` and
    ``net.addresses[i]`` for each worker; ``net.exec_prefix(i)`` runs a command inside namespace ``i``."""

    def __init__(self, count: int) -> None:
        self.count = count
        tag = os.getpid()
        self.tag = f"ab{tag % 10**7}"
        self.subnet = _free_subnet(tag)
        hosts = list(self.subnet.hosts())
        self.server_address = str(hosts[0])
        self.addresses = [str(hosts[1 + i]) for i in range(count)]
        self.namespaces = [f"{PREFIX}{tag}-{i}" for i in range(count)]
        self.bridge = f"{self.tag}br"
        self.made = Made()
        self._janitor: subprocess.Popen[bytes] | None = None
        self._pipe = -1

    def exec_prefix(self, index: int) -> list[str]:
        return ["ip", "netns", "exec", self.namespaces[index]]

    def __enter__(self) -> "PrivateNetwork":
        try:
            self.open()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _start_janitor(self) -> None:
        read_fd, self._pipe = os.pipe()
        os.set_inheritable(self._pipe, False)
        argv = [sys.executable, "-m", "agnobench.passes.service.netns", str(read_fd), self.bridge,
                *[f"{self.tag}h{i}" for i in range(self.count)], "--", *self.namespaces]
        try:
            self._janitor = subprocess.Popen(argv, pass_fds=[read_fd], start_new_session=True,
                                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL)
        finally:
            os.close(read_fd)
        assert self._janitor.stdout is not None
        self._janitor.stdout.readline()  # it has left the worker's cgroup (or found none): safe to make things
        self._janitor.stdout.close()

    def open(self) -> None:
        self._start_janitor()  # first: from here on, a kill of this process still leaves nothing behind
        prefix = self.subnet.prefixlen
        self.made.devices.append(self.bridge)
        _ip("link", "add", self.bridge, "type", "bridge")
        _ip("addr", "add", f"{self.server_address}/{prefix}", "dev", self.bridge)
        _ip("link", "set", self.bridge, "up")
        for i, (name, address) in enumerate(zip(self.namespaces, self.addresses)):
            host_end, inner = f"{self.tag}h{i}", f"{self.tag}n{i}"
            self.made.namespaces.append(name)
            _ip("netns", "add", name)
            self.made.devices.append(host_end)
            _ip("link", "add", host_end, "type", "veth", "peer", "name", inner)
            _ip("link", "set", inner, "netns", name)
            _ip("link", "set", host_end, "master", self.bridge)
            _ip("link", "set", host_end, "up")
            _ip("-n", name, "addr", "add", f"{address}/{prefix}", "dev", inner)
            _ip("-n", name, "link", "set", inner, "up")
            _ip("-n", name, "link", "set", "lo", "up")

    def close(self) -> None:
        remove(self.made)
        self.made = Made()
        if self._pipe >= 0:
            os.close(self._pipe)  # the janitor wakes, finds nothing left, exits
            self._pipe = -1
        if self._janitor is not None:
            self._janitor.wait()
            self._janitor = None


def janitor(argv: list[str]) -> int:
    """``python -m agnobench.passes.service.netns FD DEVICE... -- NAMESPACE...``: wait for EOF on FD, then remove."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C reaches the terminal's whole foreground group
    leave_to_root()
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    fd, rest = int(argv[0]), argv[1:]
    split = rest.index("--")
    while os.read(fd, 64):
        pass
    remove(Made(namespaces=rest[split + 1:], devices=rest[:split]))
    return 0


if __name__ == "__main__":
    sys.exit(janitor(sys.argv[1:]))
