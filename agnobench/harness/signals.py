"""The parent's exit paths: SIGINT, SIGTERM and SIGHUP become one exception.

By default SIGTERM and SIGHUP end Python without running ``finally`` blocks,
so a worker's group would not be killed (``PR_SET_PDEATHSIG`` would still
take the direct child, not its children). Turned into :class:`Interrupted`,
every ``finally`` runs: :func:`agnobench.harness.spawn.run_child` kills and
reaps the group, and the command keeps what was measured so far.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager
from typing import Any, Iterator

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """The user (or the system) asked agnobench to stop; not an Exception, so nothing swallows it."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"interrupted by {self.name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM


def _raise(signum: int, _frame: Any) -> None:
    for sig in HANDLED:  # one is enough: a second Ctrl-C must not cut the clean-up short
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


@contextmanager
def deferred() -> Iterator[None]:
    """Within the block, HANDLED signals wait (blocked, still pending) and arrive when it ends.

    For steps that must finish or not start, such as a save's write-and-rename: a SIGTERM that
    landed between the rename and the end of the save ran the save's clean-up on a file already
    renamed, which turned the interruption into a false "cannot write" and a rescue file.
    """
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
    except (AttributeError, OSError, ValueError):  # no sigmask here: the clean-up below still holds
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def interruptible() -> Iterator[None]:
    """Within the block, HANDLED signals raise Interrupted in the main thread."""
    previous = {sig: signal.signal(sig, _raise) for sig in HANDLED}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
