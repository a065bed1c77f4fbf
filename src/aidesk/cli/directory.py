"""`aidesk directory …` (the European AI ecosystem directory), `aidesk compute plan` and `aidesk next-steps`.

A thin adapter over `aidesk.directory`: heavy modules are imported inside the commands.
Exit codes: 0 ok, 2 bad input (one line per problem naming the file, row/field and the fix), 1 internal error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from aidesk.cli import app
from aidesk.cli.common import err_console

if TYPE_CHECKING:
    from rich.console import Console

    from aidesk.directory.next_steps import NextSteps
    from aidesk.directory.schema import Entry

directory_app = typer.Typer(
    help="The European AI ecosystem: AI Factories, antennas, EDIHs, TEFs, data spaces, sandboxes, authorities.",
    no_args_is_help=True,
)
compute_app = typer.Typer(help="Training-compute planner: FLOP, accelerator-hours, access routes, Art. 51.")
app.add_typer(directory_app, name="directory")
app.add_typer(compute_app, name="compute")


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


def _err(message: str) -> None:
    typer.echo(message, err=True)


@contextmanager
def _exit_codes() -> Iterator[None]:
    """DirectoryError -> its message, exit 2; anything else -> one line, exit 1 (never a traceback)."""
    from aidesk.directory.service import DirectoryError

    try:
        yield
    except typer.Exit:
        raise
    except DirectoryError as exc:
        _err(str(exc))
        raise typer.Exit(2) from None
    except Exception as exc:  # internal error: say so in one line
        _err(f"aidesk: internal error: {type(exc).__name__}: {exc}")
        raise typer.Exit(1) from None


def _console() -> Console:
    from rich.console import Console

    return Console(soft_wrap=False)


def _entry_json(entry: Entry, **extra: Any) -> dict[str, Any]:
    from aidesk.directory.schema import LEGACY_LABEL

    out: dict[str, Any] = entry.model_dump(mode="json")
    if entry.legacy:
        out["seed_data_note"] = LEGACY_LABEL
    out.update(extra)
    return out


def _print_json(doc: Any) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def _mark(entry: Entry, field: str, text: str) -> str:
    from rich.markup import escape

    shown = escape(text)
    return f"{shown} [bold yellow](unverified)[/]" if entry.is_unverified(field) else shown


# --------------------------------------------------------------------------- directory search
@directory_app.command("search")
def search(
    query: str = typer.Argument(
        None, help="Free text, English or French (e.g. 'health testing', 'usine d'IA')."
    ),
    country: str = typer.Option(
        None, "--country", "-c", help="ISO 3166-1 alpha-2 code, e.g. FR (EL, UK accepted)."
    ),
    kind: str = typer.Option(
        None, "--kind", "-k", help="ai_factory, antenna, edih, tef, sandbox, authority, …"
    ),
    sector: str = typer.Option(
        None, "--sector", "-s", help="Apply AI sector, e.g. healthcare, manufacturing."
    ),
    limit: int = typer.Option(20, "--limit", "-n", min=0, help="Maximum results (0 = all)."),
    no_legacy: bool = typer.Option(
        False, "--no-legacy", help="Leave out the legacy 2022 hub list (seed data)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Search the directory by text and filter it by country, kind and sector."""
    with _exit_codes():
        from aidesk.directory.service import load

        directory = load()
        hits = directory.search(
            query,
            country=country,
            kind=kind,
            sector=sector,
            limit=limit or None,
            include_legacy=not no_legacy,
        )
        if as_json:
            _print_json(
                {
                    "query": query or "",
                    "filters": {"country": country, "kind": kind, "sector": sector, "legacy": not no_legacy},
                    "mode": hits.mode,
                    "warnings": list(hits.warnings),
                    "count": len(hits),
                    "results": [_entry_json(h.entry, score=round(h.score, 4)) for h in hits],
                }
            )
            return
        # A degraded search (no semantic model) still answers, and says so on stderr.
        for warning in hits.warnings:
            err_console.print(f"aidesk: warning: {warning}", markup=False)
        _print_hits(hits, query)


def _print_hits(hits: list[Any], query: str | None) -> None:
    from rich.markup import escape
    from rich.table import Table

    from aidesk.directory.schema import LEGACY_LABEL

    console = _console()
    if not hits:
        console.print("No entries match." + (" Try fewer words or filters." if query else ""))
        return
    table = Table(show_lines=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    for col in ("kind", "name", "where", "sectors"):
        table.add_column(col, overflow="fold")
    legacy_shown = False
    for h in hits:
        e = h.entry
        name = _mark(e, "name", e.name)
        if e.legacy:
            name += " [magenta]\\[LEGACY 2022 seed][/]"
            legacy_shown = True
        if e.unverified and "name" not in e.unverified:
            name += " [yellow]⚠[/]"
        where = ", ".join(e.countries) or "EU-wide"
        if e.city:
            where += f" · {escape(e.city)}"
        table.add_row(e.id, e.kind.value, name, where, ", ".join(s.value for s in e.sectors))
    console.print(table)
    if legacy_shown:
        console.print(f"[magenta]\\[LEGACY 2022 seed][/]: {LEGACY_LABEL}.")
    if any(h.entry.unverified for h in hits):
        console.print(
            "[yellow]⚠ / (unverified)[/]: some fields are not confirmed by a source; see `aidesk directory show ID`."
        )


# --------------------------------------------------------------------------- directory show
@directory_app.command("show")
def show(
    entry_id: str = typer.Argument(..., metavar="ID", help="Entry id, e.g. aif-fr-ai2f."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show one entry with its sources, confidence and unverified fields."""
    with _exit_codes():
        from aidesk.directory.service import DirectoryError, load

        directory = load()
        entry = directory.get(entry_id)
        if entry is None:
            close = [h.entry.id for h in directory.search(entry_id.replace("-", " "), limit=3)]
            hint = (
                f"; did you mean {', '.join(close)}?"
                if close
                else "; find ids with `aidesk directory search`"
            )
            raise DirectoryError(f"ID {entry_id!r}: no such directory entry{hint}")
        if as_json:
            _print_json(_entry_json(entry))
            return
        _print_entry(entry)


def _print_entry(entry: Entry) -> None:
    from rich.markup import escape
    from rich.table import Table

    from aidesk.directory.schema import KIND_LABELS, LEGACY_LABEL, SECTOR_LABELS

    console = _console()
    title = f"[bold]{escape(entry.name)}[/]  ({entry.id})"
    console.print(title)
    if entry.legacy:
        console.print(f"[magenta bold]{LEGACY_LABEL}[/]")
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")

    def row(label: str, field: str, value: str | None) -> None:
        if value:
            cell = _mark(entry, field, value)
            if entry.is_unverified(field):
                cell += f"\n[yellow]  unverified: {escape(entry.unverified[field])}[/]"
            table.add_row(label, cell)

    def rows(label: str, field: str, values: list[str]) -> None:
        row(label, field, "\n".join(f"• {v}" for v in values) if values else None)

    kind_label = KIND_LABELS[entry.kind][0]
    row(
        "kind",
        "kind",
        f"{kind_label} — legacy Digital Innovation Hub, pre-EDIH" if entry.legacy else kind_label,
    )
    row("countries", "countries", ", ".join(entry.countries) or "EU-wide")
    row("partners", "partner_countries", ", ".join(entry.partner_countries))
    row("city", "city", entry.city)
    row("host", "host", entry.host)
    row("sectors", "sectors", ", ".join(SECTOR_LABELS[s][0] for s in entry.sectors))
    row("topics", "topics", "; ".join(entry.topics))
    rows("services", "services", entry.services)
    rows("access", "access", entry.access)
    row("status", "status", entry.status)
    row("url", "url", entry.url)
    row("summary", "summary", entry.summary)
    row("related", "related", ", ".join(entry.related))
    rows("sources", "sources", entry.sources)
    row("as of", "as_of", entry.as_of.isoformat() if entry.as_of else "not stated")
    row(
        "confidence",
        "confidence",
        entry.confidence + (f" — {entry.confidence_note}" if entry.confidence_note else ""),
    )
    rows("gaps", "notes", entry.notes)
    row("origin", "origin", "your update (aidesk directory import)" if entry.origin == "user" else None)
    console.print(table)


# --------------------------------------------------------------------------- import / export
@directory_app.command("import")
def import_(
    file: Path = typer.Argument(
        ..., help="CSV or JSON file of entries (new ids added, existing ids updated)."
    ),
) -> None:
    """Validate a CSV/JSON file of updates and merge it into your directory data (all or nothing)."""
    with _exit_codes():
        from aidesk.directory.exchange import ImportRejected, apply_import
        from aidesk.directory.paths import overlay_path
        from aidesk.directory.service import load

        try:
            result = apply_import(load(), file)
        except ImportRejected as exc:
            for e in exc.errors:
                _err(e.render(file))
            _err(f"{file}: {len(exc.errors)} problem(s); nothing was imported")
            raise typer.Exit(2) from None
        typer.echo(
            f"{file}: imported {len(result.entries)} entr{'y' if len(result.entries) == 1 else 'ies'} "
            f"({len(result.added)} added, {len(result.updated)} updated) into {overlay_path()}"
        )


@directory_app.command("export")
def export(
    fmt: ExportFormat = typer.Option(ExportFormat.json, "--format", "-f", help="json or csv."),
    output: Path = typer.Option(None, "--output", "-o", help="Write to a file instead of standard output."),
    no_legacy: bool = typer.Option(False, "--no-legacy", help="Leave out the legacy 2022 hub list."),
) -> None:
    """Export the directory (packaged data with your updates) as JSON or CSV."""
    with _exit_codes():
        from aidesk.directory.exchange import export_csv, export_json
        from aidesk.directory.service import load

        entries = load().filter(include_legacy=not no_legacy)
        text = export_json(entries) if fmt is ExportFormat.json else export_csv(entries)
        if output is None:
            sys.stdout.write(text)
        else:
            output.write_text(text, encoding="utf-8")
            typer.echo(f"wrote {len(entries)} entries to {output}", err=True)


# --------------------------------------------------------------------------- compute plan
def _sci(x: float) -> str:
    return f"{x:.2e}".replace("e+", "e")


@compute_app.command("plan")
def compute_plan(
    params: float = typer.Option(..., "--params", help="Model parameters N, e.g. 7e9."),
    tokens: float = typer.Option(..., "--tokens", help="Training tokens D, e.g. 2e12."),
    accelerator: str = typer.Option("h100", "--accelerator", help="h100, gh200, a100 or mi250x."),
    utilisation: float = typer.Option(0.4, "--utilisation", help="Average utilisation of peak FLOP/s (0-1]."),
    country: str = typer.Option(None, "--country", help="Your country: its AI Factories and antennas first."),
    sector: str = typer.Option(None, "--sector", help="Your Apply AI sector: matching AI Factories first."),
    write_profile: Path = typer.Option(
        None, "--write-profile", help="Set gpai_model.training_compute_flop in this profile YAML."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Training compute ≈ 6·N·D FLOP, accelerator-hours, AI Factory access routes, and Art. 51(2)."""
    with _exit_codes():
        from aidesk.directory.compute import plan
        from aidesk.directory.compute import write_profile as write
        from aidesk.directory.service import load

        result = plan(
            params,
            tokens,
            accelerator=accelerator,
            utilisation=utilisation,
            directory=load(),
            country=country,
            sector=sector,
        )
        if write_profile is not None:
            write(write_profile, result.training_compute_flop)
        if as_json:
            doc = result.to_json()
            if write_profile is not None:
                doc["profile_written"] = str(write_profile)
            _print_json(doc)
            return
        _print_plan(result, write_profile)


def _print_plan(result: Any, written: Path | None) -> None:
    from rich.markup import escape

    console = _console()
    a = result.approximation
    console.print(f"[bold]Training compute[/] ≈ {_sci(result.training_compute_flop)} FLOP")
    console.print(
        f"  {a['formula']} with N = {_sci(result.params)} parameters, D = {_sci(result.tokens)} tokens "
        f"({', '.join(a['citations'])}; {escape(a['source'])})"
    )
    acc = result.accelerator
    console.print(
        f"[bold]Accelerator-hours[/] ≈ {result.accelerator_hours:,.0f} h on {escape(acc['name'])} "
        f"(peak {acc['peak_flop_per_s'] / 1e12:,.0f} TFLOP/s {escape(acc['precision'])}, utilisation "
        f"{result.utilisation:.0%}; C = N·L·H·U, Guidelines C(2025) 5045 para 126)"
    )
    console.print("[bold]AI Act thresholds[/]")
    for t in result.thresholds:
        mark = "[red]above[/]" if t.above else "[green]not above[/]"
        console.print(f"  {mark} {_sci(t.flop)} FLOP — {escape(t.label)} ({t.citation})")
    console.print(f"  → {escape(result.position)}")
    console.print("[bold]Access routes that suit this size[/]")
    last_why = None
    for r in result.routes:
        if r.why != last_why:
            console.print(f"  [italic]{escape(r.why)}[/]")
            last_why = r.why
        flag = " [bold yellow](unverified fields)[/]" if r.unverified else ""
        where = ", ".join(r.countries) or "EU-wide"
        console.print(f"    • {escape(r.name)} [dim]({r.id}, {where})[/]{flag}")
    for note in result.notes:
        console.print(f"[dim]Note: {escape(note)}[/]")
    if written is not None:
        console.print(
            f"Wrote gpai_model.training_compute_flop = {result.training_compute_flop:.4g} to {written}"
        )


# --------------------------------------------------------------------------- next steps
class NextStepsLang(StrEnum):
    en = "en"
    fr = "fr"


_NEXT_LABELS: dict[str, dict[str, str]] = {
    "en": {
        "head": "Next steps for",
        "organisation": "Organisation:",
        "country": "country",
        "size": "size",
        "roles": "roles",
        "unknown": "not given",
        "sectors": "Sector:",
        "no_sector": "not derived from the profile (give --sector)",
        "why": "Why:",
        "more": "… and {n} more: {command}",
        "see": "See:",
        "gap": "Gap:",
        "needs": "To answer this, give:",
        "unverified": "unverified",
        "legacy": "LEGACY 2022 seed",
        "none": "No step applies to this assessment.",
        "gaps_total": "{n} gap(s): what the directory data or the profile lacks is stated above, never guessed.",
    },
    "fr": {
        "head": "Prochaines étapes pour",
        "organisation": "Organisation :",
        "country": "pays",
        "size": "taille",
        "roles": "rôles",
        "unknown": "non indiqué",
        "sectors": "Secteur :",
        "no_sector": "non déduit du profil (indiquez --sector)",
        "why": "Pourquoi :",
        "more": "… et {n} de plus : {command}",
        "see": "Voir :",
        "gap": "Lacune :",
        "needs": "Pour y répondre, indiquez :",
        "unverified": "non vérifié",
        "legacy": "liste de 2022 (amorçage)",
        "none": "Aucune étape ne s'applique à cette évaluation.",
        "gaps_total": "{n} lacune(s) : ce qui manque aux données de l'annuaire ou au profil est indiqué ci-dessus, jamais deviné.",
    },
}


@app.command("next-steps")
def next_steps_command(
    profile_file: str = typer.Argument(
        ..., metavar="PROFILE", help="Profile file (YAML or JSON, schema aidesk/profile/v1); - reads stdin."
    ),
    sector: str = typer.Option(
        None,
        "--sector",
        "-s",
        help="Apply AI sector (e.g. healthcare); default: derived from the Annex I act / Annex III points.",
    ),
    lang: NextStepsLang = typer.Option(NextStepsLang.en, "--lang", help="Language of the steps: en or fr."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (aidesk/next-steps/v1)."),
) -> None:
    """After an assessment: who in the EU AI ecosystem can help next, why, and the provision that says so."""
    from aidesk.cli.assess import _internal_error, _load_one
    from aidesk.cli.common import bad_input

    profile = _load_one(profile_file)  # bad profile: one line, exit 2
    try:
        from aidesk.directory.next_steps import next_steps
        from aidesk.directory.service import DirectoryError

        try:
            result = next_steps(profile, sector=sector, lang=lang.value)
        except DirectoryError as exc:
            bad_input(str(exc))
    except typer.Exit:
        raise
    except Exception as exc:  # a bug, not the user's input
        _internal_error(exc)
    if as_json:
        _print_json(result.to_json_dict())
        return
    _print_next_steps(result)


def _print_next_steps(result: NextSteps) -> None:
    from rich.markup import escape

    t = _NEXT_LABELS[result.lang]
    console = _console()
    console.print(
        f"[bold]{t['head']} {escape(result.profile)}[/] — {result.risk_class} "
        f"[dim]({result.regime_version}, {result.as_of.isoformat()})[/]"
    )
    roles = ", ".join(result.roles) or t["unknown"]
    console.print(
        f"{t['organisation']} {t['country']} {result.country or t['unknown']} · "
        f"{t['size']} {result.size or t['unknown']} · {t['roles']} {escape(roles)}"
    )
    if result.sectors:
        shown = "; ".join(f"{s.label(result.lang)} [dim]({escape(s.basis)})[/]" for s in result.sectors)
    else:
        shown = t["no_sector"]
    console.print(f"{t['sectors']} {shown}")
    if not result.steps:
        console.print(t["none"])
        return
    for n, step in enumerate(result.steps, start=1):
        console.print()
        console.print(f"[bold]{n}. {escape(step.title)}[/]")
        console.print(
            f"   [italic]{t['why']}[/] {escape(step.reason)} [cyan]({', '.join(step.citations)})[/]"
        )
        for e in step.entries:
            where = ", ".join(e.countries) or "EU"
            flags = ""
            if e.legacy:
                flags += f" [magenta]\\[{t['legacy']}][/]"
            if e.unverified:
                flags += f" [yellow]({t['unverified']}: {', '.join(sorted(e.unverified))})[/]"
            url = f" {escape(e.url)}" if e.url else ""
            console.print(f"   • {escape(e.name)} [dim]({e.id}, {where})[/]{url}{flags}")
        if step.more and step.command:
            console.print(f"   [dim]{t['more'].format(n=step.more, command=escape(step.command))}[/]")
        elif step.command and not step.entries:
            console.print(f"   [dim]{t['see']} {escape(step.command)}[/]")
        for gap in step.gaps:
            console.print(f"   [yellow]⚠ {t['gap']}[/] {escape(gap)}")
        if step.needs:
            console.print(f"   [yellow]{t['needs']}[/] {escape(', '.join(step.needs))}")
    if result.gaps:
        console.print()
        console.print(f"[yellow]{t['gaps_total'].format(n=len(result.gaps))}[/]")
