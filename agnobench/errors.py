"""Errors a user can fix, and the exit codes of the command-line contract.

Bad input must end in one line that names the file and the field, with exit
code 2 and no traceback; :class:`InputError` carries exactly those parts so
every command formats them the same way.
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK = 0
EXIT_FAILED = 1  # a scenario failed, a regression, or a missed target asked to fail
EXIT_BAD_INPUT = 2
EXIT_INCONCLUSIVE = 3  # compare: nothing failed, but a gated metric could not be judged on these runs


class InputError(Exception):
    """Bad user input: a file, the field in it that is wrong, and why."""

    def __init__(self, source: str | Path, field: str | None, message: str) -> None:
        self.source = str(source)
        self.field = field
        self.message = message
        super().__init__(self.one_line())

    def one_line(self) -> str:
        where = f"{self.source}: {self.field}" if self.field else self.source
        return f"error: {where}: {self.message}"


class ScenarioError(Exception):
    """The scenario cannot be measured; the message says which part failed.

    ``field`` is set when the fault is in the scenario file itself (a
    reference that does not import): that is bad input, exit code 2.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
