"""Check every place a command will write, before it does any work.

A run that measures for ten minutes and then cannot write its results file
has lost ten minutes of measurement; a raw ``OSError`` traceback from
``-o /proc/foo`` breaks the bad-input promise. So each command checks its
output paths first: a directory where a file is wanted, a plain file where a
directory is wanted (a ``results`` file in the working directory), a device
or FIFO, a place that refuses new files. The check *tries* what the write
will do (creates and removes a probe file or directory), because as root
:func:`os.access` says yes to ``/proc`` and to read-only mounts. It leaves
nothing behind and creates no directory; the write itself creates missing
parents.
"""

from __future__ import annotations

import errno
import os
import secrets
from pathlib import Path

from agnobench.atomicfile import is_char_device, write_atomic
from agnobench.errors import InputError
from agnobench.results import ResultsFile, save_results


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _existing_ancestor(path: Path, wanted: Path, what: str) -> Path:
    """The nearest existing directory above ``path``; a plain file on the way is bad input."""
    for ancestor in path.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise InputError(ancestor, None, f"is a file, not a directory: cannot write the {what} {wanted} "
                                                 f"inside it (move it away or choose another path)")
            return ancestor
        if ancestor.is_symlink():
            raise InputError(ancestor, None, f"is a dangling symbolic link: cannot write the {what} {wanted}")
    return Path(".")


def _probe_directory(directory: Path, wanted: Path, what: str, *, creating: bool) -> None:
    """Create and remove a probe in ``directory``: what the real write will need to do."""
    probe = directory / f".agnobench-probe.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        if creating:
            probe.mkdir()
            probe.rmdir()
        else:
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            probe.unlink()
    except OSError as exc:
        where = "directories" if creating else "files"
        raise InputError(wanted, None, f"cannot write the {what} here: {directory} refuses new {where} "
                                       f"({_reason(exc)})") from None


def check_output_file(path: str | Path, what: str = "output file") -> Path:
    """Raise InputError unless ``path`` can be (re)written as a regular file; create nothing.

    A character device (``-o /dev/null`` to keep no file) is accepted; a FIFO,
    socket or block device is not: a results file is replaced, never streamed.
    """
    path = Path(path)
    if path.is_dir():
        raise InputError(path, None, f"is a directory: cannot write the {what} to it (give a file path)")
    if is_char_device(path):
        if not os.access(path, os.W_OK):
            raise InputError(path, None, f"is not writable: cannot write the {what} to it")
        return path
    if path.exists() and not path.is_file():
        raise InputError(path, None, f"is not a regular file (a FIFO, socket or block device): "
                                     f"cannot write the {what} to it")
    if path.is_symlink() and not path.exists():
        raise InputError(path, None, f"is a dangling symbolic link: cannot write the {what} to it")
    parent = path.parent
    if parent.is_dir():
        _probe_directory(parent, path, what, creating=False)
    else:
        _probe_directory(_existing_ancestor(path, path, what), path, what, creating=True)
    if path.exists() and not os.access(path, os.W_OK):
        raise InputError(path, None, f"is not writable: cannot write the {what} to it")
    return path


def check_output_dir(path: str | Path, what: str = "output files") -> Path:
    """Raise InputError unless ``path`` is, or can be created as, a writable directory."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(path, None, f"is a file, not a directory: cannot put the {what} in it")
    if path.is_dir():
        _probe_directory(path, path, what, creating=False)
    else:
        _probe_directory(_existing_ancestor(path / "x", path, what), path, what, creating=True)
    return path


def write_error(path: str | Path, exc: OSError, what: str = "output file") -> InputError:
    """An OSError met while writing, as the one-line bad-input error (the disk filled, a race)."""
    if exc.errno == errno.EISDIR:
        return InputError(path, None, f"is a directory: cannot write the {what} to it")
    return InputError(path, None, f"cannot write the {what}: {_reason(exc)}")


def write_output(path: str | Path, data: bytes | str, what: str = "output file") -> Path:
    """Write a whole output file atomically, creating its parents; an OSError becomes InputError."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_atomic(path, data.encode("utf-8") if isinstance(data, str) else data)
    except OSError as exc:
        raise write_error(path, exc, what) from None


def save_output(results: ResultsFile, path: str | Path, what: str = "results file") -> Path:
    """:func:`~agnobench.results.save_results`, with an OSError as the one-line bad-input error."""
    try:
        return save_results(results, path)
    except OSError as exc:
        raise write_error(path, exc, what) from None
