"""`aidesk demo`: the product's main job on a bundled example, until the web desk exists."""

from __future__ import annotations

from aidesk.cli import app
from aidesk.cli.common import console

# A CV-screening tool: the standard example of a high-risk use (Annex III 4(a)).
TOUR = ("Art. 6(2)", "Annex III 4(a)", "Art. 6(3)")


@app.command()
def demo() -> None:
    """Show what aidesk does on a bundled example."""
    from rich.panel import Panel
    from rich.text import Text

    from aidesk.law.corpus import load_corpus, locate

    for lang in ("en", "fr"):
        corpus = load_corpus(None, lang)
        for ref in TOUR:
            located = locate(corpus, ref)
            body = Text("\n".join(located.headings[-1:]) + "\n", style="bold")
            body.append(located.text)
            console.print(Panel(body, title=f"{located.citation} · {lang.upper()}", title_align="left"))
    console.print("Next: [bold]aidesk law show 'Art. 5(1)(f)' --lang fr[/bold], [bold]aidesk law toc[/bold]")
