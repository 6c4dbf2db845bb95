"""The ``agnobench`` command: a thin typer app over one module per command."""

from __future__ import annotations

import typer

from agnobench import __version__
from agnobench.commands.ab import ab
from agnobench.commands.bisect import bisect
from agnobench.commands.compare import compare
from agnobench.commands.export import export
from agnobench.commands.history import history
from agnobench.commands.import_go import import_go
from agnobench.commands.list_ import list_scenarios
from agnobench.commands.merge import merge
from agnobench.commands.profile import profile
from agnobench.commands.report import report
from agnobench.commands.run import run

app = typer.Typer(
    name="agnobench",
    help="Benchmark and profile the Agno agent framework, offline: "
         "`run` measures scenarios, `list` shows them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # help is plain text: rich markup ate `agnobench[html]` and `[requires]`
)
app.command("list")(list_scenarios)
app.command("run")(run)
app.command("profile")(profile)
app.command("compare")(compare)
app.command("report")(report)
app.command("import-go")(import_go)
app.command("export")(export)
app.command("merge")(merge)
app.command("history")(history)
app.command("ab")(ab)
app.command("bisect")(bisect)


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"agnobench {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", callback=_version_callback, is_eager=True,
                                       help="Show the version and exit.")) -> None:
    """Benchmark and profile the Agno agent framework, offline."""


def main() -> None:
    app()
