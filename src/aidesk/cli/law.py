"""`aidesk law …`: read the AI Act — show a provision, the table of contents, check the data."""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from aidesk.cli import app
from aidesk.cli.common import bad_input, console

law_app = typer.Typer(
    help="Read the AI Act: articles, recitals, annexes, in English or French.", no_args_is_help=True
)
app.add_typer(law_app, name="law")


class Lang(StrEnum):
    en = "en"
    fr = "fr"


VERSION_HELP = "Corpus version: 2024 (as published) or a later consolidated text; default: the newest."


@law_app.command("show")
def show(
    ref: str = typer.Argument(
        ..., help="A citation: 'Art. 5(1)(f)', 'Annex III 4(a)', 'Recital 53', 'considérant 53'…"
    ),
    lang: Lang = typer.Option(Lang.en, "--lang", "-l", help="Language of the text."),
    version: str | None = typer.Option(None, "--version", help=VERSION_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of formatted text."),
) -> None:
    """Print an article, paragraph, point, recital or annex (point), with its headings."""
    from aidesk.law.citations import CitationError
    from aidesk.law.corpus import load_corpus, locate

    try:
        corpus = load_corpus(version, lang.value)
        located = locate(corpus, ref)
    except CitationError as exc:
        bad_input(str(exc))
    if as_json:
        payload = {
            "ref": str(located.citation),
            "lang": corpus.lang,
            "version": corpus.version,
            "kind": located.citation.kind.value,
            "headings": list(located.headings),
            "lead_in": list(located.lead_in),
            "text": located.text,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return

    from rich.panel import Panel
    from rich.text import Text

    body = Text()
    for line in located.headings:
        body.append(line + "\n", style="bold")
    for line in located.lead_in:
        body.append(line + "\n", style="dim")
    if located.headings or located.lead_in:
        body.append("\n")
    body.append(located.text)
    title = f"{located.citation} · Regulation (EU) 2024/1689 · {corpus.version} · {corpus.lang.upper()}"
    console.print(Panel(body, title=title, title_align="left", expand=True))


@law_app.command("toc")
def toc(
    lang: Lang = typer.Option(Lang.en, "--lang", "-l", help="Language of the titles."),
    version: str | None = typer.Option(None, "--version", help=VERSION_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a tree."),
) -> None:
    """The table of contents: chapters, sections, articles, annexes."""
    from aidesk.law.citations import CitationError
    from aidesk.law.corpus import load_corpus

    try:
        corpus = load_corpus(version, lang.value)
    except CitationError as exc:
        bad_input(str(exc))
    if as_json:
        payload = {
            "version": corpus.version,
            "lang": corpus.lang,
            "recitals": len(corpus.recitals),
            "chapters": [
                {
                    "number": ch.number,
                    "title": ch.title,
                    "articles": [
                        {
                            "ref": str(corpus.articles[a].citation),
                            "title": corpus.articles[a].title,
                            "section": corpus.articles[a].section,
                        }
                        for a in ch.articles
                        if a in corpus.articles
                    ],
                }
                for ch in corpus.chapters
            ],
            "annexes": [{"ref": str(x.citation), "title": x.title} for x in corpus.annexes.values()],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return

    from rich.text import Text
    from rich.tree import Tree

    fr = corpus.lang == "fr"
    tree = Tree(Text(f"{corpus.title}", style="bold"))
    tree.add(Text(f"{'Considérants' if fr else 'Recitals'} 1–{max(corpus.recitals)}"))
    for ch in corpus.chapters:
        branch = tree.add(Text(f"{'Chapitre' if fr else 'Chapter'} {ch.number} — {ch.title}", style="bold"))
        sections = {sid: branch.add(Text(f"Section {sid} — {title}")) for sid, title in ch.sections}
        for a in ch.articles:
            article = corpus.articles.get(a)
            if article is None:
                continue
            parent = sections.get(article.section or "", branch)
            parent.add(Text(f"{article.citation} {article.title}"))
    annexes = tree.add(Text("Annexes", style="bold"))
    for annex in corpus.annexes.values():
        annexes.add(Text(f"{annex.citation} — {annex.title}"))
    console.print(tree)


@law_app.command("validate")
def validate() -> None:
    """Check the bundled legal data: counts, EN/FR skeletons, citations, annex structure."""
    from rich.table import Table
    from rich.text import Text

    from aidesk.law.validate import validate_corpora

    report = validate_corpora()
    table = Table(title="Bundled corpus", show_lines=False)
    for column in ("version", "lang", "recitals", "articles", "annexes", "provisions"):
        table.add_column(column, justify="right" if column not in ("version", "lang") else "left")
    for s in report.summaries:
        table.add_row(s.version, s.lang, str(s.recitals), str(s.articles), str(s.annexes), str(s.provisions))
    console.print(table)
    for problem in report.problems:
        console.print(Text("✗ ", style="red") + Text(problem))
    if report.problems:
        raise typer.Exit(1)
    console.print(f"[green]✓[/green] {report.checks} checks passed")
