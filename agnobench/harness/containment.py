"""Every process a child starts, in one cgroup of the run's own, so that one kill reaches all of it.

A process group (the child's session) holds only what stays in it: a
process the measured code starts with ``setsid``, or by a double fork, has
a session of its own, and a ``killpg`` of the child's group never reached
it; nor did one of a group whose leader had already exited. A cgroup holds
every descendant whatever it does with sessions, and the kernel kills all of
it at once (``cgroup.kill``, Linux 5.14+; before that, freeze, kill each
member, thaw).

So each child of the harness (a scenario worker, forked or fresh, the
profiled process, callgrind) runs in a cgroup ``agnobench-PID-N`` made under
agnobench's own (cgroup v2, where this process may write it: root, or a
delegated subtree), and a service server in one made under its worker's.
The cgroup is killed and removed when the child ends, times out, or
agnobench is interrupted; the child's watchdog kills it when the child dies
(agnobench SIGKILLed included); a cgroup left by a process that no longer
runs is killed and removed by the next one that makes a cgroup here.

Where no cgroup can be made (no cgroup v2 mounted, not writable, not
Linux), :func:`make` returns a :class:`Cgroup` whose ``path`` is None and
whose ``unavailable`` says why: the process group and the watchdog then
hold as before, and a process that left the group can outlive agnobench.
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

from agnobench.tempdirs import owner_gone

_PREFIX = "agnobench-"
DISABLE_ENV = "AGNOBENCH_NO_CGROUP"  # set (non-empty): process groups only, as where no cgroup can be made
_counter = itertools.count(1)
_EMPTY_WAIT_S = 5.0


def _mount() -> Path | None:
    """Where cgroup v2 is mounted (``/sys/fs/cgroup``, or ``/sys/fs/cgroup/unified`` on a hybrid system)."""
    try:
        with open("/proc/self/mountinfo", encoding="utf-8") as handle:
            for line in handle:
                fields = line.split()
                if " - cgroup2 " in line and len(fields) > 4:
                    return Path(fields[4])
    except OSError:
        pass
    return None


def own_cgroup() -> Path | None:
    """This process's cgroup v2 directory, or None."""
    mount = _mount()
    if mount is None:
        return None
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("0::"):
                    return mount / line[3:].strip().lstrip("/")
    except OSError:
        pass
    return None


@dataclass
class Cgroup:
    """One cgroup of agnobench's own, or the reason there is none (``path`` None)."""

    path: Path | None
    unavailable: str | None = None

    def describe(self) -> str:
        """For the results (``details.containment``)."""
        return "cgroup" if self.path is not None else f"process group only ({self.unavailable})"

    def join(self, pid: int = 0) -> None:
        """Move ``pid`` (0: this process) in; its children made from now on are born inside.

        A move the kernel refuses leaves the process where it was (the group kill still holds):
        this runs between fork and exec, where an exception would fail the child's start."""
        if self.path is not None:
            try:
                with open(self.path / "cgroup.procs", "w", encoding="ascii") as handle:
                    handle.write(str(pid))
            except OSError:
                pass

    def members(self) -> list[int]:
        if self.path is None:
            return []
        pids: list[int] = []
        for directory in [self.path, *(p for p in self.path.rglob("*") if p.is_dir())]:
            try:
                pids += [int(line) for line in (directory / "cgroup.procs").read_text().split()]
            except (OSError, ValueError):
                continue
        return pids

    def kill(self) -> None:
        """SIGKILL every process in the cgroup and its sub-cgroups, and wait until they are gone."""
        if self.path is None or not self.path.exists():
            return
        kill_file = self.path / "cgroup.kill"
        if kill_file.exists():
            try:
                kill_file.write_text("1")
            except OSError:
                pass
        else:
            self._kill_frozen()
        deadline = time.monotonic() + _EMPTY_WAIT_S
        while self._populated() and time.monotonic() < deadline:
            time.sleep(0.01)

    def _kill_frozen(self) -> None:
        """Without ``cgroup.kill``: freeze (no forks while we look), kill each member, thaw so they die."""
        freeze = self.path / "cgroup.freeze" if self.path is not None else None
        try:
            if freeze is not None and freeze.exists():
                freeze.write_text("1")
            for _ in range(3):
                for pid in self.members():
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
        finally:
            if freeze is not None and freeze.exists():
                try:
                    freeze.write_text("0")
                except OSError:
                    pass

    def _populated(self) -> bool:
        try:
            events = (self.path / "cgroup.events").read_text() if self.path is not None else ""
        except OSError:
            return False
        return "populated 1" in events

    def remove(self) -> None:
        """Kill what is inside, then remove the cgroup (sub-cgroups first). Safe to call twice."""
        if self.path is None:
            return
        self.kill()
        _remove_tree(self.path)


def _remove_tree(path: Path) -> None:
    try:
        children = [p for p in path.iterdir() if p.is_dir()]
    except OSError:
        return
    for child in children:
        _remove_tree(child)
    try:
        path.rmdir()
    except OSError:
        pass  # still populated (a process the kernel has not finished killing): the next sweep takes it


def sweep_stale(parent: Path) -> None:
    """Kill and remove the cgroups under ``parent`` whose maker no longer runs."""
    try:
        entries = list(parent.iterdir())
    except OSError:
        return
    for entry in entries:
        owner = entry.name[len(_PREFIX):].split("-", 1)[0] if entry.name.startswith(_PREFIX) else ""
        if owner.isdigit() and entry.is_dir() and owner_gone(int(owner)):
            Cgroup(entry).remove()


def make(parent: Path | None = None) -> Cgroup:
    """A new cgroup ``agnobench-PID-N`` under ``parent`` (default: this process's own cgroup)."""
    if os.environ.get(DISABLE_ENV):
        return Cgroup(None, f"{DISABLE_ENV} is set")
    parent = parent or own_cgroup()
    if parent is None:
        return Cgroup(None, "no cgroup v2 mounted")
    sweep_stale(parent)
    path = parent / f"{_PREFIX}{os.getpid()}-{next(_counter)}"
    try:
        path.mkdir()
    except OSError as exc:
        return Cgroup(None, f"cannot make a cgroup under {parent}: {exc.strerror or exc}")
    if not os.access(path / "cgroup.procs", os.W_OK):
        _remove_tree(path)
        return Cgroup(None, f"cannot move processes into a cgroup under {parent}")
    return Cgroup(path)


def join(path: str | None) -> None:
    """Move this process into the cgroup at ``path`` (a child's first step; nothing when there is none)."""
    if path:
        Cgroup(Path(path)).join()


def kill_own() -> None:
    """Kill the cgroup this process is in, if it is one of agnobench's (the watchdog's last act)."""
    own = own_cgroup()
    if own is not None and own.name.startswith(_PREFIX):
        try:
            (own / "cgroup.kill").write_text("1")
        except OSError:
            Cgroup(own)._kill_frozen()


def leave_to_root() -> None:
    """Move this process to the cgroup hierarchy's root, out of the worker's cgroup that the harness kills whole:
    for a janitor that must outlive the worker to clean up after it (a server's directory, network namespaces).
    Where there is no cgroup v2 or no right to move, it stays (it has left the process group anyway)."""
    root = own_cgroup()
    if root is None:
        return
    while (root.parent / "cgroup.procs").exists():
        root = root.parent
    try:
        (root / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        pass
