"""The `aidesk` command line: a thin adapter over the services.

Each command group lives in its own module and imports heavy dependencies lazily,
so that `aidesk --help` and quick commands start fast.
"""

from __future__ import annotations

import typer

from aidesk import __version__

app = typer.Typer(
    name="aidesk",
    help="The one-stop desk for the EU AI Act: what it requires, where the law says so, who can help.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"aidesk {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """aidesk — rules-as-code for Regulation (EU) 2024/1689, a cited service desk, and a directory."""


# Command groups register themselves on `app` when imported.
from aidesk.cli import assess as _assess  # noqa: E402,F401
from aidesk.cli import demo as _demo  # noqa: E402,F401
from aidesk.cli import desk as _desk  # noqa: E402,F401
from aidesk.cli import directory as _directory  # noqa: E402,F401
from aidesk.cli import documents as _documents  # noqa: E402,F401
from aidesk.cli import interview as _interview  # noqa: E402,F401
from aidesk.cli import inventory as _inventory  # noqa: E402,F401
from aidesk.cli import law as _law  # noqa: E402,F401
from aidesk.cli import serve as _serve  # noqa: E402,F401
from aidesk.cli import triage as _triage  # noqa: E402,F401


def main() -> None:
    app()
