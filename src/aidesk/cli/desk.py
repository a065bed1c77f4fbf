"""`aidesk search` and `aidesk ask`: the service desk (SPEC §5).

The search index (corpus, BM25, embeddings) is imported and built only inside the commands.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aidesk.cli import app
from aidesk.cli.common import EXIT_BAD_INPUT, bad_input, console, err_console

if TYPE_CHECKING:
    from aidesk.desk.search import DeskIndex, SearchResult


class Lang(StrEnum):
    en = "en"
    fr = "fr"


class Include(StrEnum):
    guidance = "guidance"


VERSION_HELP = "Corpus version: 2024 (as published) or a later consolidated text; default: the newest."


def _index(version: str | None) -> DeskIndex:
    from aidesk.desk.search import get_index
    from aidesk.law.citations import CitationError

    try:
        index = get_index(version)
    except CitationError as exc:
        bad_input(str(exc))
    for warning in index.warnings:
        if "semantic search unavailable" in warning:
            err_console.print(f"aidesk: warning: {warning}", markup=False, soft_wrap=True)
    if index.embedded_now:
        err_console.print(
            f"aidesk: note: embedded {index.embedded_now} passages missing from the shipped vectors (cached for next time)"
        )
    return index


def _print_result(result: SearchResult) -> None:
    from rich.text import Text

    if not result.results:
        console.print("No matching provision.", style="dim")
        return
    for i, hit in enumerate(result.results, start=1):
        line = Text()
        line.append(f"{i:>2}. ", style="dim")
        line.append(hit.ref, style="bold cyan" if hit.collection == "law" else "bold magenta")
        line.append(f"  {hit.title}", style="bold")
        if hit.collection == "guidance":
            status = hit.source.get("status", "")
            line.append(
                f"  [guidance, non-binding{', ' + status if status == 'draft' else ''}]", style="magenta"
            )
        if hit.direct:
            line.append("  [named in the query]", style="green")
        line.append(f"  {hit.score:.3f}", style="dim")
        console.print(line)
        console.print(Text("    " + hit.snippet), soft_wrap=False)


@app.command("search")
def search_command(
    query: str | None = typer.Argument(None, help="A question or a citation, in English or French."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (SPEC §5)."),
    limit: int = typer.Option(10, "--limit", "-n", min=1, max=100, help="Number of results (1–100)."),
    lang: Lang | None = typer.Option(
        None, "--lang", "-l", help="Language of titles and snippets (default: the query's)."
    ),
    include: list[Include] = typer.Option(
        [], "--include", help="Also rank the Commission's guidance (non-binding)."
    ),
    batch: str | None = typer.Option(
        None, "--batch", help="Read one query a line from FILE ('-' = stdin); print one JSON object a line."
    ),
    version: str | None = typer.Option(None, "--version", help=VERSION_HELP),
) -> None:
    """Rank the articles, paragraphs, annex points and recitals that answer a question."""
    from aidesk.desk.search import QueryError, normalise_query

    if (query is None) == (batch is None):
        bad_input("give either a QUERY or --batch FILE (one query a line, '-' for stdin)")
    with_guidance = Include.guidance in include
    if batch is not None:
        _search_batch(batch, limit, lang, with_guidance, version)
        return
    assert query is not None
    try:
        normalise_query(query)  # bad input fails before the index is loaded
    except QueryError as exc:
        bad_input(str(exc))
    index = _index(version)
    try:
        result = index.search(
            query, limit=limit, lang=lang.value if lang else None, include_guidance=with_guidance
        )
    except QueryError as exc:
        bad_input(str(exc))
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    _print_result(result)


def _read_lines(source: str) -> list[str]:
    if source == "-":
        return sys.stdin.read().splitlines()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        bad_input(f"{source}: no such file (give a text file with one query a line, or '-' for stdin)")
    except UnicodeDecodeError:
        bad_input(f"{source}: not UTF-8 text (give a text file with one query a line)")
    except OSError as exc:
        bad_input(f"{source}: cannot read it ({exc.strerror})")


def _search_batch(
    source: str, limit: int, lang: Lang | None, with_guidance: bool, version: str | None
) -> None:
    """One JSON object a line, in input order; blank lines are skipped; a bad line yields an error object."""
    from aidesk.desk.search import QueryError

    lines = _read_lines(source)
    index = _index(version)
    failed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        out: dict[str, Any]
        try:
            result = index.search(
                line, limit=limit, lang=lang.value if lang else None, include_guidance=with_guidance
            )
            out = result.to_json()
        except QueryError as exc:
            failed += 1
            out = {"query": line, "results": [], "error": str(exc), "line": number}
        typer.echo(json.dumps(out, ensure_ascii=False))
    if failed:
        err_console.print(f"aidesk: error: {failed} of the queries could not be searched (see 'error' lines)")
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="A question in English or French ('-' reads it from stdin)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    lang: Lang | None = typer.Option(
        None, "--lang", "-l", help="Language of the answer (default: the question's)."
    ),
    version: str | None = typer.Option(None, "--version", help=VERSION_HELP),
) -> None:
    """A cited answer: the provisions that answer the question, quoted, then non-binding guidance."""
    from aidesk.desk.ask import LABELS, ask
    from aidesk.desk.search import QueryError, normalise_query

    if question == "-":
        question = sys.stdin.read()
    try:
        normalise_query(question)  # bad input fails before the index is loaded
    except QueryError as exc:
        bad_input(str(exc))
    index = _index(version)
    try:
        answer = ask(question, lang=lang.value if lang else None, index=index)
    except QueryError as exc:
        bad_input(str(exc))
    if as_json:
        typer.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        return

    from rich.panel import Panel
    from rich.text import Text

    labels = LABELS[answer.lang]
    console.print(
        Panel(Text(answer.answer), title="Answer" if answer.lang == "en" else "Réponse", title_align="left")
    )
    if answer.passages:
        console.print(Text(labels["law"], style="bold"))
        for h in answer.passages:
            other = f"  ({labels['other_lang']})" if h.lang != answer.lang else ""
            console.print(
                Text.assemble((f"  {h.ref}", "bold cyan"), (f" — {h.title}", "bold"), (other, "dim"))
            )
            console.print(Text("    " + " ".join(h.text.split())))
    if answer.recitals:
        console.print(Text(labels["recitals"], style="bold"))
        for h in answer.recitals:
            console.print(Text.assemble((f"  {h.ref}", "bold cyan")))
            console.print(Text("    " + h.snippet))
    if answer.guidance:
        console.print(Text(labels["guidance"], style="bold magenta"))
        for h in answer.guidance:
            status = h.source.get("status", "")
            tag = f" ({labels['draft']} {h.source.get('date', '')})" if status == "draft" else ""
            console.print(Text.assemble((f"  {h.ref}{tag}", "bold magenta"), (f" — {h.title}", "")))
            console.print(Text("    " + h.snippet))
    for note in answer.notes:
        err_console.print(f"aidesk: note: {note}", markup=False, soft_wrap=True)
