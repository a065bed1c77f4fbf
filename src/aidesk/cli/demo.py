"""`aidesk demo`: the product's main job until the web desk exists."""

from __future__ import annotations

from aidesk.cli import app


@app.command()
def demo() -> None:
    """Show what aidesk does on a bundled example."""
