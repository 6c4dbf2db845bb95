"""Read a file a user named as input: a regular file of sane size and depth, or one line saying why not.

``path.read_text()`` on what a user passes trusts too much: a FIFO blocks
the command until someone writes to it, ``/dev/zero`` is read until memory
runs out, and a 200 KB file of nested brackets makes :func:`json.loads`
raise RecursionError, a traceback that also made ``history DIR`` lose the
valid files beside the bad one. Every reader of results files and Go
benchmark text goes through here, so each of those is an
:class:`~agnobench.errors.InputError` (one line, exit 2; a file merely found
in a directory is skipped with it).
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

from agnobench.errors import InputError

MAX_BYTES = 512 * 1024 * 1024  # the largest results file of a full run is a few MB
MAX_DEPTH = 64  # a results file nests about 8 deep; json.loads gives up near 1,000 with a traceback

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a plain file")


def read_bytes(path: str | Path, max_bytes: int = MAX_BYTES, wanted: str = "a regular file") -> bytes:
    """The file's bytes; InputError if it cannot be read, is not a regular file (``wanted`` says what it
    must be), or is larger than ``max_bytes``.

    Opened with ``O_NONBLOCK`` (opening a FIFO must not wait for a writer), then checked on the open
    descriptor (no race with a rename), and read to at most ``max_bytes + 1`` bytes (a file that grows).
    """
    path = Path(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(path, None, f"is {_kind(mode)}: must be {wanted}")
        size = os.fstat(fd).st_size
        if size > max_bytes:
            raise InputError(path, None, f"is {size:,} bytes, more than the {max_bytes:,} an input file may be")
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > max_bytes:
            raise InputError(path, None, f"grew past the {max_bytes:,} bytes an input file may be while it was read")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(path, None, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_text(path: str | Path, what: str = "an agnobench results file", errors: str = "strict") -> str:
    """The file as UTF-8 text (see :func:`read_bytes`); not UTF-8 is InputError unless ``errors="replace"``."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8", errors=errors)
    except UnicodeDecodeError:
        raise InputError(path, None, f"not UTF-8 text: not {what}") from None


def depth(value: Any) -> int:
    """How deeply lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def parse_json(text: str, path: str | Path) -> Any:
    """JSON that nests at most ``MAX_DEPTH`` deep; anything else is InputError naming the file."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, None, f"not valid JSON (truncated?): {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise InputError(path, None, f"nests more than {MAX_DEPTH} levels deep: not an agnobench results file") \
            from None
    if depth(data) > MAX_DEPTH:
        raise InputError(path, None, f"nests more than {MAX_DEPTH} levels deep: not an agnobench results file")
    return data
