"""What every command shares: output formats, consoles, and the bad-input rule."""

from __future__ import annotations

import enum
import functools
import sys
from typing import Any, Callable, ParamSpec, TypeVar

import typer
from rich.console import Console

from agnobench.errors import EXIT_BAD_INPUT, InputError

P = ParamSpec("P")
R = TypeVar("R")


class OutputFormat(str, enum.Enum):
    table = "table"
    md = "md"
    json = "json"


def terminal(**options: Any) -> Console:
    """A console that never reads markup: the one place text meets rich.

    What reaches the terminal carries data agnobench does not control: error
    messages of the measured code, paths, a worker's or a server's output,
    results-file names. Read as rich markup, ``cannot read [/etc/app.conf]``
    is a closing tag that raises in the middle of a run. So every console is
    made here with ``markup=False`` (and ``emoji=False``: ``:x:`` in a message
    stays as written); colour is given as ``style=`` or :class:`rich.text.Text`
    spans, never as ``[red]...[/red]`` in a string.
    """
    return Console(markup=False, emoji=False, **options)


def stdout_console() -> Console:
    """The terminal's width on a terminal; wide enough for whole tables in a pipe or file."""
    console = terminal(soft_wrap=False)
    return console if console.is_terminal else terminal(soft_wrap=False, width=220)


def stderr_console() -> Console:
    return terminal(stderr=True)


def fail_on_bad_input(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn an InputError into one line on stderr and exit code 2, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            print(exc.one_line(), file=sys.stderr)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    return wrapper
