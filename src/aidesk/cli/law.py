"""`aidesk law …`: read the AI Act — show a provision, the table of contents, check the data."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from aidesk.cli import app
from aidesk.cli.common import bad_input, console

if TYPE_CHECKING:
    from aidesk.law.citations import Citation
    from aidesk.law.model import Change

law_app = typer.Typer(
    help="Read the AI Act: articles, recitals, annexes, in English or French.", no_args_is_help=True
)
app.add_typer(law_app, name="law")


class Lang(StrEnum):
    en = "en"
    fr = "fr"


VERSION_HELP = "Corpus version: 2024 (as published) or a later consolidated text; default: the newest."


def _change_json(ch: Change) -> dict[str, str | None]:
    return {
        "ref": str(ch.citation),
        "kind": ch.kind,
        "amending_point": ch.amending_point,
        "part": ch.part,
        "note": ch.note,
    }


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
    from aidesk.law.citations import AI_ACT, CitationError, parse

    try:
        citation = parse(ref)
    except CitationError as exc:
        bad_input(str(exc))
    if citation.act != AI_ACT:
        _show_amending_act(citation, as_json)
        return

    from aidesk.law.corpus import load_corpus, locate

    try:
        corpus = load_corpus(version, lang.value)
        located = locate(corpus, citation)
    except CitationError as exc:
        bad_input(str(exc))
    if as_json:
        payload = {
            "ref": str(located.citation),
            "lang": corpus.lang,
            "text_lang": "en" if located.shown_in_english else corpus.lang,
            "version": corpus.version,
            "kind": located.citation.kind.value,
            "headings": list(located.headings),
            "lead_in": list(located.lead_in),
            "text": located.text,
            "amendments": [_change_json(ch) for ch in located.amendments],
            "inner_amendments": [_change_json(ch) for ch in located.inner_amendments],
            "earlier_wording": located.earlier_wording,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return

    from rich.panel import Panel
    from rich.text import Text

    fr = corpus.lang == "fr"
    body = Text()
    for line in located.headings:
        body.append(line + "\n", style="bold")
    for ch in located.amendments:
        verb = {"inserted": "inséré", "replaced": "remplacé", "deleted": "supprimé"}.get(ch.kind, ch.kind)
        what = f" ({ch.part})" if ch.part else ""
        if fr:
            body.append(f"Modifié ({verb}{what}) par {ch.amending_point}\n", style="yellow")
        else:
            body.append(f"Amended ({ch.kind}{what}) by {ch.amending_point}\n", style="yellow")
    if located.inner_amendments:
        listed = ", ".join(f"{ch.citation} ({ch.kind})" for ch in located.inner_amendments)
        label = "Contient des modifications" if fr else "Contains changes"
        body.append(f"{label}: {listed}\n", style="yellow")
    if located.shown_in_english:
        body.append(
            "Modifié — texte anglais du règlement (UE) 2026/1744 affiché "
            "(aucun texte français officiel de la modification dans le corpus)\n",
            style="bold yellow",
        )
    for line in located.lead_in:
        body.append(line + "\n", style="dim")
    if body:
        body.append("\n")
    body.append(located.text)
    if located.shown_in_english and located.earlier_wording:
        body.append("\n\nLibellé avant modification (texte français de 2024) :\n", style="bold")
        body.append(located.earlier_wording, style="dim")
    title = f"{located.citation} · Regulation (EU) 2024/1689 · {corpus.version} · {corpus.lang.upper()}"
    console.print(Panel(body, title=title, title_align="left", expand=True))


def _show_amending_act(citation: Citation, as_json: bool) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from aidesk.law.amending import load_amending_act
    from aidesk.law.citations import CitationError

    try:
        act = load_amending_act(citation.act)
        found = act.resolve(citation)
    except CitationError as exc:
        bad_input(str(exc))
    if as_json:
        payload = {
            "ref": str(found.citation),
            "act": act.title,
            "heading": found.heading,
            "text": found.full_text,
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    body = Text(f"{act.short_title} — {act.oj}\n", style="bold")
    body.append(found.heading + "\n\n", style="bold")
    body.append(found.full_text)
    console.print(Panel(body, title=str(found.citation), title_align="left"))


@law_app.command("changes")
def changes(
    version: str | None = typer.Option(None, "--version", help=VERSION_HELP),
    kind: str | None = typer.Option(
        None, "--kind", help="Only changes of this kind: inserted, replaced, deleted."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines instead of a table."),
) -> None:
    """Every provision an amending act changed, with its amending point."""
    from aidesk.law.citations import CitationError
    from aidesk.law.corpus import load_corpus

    if kind is not None and kind not in ("inserted", "replaced", "deleted"):
        bad_input(f"--kind {kind!r}: choose inserted, replaced or deleted")
    try:
        corpus = load_corpus(version, "en")
    except CitationError as exc:
        bad_input(str(exc))
    selected = [ch for ch in corpus.changes if kind is None or ch.kind == kind]
    if as_json:
        typer.echo(json.dumps([_change_json(ch) for ch in selected], ensure_ascii=False, indent=2))
        return
    if not selected:
        console.print(f"The {corpus.version} text records no changes.")
        return
    from rich.table import Table

    table = Table(title=f"Changes in the {corpus.version} text ({len(selected)})")
    for column in ("provision", "change", "amending point", "part"):
        table.add_column(column)
    for ch in selected:
        table.add_row(str(ch.citation), ch.kind, ch.amending_point, ch.part or "")
    console.print(table)


@law_app.command("diff")
def diff(
    ref: str = typer.Argument(..., help="A citation, e.g. 'Art. 113(3)' or 'Annex I Section A'."),
    old: str | None = typer.Option(None, "--from", help="Older corpus version (default: the oldest)."),
    new: str | None = typer.Option(None, "--to", help="Newer corpus version (default: the newest)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a side-by-side table."),
) -> None:
    """Old and new wording of a provision side by side."""
    from aidesk.law.citations import CitationError, parse
    from aidesk.law.corpus import available_versions, load_corpus

    versions = available_versions()
    old_v, new_v = old or versions[0], new or versions[-1]
    try:
        citation = parse(ref)
        before, after = load_corpus(old_v, "en"), load_corpus(new_v, "en")
    except CitationError as exc:
        bad_input(str(exc))
    old_node, new_node = before.index.get(citation), after.index.get(citation)
    if old_node is None and new_node is None:
        try:
            after.resolve(citation)
        except CitationError as exc:
            bad_input(str(exc))
    old_text = old_node.full_text if old_node is not None else None
    new_text = new_node.full_text if new_node is not None else None
    amendments = after.changes_covering(citation) + after.changes_within(citation)
    if as_json:
        payload = {
            "ref": str(citation),
            "from": old_v,
            "to": new_v,
            "old": old_text,
            "new": new_text,
            "changed": old_text != new_text,
            "amendments": [_change_json(ch) for ch in amendments],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=f"{citation}: {old_v} → {new_v}", show_lines=True, expand=True)
    table.add_column(old_v, ratio=1)
    table.add_column(new_v, ratio=1)
    table.add_row(
        Text(old_text) if old_text is not None else Text(f"(not in the {old_v} text)", style="dim"),
        Text(new_text) if new_text is not None else Text(f"(not in the {new_v} text: deleted)", style="dim"),
    )
    console.print(table)
    for ch in amendments:
        console.print(Text(f"{ch.citation}: {ch.kind} by {ch.amending_point}", style="yellow"))
    if old_text == new_text:
        console.print("No change in wording.")


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
