"""`aidesk law …`: read the AI Act."""

from __future__ import annotations

import typer

from aidesk.cli import app

law_app = typer.Typer(help="Read the AI Act: articles, recitals, annexes, in English or French.", no_args_is_help=True)
app.add_typer(law_app, name="law")
