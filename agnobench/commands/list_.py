"""``agnobench list``: the scenarios agnobench knows, one per line with its suite."""

from __future__ import annotations

from typing import Optional

import typer

from agnobench.catalog import builtin_scenarios
from agnobench.commands._common import fail_on_bad_input
from agnobench.requirements import unavailable


@fail_on_bad_input
def list_scenarios(
    suite: Optional[str] = typer.Option(None, "--suite", "-s", help="Only scenarios of this suite."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Add each scenario's description."),
) -> None:
    """List the built-in scenarios: NAME SUITE, marked '*' when in the default run.

    A scenario whose [requires] are not installed says so, with the install line;
    one that runs only when named (on request: not with its suite) says so and why.
    """
    scenarios = [s for s in builtin_scenarios() if suite is None or s.suite == suite]
    width = max((len(s.name) for s in scenarios), default=0)
    suite_width = max((len(s.suite) for s in scenarios), default=0)
    for s in scenarios:
        line = f"{s.name:<{width}}  {s.suite:<{suite_width}}  {'*' if s.default else ' '}"
        missing = unavailable(s.requires)
        if missing is not None:
            line += f"  (unavailable: {missing.message})"
        if s.on_request:
            line += f"  (on request only, not run with its suite: {s.on_request})"
        if verbose:
            line += f"  {s.description}"
        typer.echo(line.rstrip())
