"""Write a file so that a reader sees the old one or the new one, never half of one.

Three things go wrong with the obvious ``open(path, "w")``: a concurrent reader
(a CI step polling ``results/latest.json``) sees torn JSON; a writer killed
half-way leaves a stray temporary file beside the real one; and
:func:`tempfile.mkstemp` creates files ``0600`` whatever the umask, so results
files came out unreadable to others while ``latest.json`` (a plain copy) was
``0644``. So the data is written into an unnamed ``O_TMPFILE`` (it has no name
until it is complete, so SIGKILL leaves nothing behind) created ``0666`` minus
the umask like any file, synced, then linked into place: exclusively for a new
name, or by rename over an existing one. Where ``O_TMPFILE`` is missing, a
named temporary file carries the writer's pid, and the next write into the
directory removes those whose writer is dead.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Callable

from agnobench.harness.signals import deferred

FILE_MODE = 0o666  # minus the umask, as open() and shells do
_TEMP_PATTERN = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
_NO_TMPFILE = (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT)


def temp_name(path: Path) -> Path:
    """A hidden sibling of ``path`` that names the writing process."""
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


def pid_alive(pid: int) -> bool:
    """Whether a process of that id exists (another user's counts): a stale temp's owner has gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != 0


def sweep_dead_owners(directory: str | Path, pattern: re.Pattern[str], remove: Callable[[os.DirEntry[str]], bool],
                      gone: Callable[[int], bool] = lambda pid: not pid_alive(pid)) -> list[Path]:
    """Call ``remove`` on each entry of ``directory`` whose name matches ``pattern`` and whose owner (the
    pattern's ``pid`` group) is ``gone``; the paths it removed (it returns True for those)."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        match = pattern.match(entry.name)
        if match and gone(int(match["pid"])) and remove(entry):
            removed.append(Path(entry.path))
    return removed


def _unlink(entry: os.DirEntry[str]) -> bool:
    try:
        os.unlink(entry.path)
    except OSError:
        return False
    return True


def sweep_stale_temps(directory: Path) -> list[Path]:
    """Remove temporary files left in ``directory`` by writers that no longer run."""
    return sweep_dead_owners(directory, _TEMP_PATTERN, _unlink)


def is_char_device(path: Path) -> bool:
    """``/dev/null`` and terminals: written in place, as a shell redirection would."""
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _open_unnamed(directory: Path) -> int | None:
    """An ``O_TMPFILE`` descriptor in ``directory``, or None where the system has none."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not os.path.isdir("/proc/self/fd"):  # the link into place goes through /proc
        return None
    try:
        return os.open(directory, flag | os.O_WRONLY, FILE_MODE)
    except OSError as exc:
        if exc.errno in _NO_TMPFILE:
            return None
        raise


def _link(fd: int, path: Path) -> None:
    """Name an unnamed file: linkat(AT_SYMLINK_FOLLOW) through /proc/self/fd (plain link() does not follow)."""
    proc = os.open("/proc/self/fd", os.O_RDONLY)
    try:
        os.link(str(fd), path, src_dir_fd=proc, follow_symlinks=True)
    finally:
        os.close(proc)


def _place(fd: int, path: Path, exclusive: bool) -> None:
    """Give the finished file its name: a link (fails if taken) or a rename over the old one."""
    if exclusive:
        _link(fd, path)
        return
    staged = temp_name(path)
    _link(fd, staged)
    try:
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)  # gone if the rename was done: never mask why we are here
        raise


def write_atomic(path: str | Path, data: bytes, *, exclusive: bool = False) -> Path:
    """Write ``data`` to ``path`` in one step, with SIGINT/SIGTERM/SIGHUP held until it is done
    (:func:`agnobench.harness.signals.deferred`); see :func:`_write_atomic`."""
    with deferred():
        return _write_atomic(path, data, exclusive=exclusive)


def _write_atomic(path: str | Path, data: bytes, *, exclusive: bool = False) -> Path:
    """Write ``data`` to ``path`` in one step; ``exclusive`` raises FileExistsError if it exists.

    The directory must exist. A character device (``/dev/null``) is written
    through, never replaced: renaming over it would swap a device node for a
    plain file. Any OSError reaches the caller, which knows
    which command-line option the path came from.
    """
    path = Path(path)
    if not exclusive and is_char_device(path):  # /dev/null: nothing to replace, write through
        with open(path, "wb") as handle:
            handle.write(data)
        return path
    directory = path.parent
    sweep_stale_temps(directory)
    fd = _open_unnamed(directory)
    if fd is not None:
        try:
            _write_all(fd, data)
            _place(fd, path, exclusive)
        finally:
            os.close(fd)
        _sync_directory(directory)
        return path
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
        if exclusive:
            os.link(tmp, path)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_directory(directory)
    return path
