"""`aidesk interview`: the guided questionnaire in the terminal (a thin adapter over
`aidesk.rules.questionnaire`).

Interactive by default: one question at a time, with its help and the law it comes from (`?`), "back"
(`<`), "I don't know" (`dk`, `nsp`) and the progress through the stages. `--answers FILE` runs it
without questions asked (a YAML or JSON mapping of question id to answer; a question the file does not
answer is taken as "I don't know"). At the end the profile is written (`--out`, atomically) and the
assessment printed, as `aidesk assess` would print it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aidesk.cli import app
from aidesk.cli.assess import (
    AS_OF_HELP,
    REGIME_HELP,
    Lang,
    _check_regime,
    _internal_error,
    _parse_as_of,
    render_report,
)
from aidesk.cli.common import bad_input, console, err_console

if TYPE_CHECKING:
    from datetime import date

    from rich.console import Console

    from aidesk.rules.questionnaire import Question, Result

EXIT_ABANDONED = 130
BACK = {"<", "back", "retour", "b"}
HELP = {"?", "help", "aide", "h"}
NONE = {"0", "none", "aucun", "aucune"}


class _Abandon(Exception):
    """The person left the interview (Ctrl-C, end of input)."""


def _ui(lang: str, key: str) -> str:
    from aidesk.rules.questionnaire import load_bank

    return load_bank().ui[lang][key]


# --- reading one answer -------------------------------------------------------------------------------


def _parse(q: Question, text: str) -> object:
    """The answer typed for `q`, in the form the questionnaire takes (it checks it further)."""
    from aidesk.rules.questionnaire import UNKNOWN

    low = text.strip().lower()
    if low in ("dk", "nsp", "unknown", "i don't know", "je ne sais pas"):
        return UNKNOWN
    keys = [o.key for o in q.options]
    if q.kind == "single":
        if low.isdigit() and 1 <= int(low) <= len(keys):
            return keys[int(low) - 1]
        return text.strip()
    if q.kind == "multi":
        if low in NONE:
            return []
        chosen: list[str] = []
        for part in text.replace(",", " ").split():
            if part.isdigit() and 1 <= int(part) <= len(keys):
                chosen.append(keys[int(part) - 1])
            else:
                chosen.append(part)
        return chosen
    return text.strip()


def _show(q: Question, out: Console) -> None:
    from rich.markup import escape
    from rich.panel import Panel
    from rich.text import Text

    lang = q.lang
    body = Text()
    body.append(q.text, style="bold")
    if q.kind == "yes_no":
        body.append(f"\n  y  {_ui(lang, 'yes')}\n  n  {_ui(lang, 'no')}")
    for i, option in enumerate(q.options, 1):
        body.append(f"\n {i:>2}  ")
        body.append(option.label)
    if q.kind == "multi":
        body.append(f"\n  0  {_ui(lang, 'none')}")
    if q.allow_unknown:
        body.append(f"\n dk  {_ui(lang, 'unknown')}", style="dim")
    p = q.progress
    title = (
        f"{_ui(lang, 'question')} {p.asked + 1} · {escape(p.stage_label)} "
        f"({_ui(lang, 'of_stage')} {p.stage_number}/{p.stages})"
    )
    out.print(
        Panel(
            body,
            title=title,
            title_align="left",
            subtitle=f"{q.id} · {', '.join(q.citations)}",
            subtitle_align="right",
        )
    )
    out.print(f"[dim]{escape(_ui(lang, q.kind + '_hint'))} · {escape(_ui(lang, 'help_hint'))}[/dim]")


def _law_text(ref: str, lang: str) -> str:
    """The first words of a cited provision (in `lang`, else in English), for the help."""
    from aidesk.law.corpus import load_corpus

    for language in dict.fromkeys((lang, "en")):
        try:
            node = load_corpus(lang=language).resolve(ref)
        except Exception:  # not in this language's text (or not resolvable): try the next
            continue
        text = " ".join(str(getattr(node, "text", "") or getattr(node, "title", "") or "").split())
        return text[:280] + ("…" if len(text) > 280 else "")
    return ""


def _show_help(q: Question, out: Console) -> None:
    from rich.markup import escape

    out.print(f"[italic]{escape(q.help)}[/italic]")
    out.print(f"[bold]{escape(_ui(q.lang, 'law'))}[/bold]")
    for ref in q.citations:
        out.print(f"  [cyan]{escape(ref)}[/cyan] {escape(_law_text(ref, q.lang))}")


def _ask(q: Question, out: Console) -> str:
    try:
        return out.input("> ")
    except (EOFError, KeyboardInterrupt):
        raise _Abandon() from None


# --- the interview loops --------------------------------------------------------------------------------


def _interactive(lang: str, regime: str, when: date | None, out: Console) -> Result:
    from aidesk.rules.questionnaire import AnswerError, Question, next_question, previous

    answers: dict[str, object] = {}
    step = next_question(answers, lang, regime, when)
    shown: str | None = None
    while isinstance(step, Question):
        q = step
        if shown != q.id:
            _show(q, out)
            shown = q.id
        typed = _ask(q, out)
        low = typed.strip().lower()
        if low in HELP:
            _show_help(q, out)
            continue
        if low in BACK:
            if not q.can_go_back:
                out.print(f"[yellow]{_ui(lang, 'first_question')}[/yellow]")
                continue
            answers = previous(answers, regime, when)
            step = next_question(answers, lang, regime, when)
            shown = None
            continue
        if not typed.strip():
            continue
        trial = {**answers, q.id: _parse(q, typed)}
        try:
            step = next_question(trial, lang, regime, when)
        except AnswerError as exc:
            out.print(f"[red]{_ui(lang, 'invalid')}: {exc.message}[/red]", markup=True)
            continue
        answers = trial
    return step


def _from_file(file: str, lang: str, regime: str, when: date | None) -> tuple[Result, list[str]]:
    from aidesk.rules.profile import ProfileError, parse_text
    from aidesk.rules.questionnaire import UNKNOWN, AnswerError, Question, next_question

    path = Path(file)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        bad_input(f"{file}: no such file; give a YAML or JSON mapping of question id to answer")
    except (OSError, UnicodeDecodeError) as exc:
        bad_input(f"{file}: cannot read the file ({exc}); it must be UTF-8 text")
    try:
        data = parse_text(text, "json" if path.suffix.lower() == ".json" else None, file)
    except ProfileError as exc:
        bad_input(exc.one_line())
    if data is None:
        data = {}
    if not isinstance(data, dict):
        bad_input(f"{file}: expected a mapping of question id to answer, e.g. q_kind: ai_system")
    answers: dict[str, Any] = {str(k): v for k, v in data.items()}
    missing: list[str] = []
    while True:
        try:
            step = next_question(answers, lang, regime, when)
        except AnswerError as exc:
            bad_input(f"{file}: {exc}")
        if not isinstance(step, Question):
            return step, missing
        if not step.allow_unknown:
            bad_input(f"{file}: {step.id}: no answer; this question needs one ({step.text})")
        answers[step.id] = UNKNOWN
        missing.append(step.id)


def _write_atomic(path: Path, text: str) -> None:
    """Write a whole file or nothing: a temporary file beside it, then a rename."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _profile_text(document: dict[str, Any], path: Path) -> str:
    if path.suffix.lower() == ".json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    buffer = io.StringIO()
    yaml.dump(document, buffer)
    return buffer.getvalue()


def _list(lang: str, as_json: bool) -> None:
    from rich.table import Table

    from aidesk.rules.questionnaire import interview_question, load_bank

    questions = [interview_question(q.id, lang) for q in load_bank().questions]
    if as_json:
        rows = [
            {
                "id": q.id,
                "kind": q.kind,
                "sets": q.sets,
                "text": q.text,
                "options": [o.key for o in q.options],
                "citations": q.citations,
            }
            for q in questions
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(show_lines=False)
    for column in ("id", "kind", "question", "options"):
        table.add_column(column)
    for q in questions:
        table.add_row(q.id, q.kind, q.text, ", ".join(o.key for o in q.options))
    console.print(table)


@app.command("interview")
def interview_command(
    lang: Lang = typer.Option(Lang.en, "--lang", help="Language of the questions and the report."),
    out: Path | None = typer.Option(
        None, "--out", help="Write the profile there (YAML; JSON if the name ends in .json)."
    ),
    answers_file: str | None = typer.Option(
        None,
        "--answers",
        help="Run without asking: a YAML or JSON mapping of question id to answer (see --list); "
        'questions it does not answer are taken as "I don\'t know".',
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the assessment JSON instead of the report."),
    regime: str = typer.Option("ai-act-2026", "--regime", help=REGIME_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    list_questions: bool = typer.Option(
        False, "--list", help="List every question (id, kind, options) and exit."
    ),
) -> None:
    """A guided interview that asks only what the AI Act needs to classify your system, then assesses it."""
    if list_questions:
        _list(lang.value, as_json)
        return
    regime = _check_regime(regime)
    when = _parse_as_of(as_of)
    if out is not None and out.is_dir():
        bad_input(f"--out: {out} is a directory; give a file name such as profile.yaml")
    missing: list[str] = []
    try:
        if answers_file is not None:
            result, missing = _from_file(answers_file, lang.value, regime, when)
        else:
            result = _interactive(lang.value, regime, when, console)
    except _Abandon:
        err_console.print(_ui(lang.value, "abandoned"), markup=False)
        raise typer.Exit(EXIT_ABANDONED) from None
    except typer.Exit:
        raise
    except Exception as exc:  # a bug, not the user's input
        _internal_error(exc)
    from aidesk.rules.questionnaire import profile_document

    if missing:
        err_console.print(
            f'aidesk: note: not answered in {answers_file}, taken as "I don\'t know": {", ".join(missing)}',
            markup=False,
            soft_wrap=True,
        )
    if out is not None:
        try:
            _write_atomic(out, _profile_text(profile_document(result.profile), out))
        except OSError as exc:
            bad_input(f"--out: cannot write {out} ({exc})")
    if as_json:
        typer.echo(result.assessment.to_json(indent=2))
        return
    t = lang.value
    console.print(f"[bold green]{_ui(t, 'done')}[/bold green] · {len(result.asked)} {_ui(t, 'asked')}")
    if out is not None:
        console.print(f"{_ui(t, 'saved')} {out}", markup=False)
    else:
        console.print(f"[dim]{_ui(t, 'not_saved')}[/dim]")
    if result.unknown:
        console.print(_ui(t, "open_note"), markup=False)
    render_report(result.assessment, console)
