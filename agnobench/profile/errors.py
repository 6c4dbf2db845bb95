"""Why a profile could not be made, with the exit code the CLI contract gives it."""

from __future__ import annotations

from agnobench.errors import EXIT_BAD_INPUT, EXIT_FAILED


class ProfileError(Exception):
    """One line for the user; no traceback.

    ``exit_code`` is 1 when the scenario itself failed while being profiled
    (it raised, its check failed, it reached for the network, it died), as
    for ``agnobench run``; 2 when nothing could be profiled as asked: bad
    input, or a profiler that cannot run here (py-spy missing, or not allowed
    to read the process). Then the environment must change, not the code.
    """

    def __init__(self, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class ProfilerUnavailable(ProfileError):
    """The profiler cannot sample in this environment; the message says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message, EXIT_BAD_INPUT)
