"""What every CLI command shares: the consoles and the way bad input ends a command."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 1


def bad_input(message: str) -> NoReturn:
    """End the command on bad input: one line on stderr naming what is wrong, exit code 2."""
    err_console.print(f"aidesk: error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_BAD_INPUT)
