"""Every process the service pass starts dies with the process that started it.

``PR_SET_PDEATHSIG``: the kernel sends SIGKILL to a process when its parent
dies, SIGKILL included, so a worker killed on a timeout takes its server and
its load generator with it. It is set in the child between fork and exec (it
survives exec) for the generators, and by each server process against its own
parent (uvicorn's spawned workers run :mod:`agnobench.passes.service.asgi` first).
"""

from __future__ import annotations

import ctypes
import os
import signal
from typing import Callable

PR_SET_PDEATHSIG = 1
_PRCTL: Callable[..., int] | None
try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # resolved here, not between fork and exec
except (OSError, AttributeError):  # not Linux: the explicit stops still hold
    _PRCTL = None


def die_with_parent() -> None:
    if _PRCTL is not None:
        _PRCTL(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def die_with_parent_preexec(then: Callable[[], None] | None = None) -> Callable[[], None]:
    """For ``Popen(preexec_fn=...)``: die with this process; exit at once if it already died."""
    parent = os.getpid()

    def preexec() -> None:
        die_with_parent()
        if os.getppid() != parent:
            os._exit(1)
        if then is not None:
            then()

    return preexec
