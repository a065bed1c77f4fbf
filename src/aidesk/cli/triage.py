"""`aidesk triage`: a plain-language description in, a likely classification out (SPEC §5, issue 7).

The bank, the embedding model and the rules engine are imported only inside the command.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from aidesk.cli import app
from aidesk.cli.common import bad_input, console

if TYPE_CHECKING:
    from aidesk.desk.triage.service import TriageResult


class Lang(StrEnum):
    en = "en"
    fr = "fr"


_CLASS_STYLE = {
    "out_of_scope": "dim",
    "prohibited": "bold red",
    "high_risk": "bold yellow",
    "transparency": "bold cyan",
    "minimal": "green",
    "gpai_model": "bold magenta",
    "gpai_model_systemic": "bold magenta",
}


@app.command("triage")
def triage_command(
    text: str | None = typer.Argument(
        None, help="A description of the AI system, in English or French ('-' = stdin)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (SPEC §5)."),
    lang: Lang | None = typer.Option(
        None, "--lang", "-l", help="Language of the questions (default: the text's)."
    ),
    batch: str | None = typer.Option(
        None,
        "--batch",
        help="A file with one description a line ('-' = stdin); prints one JSON object a line.",
    ),
) -> None:
    """Propose a risk class, its candidate grounds and the questions that confirm them. Triage proposes; the
    questionnaire confirms."""
    if (text is None) == (batch is None):
        bad_input(
            "give either a TEXT (a description, '-' for stdin) or --batch FILE (one description a line)"
        )
    if batch is not None:
        _batch(batch, lang)
        return
    assert text is not None
    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        bad_input("empty description: describe the AI system in a sentence or more (what it does, for whom)")
    from aidesk.desk.triage import get_triager

    result = get_triager().triage(text, lang.value if lang else None)
    if as_json:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        return
    _print(result)


def _read_lines(source: str) -> list[str]:
    if source == "-":
        return sys.stdin.read().splitlines()
    try:
        return Path(source).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        bad_input(f"{source}: no such file (give a text file with one description a line, or '-' for stdin)")
    except UnicodeDecodeError:
        bad_input(f"{source}: not UTF-8 text (give a text file with one description a line)")
    except OSError as exc:
        bad_input(f"{source}: cannot read it ({exc.strerror})")


def _batch(source: str, lang: Lang | None) -> None:
    """One JSON object a line, in input order; blank lines are skipped."""
    lines = _read_lines(source)
    from aidesk.desk.triage import get_triager

    triager = get_triager()
    for line in lines:
        if not line.strip():
            continue
        result = triager.triage(line, lang.value if lang else None)
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False))


def _print(result: TriageResult) -> None:
    from rich.markup import escape
    from rich.table import Table

    fr = result.lang == "fr"
    style = _CLASS_STYLE.get(result.risk_class, "bold")
    console.print(
        f"[{style}]{result.risk_class}[/]  ({'confiance' if fr else 'confidence'}: {result.confidence})"
        f"  [dim]{result.mode}[/]"
    )
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("ground" if not fr else "fondement")
    table.add_column("score", justify="right")
    table.add_column("")
    table.add_column("citations")
    for s in result.candidates:
        mark = "✓" if s.confident else ""
        label = s.ground.label.get(result.lang) or s.ground.label.get("en", "")
        table.add_row(
            f"{s.ground.ground}  [dim]{escape(label)}[/]",
            f"{s.score:.2f}",
            mark,
            ", ".join(result.citations[s.ground.ground]),
        )
    console.print(table)
    if result.questions:
        console.print("[bold]" + ("Questions pour confirmer" if fr else "Questions to confirm") + "[/]")
        for q in result.questions:
            about = f" [dim]({', '.join(q['about'])})[/]" if q["about"] else ""
            console.print(f"  • {escape(q['question'])}  [dim]{q['id']}[/]{about}", soft_wrap=True)
    for note in result.notes:
        console.print(f"[dim]note: {escape(note)}[/]", soft_wrap=True)
    console.print(
        "[dim]"
        + (
            "Le tri propose ; le questionnaire confirme (profil brouillon : --json, draft_profile)."
            if fr
            else "Triage proposes; the questionnaire confirms (draft profile: --json, draft_profile)."
        )
        + "[/]"
    )
