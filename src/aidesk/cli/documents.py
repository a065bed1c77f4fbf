"""`aidesk documents`: the documents the AI Act asks of a system, generated from its profile.

A thin adapter over `aidesk.documents`. Bad input (unreadable profile, unknown document or format, a
document that does not apply, an output path that is not a directory) is one line on stderr and exit
code 2, and nothing is written: every file is rendered in memory, written to a temporary directory next
to the output directory, and only then moved into place.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from aidesk.cli import app
from aidesk.cli.common import EXIT_INTERNAL, bad_input, console, err_console

if TYPE_CHECKING:
    from aidesk.rules.profile import Profile


def _internal_error(exc: BaseException) -> NoReturn:
    err_console.print(f"aidesk: internal error: {type(exc).__name__}: {exc}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_INTERNAL)


def _load(file: str) -> Profile:
    from aidesk.rules.profile import ProfileError, format_of, parse_profile

    if file == "-":
        text, name = sys.stdin.read(), "<stdin>"
    else:
        try:
            text, name = Path(file).read_text(encoding="utf-8"), file
        except FileNotFoundError:
            bad_input(f"{file}: no such file; give the path of a YAML or JSON profile, or - for stdin")
        except (OSError, UnicodeDecodeError) as exc:
            bad_input(f"{file}: cannot read the file ({exc}); it must be UTF-8 text")
    try:
        return parse_profile(text, format_of(file) if file != "-" else None, name)
    except ProfileError as exc:
        bad_input(exc.one_line())


def _write_all(out: Path, files: list[tuple[str, bytes]]) -> list[Path]:
    """Write every file to a temporary directory beside `out`, then move them into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".aidesk-documents-", dir=out))
    try:
        for name, content in files:
            (staging / name).write_bytes(content)
        written = []
        for name, _ in files:
            target = out / name
            os.replace(staging / name, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@app.command("documents")
def documents_command(
    profile_file: str = typer.Argument(
        ..., metavar="PROFILE", help="Profile file (YAML or JSON, schema aidesk/profile/v1); - reads stdin."
    ),
    only: str | None = typer.Option(
        None,
        "--only",
        help="Comma-separated documents: report, annex-iv, annex-v, annex-viii-a, annex-viii-b, annex-viii-c, "
        "fria, notice-chatbot, notice-synthetic-content, notice-emotion-recognition, notice-deep-fake, "
        "annex-xi, annex-xii, training-summary; or groups: registration, notices, gpai. "
        "Default: every document that applies.",
    ),
    fmt: str = typer.Option(
        "md",
        "--format",
        "-f",
        help="md, html, pdf, docx or json; several separated by commas (e.g. pdf,docx).",
    ),
    lang: str = typer.Option("en", "--lang", help="Language of the documents: en or fr."),
    out: Path = typer.Option(
        Path("aidesk-documents"), "--out", "-o", help="Directory to write the documents to."
    ),
    regime: str = typer.Option(
        "ai-act-2026", "--regime", help="Legal regime: ai-act-2026 (default) or ai-act-2024."
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="Assessment date (YYYY-MM-DD); default: today."),
    list_only: bool = typer.Option(
        False, "--list", help="List every document with whether it applies and why; write nothing."
    ),
) -> None:
    """Generate the documents the AI Act asks of this system: Annex IV, FRIA, Annex V, Annex VIII,
    Art. 50 notices, GPAI documentation and the assessment report, pre-filled from the profile."""
    from aidesk.documents import (
        DocumentError,
        check_format,
        list_documents,
        render_documents,
        select_documents,
    )
    from aidesk.rules.regimes import REGIME_IDS

    if lang not in ("en", "fr"):
        bad_input(f"--lang: unknown language {lang!r}; use en or fr")
    if regime not in REGIME_IDS:
        bad_input(f"--regime: unknown regime {regime!r}; use one of: {', '.join(REGIME_IDS)}")
    when: date | None = None
    if as_of is not None:
        try:
            when = date.fromisoformat(as_of.strip())
        except ValueError:
            bad_input(f"--as-of: {as_of!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-12-02")
    try:
        formats = list(dict.fromkeys(check_format(f) for f in fmt.split(",") if f.strip()))
    except DocumentError as exc:
        bad_input(f"--format: {exc}")
    if not formats:
        bad_input("--format: give at least one of md, html, pdf, docx, json")
    if out.exists() and not out.is_dir():
        bad_input(f"--out: {out} exists and is not a directory; give a directory")
    profile = _load(profile_file)
    source = "<stdin>" if profile_file == "-" else profile_file

    if list_only:
        for info in list_documents(profile, lang=lang, regime=regime, as_of=when):
            mark = "yes" if info.applies else "no "
            console.print(f"{mark}  {info.kind:<28} {info.reason}", markup=False, soft_wrap=True)
        return
    try:
        chosen = select_documents(
            profile, only.split(",") if only is not None else None, lang=lang, regime=regime, as_of=when
        )
    except DocumentError as exc:
        bad_input(f"{source}: --only: {exc}")
    try:
        rendered = render_documents(
            profile, [d.kind for d in chosen], formats, lang=lang, regime=regime, as_of=when
        )
    except DocumentError as exc:
        bad_input(f"{source}: {exc}")
    except Exception as exc:  # a bug, not the user's input
        _internal_error(exc)
    try:
        written = _write_all(out, [(r.filename, r.content) for r in rendered])
    except OSError as exc:
        bad_input(f"--out: cannot write to {out} ({exc})")
    titles = {d.kind: d.title for d in chosen}
    for r, path in zip(rendered, written, strict=True):
        console.print(f"{path}  {titles[r.kind]}", markup=False, soft_wrap=True)
    skipped = [] if only is not None else [
        d for d in list_documents(profile, lang=lang, regime=regime, as_of=when) if not d.applies
    ]  # fmt: skip
    if skipped:
        err_console.print(
            f"aidesk: {len(skipped)} document(s) do not apply to this system (aidesk documents --list says why).",
            markup=False,
            soft_wrap=True,
        )
