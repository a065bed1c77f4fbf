"""`aidesk assess`, `aidesk assess-batch`, `aidesk diff`, `aidesk regimes`: the rules engine on the command line.

A thin adapter over `aidesk.rules` (imported lazily inside each command). Exit codes: 0 ok, 2 bad input
(one line on stderr naming the file, the key and the fix), 1 internal error.

CSV input for `assess-batch` (one profile per row, header required; the header row is not counted in
item numbers). Columns are the profile keys, nested keys written with a dot; every column is optional
except `name`, and an empty cell means "not given":

    name, description, kind, schema, placed_on_market, significant_change_after,
    organisation.name, organisation.country, organisation.size,
    roles, exclusions, prohibited_practices, prohibited_exceptions, annex_iii   (lists: separated by ";")
    location.established_in_eu, location.placed_on_eu_market, location.output_used_in_eu   (true/false)
    annex_i.legislation, annex_i.safety_component, annex_i.third_party_conformity_assessment,
    article_6_3.<narrow_procedural_task|improves_prior_human_activity|
                detects_patterns_without_replacing_human_assessment|preparatory_task|profiling_of_natural_persons>,
    transparency.<interacts_with_natural_persons|generates_synthetic_content|emotion_recognition|
                  biometric_categorisation|deep_fake|public_interest_text|human_editorial_review>,
    gpai_model.training_compute_flop (a number, e.g. 3e25), gpai_model.open_source,
    gpai_model.designated_systemic_risk,
    deployer.public_authority, deployer.provides_public_services, deployer.workplace_use
"""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from aidesk.cli import app
from aidesk.cli.common import EXIT_INTERNAL, bad_input, console, err_console

if TYPE_CHECKING:
    from rich.console import Console

    from aidesk.rules.model import Assessment
    from aidesk.rules.profile import Profile


class Lang(StrEnum):
    en = "en"
    fr = "fr"


REGIME_HELP = "Legal regime: ai-act-2026 (as amended by Reg. (EU) 2026/1744, the default) or ai-act-2024."
AS_OF_HELP = "Date on which obligations are evaluated (YYYY-MM-DD); default: today in Europe/Brussels."


# --- shared helpers ------------------------------------------------------------------------------------


def _internal_error(exc: BaseException) -> NoReturn:
    err_console.print(f"aidesk: internal error: {type(exc).__name__}: {exc}", markup=False, soft_wrap=True)
    raise typer.Exit(EXIT_INTERNAL)


def _check_regime(regime: str) -> str:
    from aidesk.rules.regimes import REGIME_IDS

    if regime not in REGIME_IDS:
        bad_input(f"--regime: unknown regime {regime!r}; use one of: {', '.join(REGIME_IDS)}")
    return regime


def _parse_as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        bad_input(f"--as-of: {value!r} is not a date; write it as YYYY-MM-DD, e.g. 2027-12-02")


def _read(file: str) -> tuple[str, str]:
    """(text, name for messages) of a file argument; '-' reads stdin."""
    if file == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(file)
    try:
        return path.read_text(encoding="utf-8"), file
    except FileNotFoundError:
        bad_input(f"{file}: no such file; give the path of a YAML or JSON profile, or - for stdin")
    except (OSError, UnicodeDecodeError) as exc:
        bad_input(f"{file}: cannot read the file ({exc}); it must be UTF-8 text")


def _format(file: str, text: str) -> str | None:
    suffix = Path(file).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".csv":
        return "csv"
    return None


def _load_one(file: str) -> Profile:
    from aidesk.rules.profile import ProfileError, parse_profile

    text, name = _read(file)
    fmt = _format(file, text)
    if fmt == "csv":
        bad_input(f"{name}: a CSV file holds several profiles; use aidesk assess-batch")
    try:
        return parse_profile(text, fmt, name)  # type: ignore[arg-type]
    except ProfileError as exc:
        bad_input(exc.one_line())


# --- aidesk assess --------------------------------------------------------------------------------------


@app.command("assess")
def assess_command(
    file: str = typer.Argument(
        ..., help="Profile file (YAML or JSON, schema aidesk/profile/v1); - reads stdin."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the assessment JSON (aidesk/assessment/v1)."),
    regime: str = typer.Option("ai-act-2026", "--regime", help=REGIME_HELP),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    lang: Lang = typer.Option(
        Lang.en, "--lang", help="Language of the report: obligation titles, deadlines, notes and trace."
    ),
) -> None:
    """Assess one AI system profile: risk class, grounds, obligations by role with dates, penalties."""
    regime = _check_regime(regime)
    when = _parse_as_of(as_of)
    profile = _load_one(file)
    try:
        from aidesk.rules.engine import assess

        assessment = assess(profile, regime, when, lang.value)
    except Exception as exc:  # a bug, not the user's input
        _internal_error(exc)
    if as_json:
        sys.stdout.write(assessment.to_json(indent=2) + "\n")
    else:
        render_report(assessment, console)


# --- the readable report ----------------------------------------------------------------------------------

LABELS = {
    "en": {
        "as_of": "as of",
        "grounds": "High-risk grounds",
        "prohibited": "Prohibited practices",
        "transparency": "Transparency (Art. 50)",
        "gpai": "General-purpose AI model",
        "systemic": "with systemic risk",
        "obligations": "Obligations",
        "role": "as",
        "in_force": "in force",
        "from": "from",
        "legacy": "only if redesigned (Art. 111(2))",
        "deadlines": "Deadlines",
        "penalties": "Maximum fines",
        "or": "or",
        "turnover": "of worldwide annual turnover",
        "lower": "whichever is lower",
        "higher": "whichever is higher",
        "questions": "Open questions (answers could change the result)",
        "notes": "Notes",
        "none": "none",
        "out": "Out of scope of the AI Act",
        "past": "past",
        "could": "could change to",
    },
    "fr": {
        "as_of": "au",
        "grounds": "Motifs de haut risque",
        "prohibited": "Pratiques interdites",
        "transparency": "Transparence (art. 50)",
        "gpai": "Modèle d'IA à usage général",
        "systemic": "présentant un risque systémique",
        "obligations": "Obligations",
        "role": "en tant que",
        "in_force": "applicable",
        "from": "à partir du",
        "legacy": "seulement si reconçu (art. 111, par. 2)",
        "deadlines": "Échéances",
        "penalties": "Amendes maximales",
        "or": "ou",
        "turnover": "du chiffre d'affaires annuel mondial",
        "lower": "le montant le plus faible étant retenu",
        "higher": "le montant le plus élevé étant retenu",
        "questions": "Questions ouvertes (les réponses pourraient changer le résultat)",
        "notes": "Remarques",
        "none": "aucune",
        "out": "Hors du champ d'application du règlement sur l'IA",
        "past": "passée",
        "could": "pourrait devenir",
    },
}

CLASS_LABELS = {
    "en": {
        "out_of_scope": "OUT OF SCOPE",
        "prohibited": "PROHIBITED",
        "high_risk": "HIGH-RISK",
        "transparency": "TRANSPARENCY OBLIGATIONS",
        "minimal": "MINIMAL RISK",
        "gpai_model": "GENERAL-PURPOSE AI MODEL",
        "gpai_model_systemic": "GENERAL-PURPOSE AI MODEL WITH SYSTEMIC RISK",
    },
    "fr": {
        "out_of_scope": "HORS CHAMP",
        "prohibited": "INTERDIT",
        "high_risk": "HAUT RISQUE",
        "transparency": "OBLIGATIONS DE TRANSPARENCE",
        "minimal": "RISQUE MINIMAL",
        "gpai_model": "MODÈLE D'IA À USAGE GÉNÉRAL",
        "gpai_model_systemic": "MODÈLE D'IA À USAGE GÉNÉRAL À RISQUE SYSTÉMIQUE",
    },
}
CLASS_STYLE = {
    "out_of_scope": "dim",
    "prohibited": "bold white on red",
    "high_risk": "bold red",
    "transparency": "bold yellow",
    "minimal": "bold green",
    "gpai_model": "bold cyan",
    "gpai_model_systemic": "bold magenta",
}


def render_report(a: Assessment, out: Console) -> None:
    """A readable report: class, grounds, obligations by role with dates, deadlines, penalties, notes."""
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    lang = a.lang if a.lang in LABELS else "en"
    t = LABELS[lang]
    head = Text()
    head.append(f" {CLASS_LABELS[lang][a.risk_class]} ", style=CLASS_STYLE[a.risk_class])
    rows: list[tuple[str, str]] = []
    if a.prohibited_practices:
        rows.append((t["prohibited"], ", ".join(a.prohibited_practices)))
    if a.high_risk_grounds:
        rows.append((t["grounds"], ", ".join(a.high_risk_grounds)))
    if a.transparency_obligations:
        rows.append((t["transparency"], ", ".join(a.transparency_obligations)))
    if a.gpai.is_gpai_model:
        rows.append((t["gpai"], t["systemic"] if a.gpai.systemic_risk else "—"))
    for label, value in rows:
        head.append(f"\n{label}: ", style="bold")
        head.append(value)
    title = f"{escape(a.profile)} · {a.regime_version} · {t['as_of']} {a.as_of.isoformat()}"
    out.print(Panel(head, title=title, title_align="left"))

    if a.obligations:
        by_role: dict[str, list[Any]] = {}
        for ob in a.obligations:
            by_role.setdefault(ob.role, []).append(ob)
        for role, obligations in by_role.items():
            table = Table(
                title=f"{t['obligations']} — {t['role']} {role}", title_justify="left", show_header=False
            )
            table.add_column("when", no_wrap=True)
            table.add_column("what")
            table.add_column("law", style="cyan")
            for _, ob in sorted(
                enumerate(obligations), key=lambda io: (io[1].applies_from or date.max, io[0])
            ):
                if ob.applies_from is None:
                    when = Text(t["legacy"], style="dim")
                elif ob.in_force:
                    when = Text(f"✓ {t['in_force']} ({ob.applies_from.isoformat()})", style="green")
                else:
                    when = Text(f"{t['from']} {ob.applies_from.isoformat()}", style="yellow")
                table.add_row(when, ob.title, ", ".join(ob.citations))
            out.print(table)
    elif not a.in_scope:
        out.print(t["out"])

    if a.deadlines:
        table = Table(title=t["deadlines"], title_justify="left", show_header=False)
        table.add_column("date", no_wrap=True)
        table.add_column("what")
        table.add_column("law", style="cyan")
        for d in a.deadlines:
            past = d.date <= a.as_of
            style = "dim" if past else "bold"
            table.add_row(
                Text(d.date.isoformat() + (f" ({t['past']})" if past else ""), style=style),
                d.what,
                ", ".join(d.citations[:4]) + (" …" if len(d.citations) > 4 else ""),
            )
        out.print(table)

    if a.penalties:
        table = Table(title=t["penalties"], title_justify="left", show_header=False)
        table.add_column("cap")
        table.add_column("what")
        table.add_column("law", style="cyan")
        for p in a.penalties:
            cap = f"€{p.max_eur:,} {t['or']} {p.max_turnover_pct}% {t['turnover']}, {t['lower'] if p.lower_of else t['higher']}"
            table.add_row(cap, p.what, ", ".join(p.citations))
        out.print(table)

    if a.open_questions:
        out.print(f"[bold]{t['questions']}[/bold]")
        for q in a.open_questions:
            could = f" → {t['could']} {', '.join(q.could_change_to)}" if q.could_change_to else ""
            out.print(f"  • {escape(q.text or q.field)} [dim]({q.field}){escape(could)}[/dim]")
    if a.notes:
        out.print(f"[bold]{t['notes']}[/bold]")
        for note in a.notes:
            out.print(f"  • {escape(note)}")


# --- aidesk assess-batch -----------------------------------------------------------------------------------


def _batch_items(file: str) -> tuple[list[Any], str]:
    """The raw items of a batch file (list of mappings, or CSV rows as nested mappings)."""
    from aidesk.rules.profile import ProfileError, parse_text

    text, name = _read(file)
    fmt = _format(file, text)
    stripped = text.lstrip()
    if fmt is None:
        first = stripped.splitlines()[0] if stripped else ""
        if stripped.startswith("[") or stripped.startswith("{"):
            fmt = "json"
        elif first and ":" not in first and "," in first and not first.startswith("-"):
            fmt = "csv"
        else:
            fmt = "yaml"
    if fmt == "csv":
        from aidesk.rules.tabular import CsvError, csv_items

        try:
            return csv_items(text), name
        except CsvError as exc:
            bad_input(f"{name}: {exc}")
    try:
        data = parse_text(text, fmt, name)  # type: ignore[arg-type]
    except ProfileError as exc:
        bad_input(exc.one_line())
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        bad_input(f"{name}: expected a list of profiles (a JSON array, a YAML list or CSV rows)")
    return data, name


# The command and its worker processes; registered here so that it is listed after `aidesk assess`.
from aidesk.cli import assess_batch as _assess_batch  # noqa: E402,F401

# --- aidesk diff -----------------------------------------------------------------------------------------------


def diff_assessments(old: Assessment, new: Assessment) -> dict[str, Any]:
    """What changes for one profile between two regimes (`aidesk.rules.compare`): class, grounds, gpai,
    obligations (added, removed, dates, citations), deadline dates, penalties. A date that stays but is
    now for something else is not shown (the inventory's history shows it)."""
    from aidesk.rules.compare import GROUNDS, compare

    c = compare(old, new)
    changes: dict[str, Any] = {}
    if c.risk_class.changed:
        changes["risk_class"] = {"from": c.risk_class.before, "to": c.risk_class.after}
    for field in GROUNDS:
        grounds = getattr(c, field)
        if grounds.changed:
            changes[field] = {"added": list(grounds.added), "removed": list(grounds.removed)}
    if c.gpai.changed:
        changes["gpai"] = {"from": _gpai(c.gpai.before), "to": _gpai(c.gpai.after)}
    added = [_listed(o) for o in c.obligations_added]
    removed = [_listed(o) for o in c.obligations_removed]
    moved = [_from_to(m, lambda o: _iso(o.applies_from)) for m in c.obligations_moved]
    recited = [_from_to(r, lambda o: list(o.citations)) for r in c.obligations_recited]
    if added or removed or moved or recited:
        changes["obligations"] = {
            "added": added,
            "removed": removed,
            "dates_changed": moved,
            "citations_changed": recited,
        }
    if c.deadlines_added or c.deadlines_removed:
        changes["deadlines"] = {
            "added": [d.date.isoformat() for d in c.deadlines_added],
            "removed": [d.date.isoformat() for d in c.deadlines_removed],
        }
    if c.penalties.changed:
        changes["penalties"] = {
            "from": [_penalty(p) for p in c.penalties.before],
            "to": [_penalty(p) for p in c.penalties.after],
        }
    return {
        "profile": c.profile,
        "from": c.regime_version.before,
        "to": c.regime_version.after,
        "as_of": new.as_of.isoformat(),
        "changed": bool(changes),
        "changes": changes,
    }


def _listed(o: Any) -> dict[str, Any]:
    return {"id": o.id, "role": o.role, "citations": list(o.citations), "applies_from": _iso(o.applies_from)}


def _from_to(change: Any, value: Any) -> dict[str, Any]:
    after = change.after
    return {"id": after.id, "role": after.role, "from": value(change.before), "to": value(after)}


def _gpai(g: Any) -> dict[str, Any]:
    return {"is_gpai_model": g.is_gpai_model, "systemic_risk": g.systemic_risk}


def _penalty(p: Any) -> dict[str, Any]:
    return {"max_eur": p.max_eur, "max_turnover_pct": p.max_turnover_pct, "citations": list(p.citations)}


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@app.command("diff")
def diff_command(
    file: str = typer.Argument(..., help="A profile, or a list of profiles (inventory); - reads stdin."),
    from_regime: str = typer.Option("ai-act-2024", "--from", help="The regime to compare from."),
    to_regime: str = typer.Option("ai-act-2026", "--to", help="The regime to compare to."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (an object, or an array for a list)."),
    as_of: str | None = typer.Option(None, "--as-of", help=AS_OF_HELP),
    lang: Lang = typer.Option(
        Lang.en, "--lang", help="Language of obligation titles, deadlines, notes and trace."
    ),
) -> None:
    """Show what changes for a profile between two regimes: class, grounds, obligations, dates."""
    import json

    from aidesk.rules.engine import assess
    from aidesk.rules.profile import ProfileError, profile_from_data

    _check_regime(from_regime)
    _check_regime(to_regime)
    when = _parse_as_of(as_of)
    items, name = _batch_items(file)
    single = len(items) == 1
    diffs = []
    for n, item in enumerate(items, start=1):
        try:
            profile = profile_from_data(item, name if single else f"{name}, item {n}")
        except ProfileError as exc:
            bad_input(exc.one_line())
        try:
            old = assess(profile, from_regime, when, lang.value)
            new = assess(profile, to_regime, when, lang.value)
        except Exception as exc:
            _internal_error(exc)
        diffs.append(diff_assessments(old, new))
    if as_json:
        payload: Any = diffs[0] if single else diffs
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    for d in diffs:
        _render_diff(d)


def _applies(when: str | None) -> str:
    # No date: the obligation does not apply to this system (e.g. an Art. 111 legacy rule); the notes say why.
    return f"from {when}" if when else "does not apply (see the notes)"


def _render_diff(d: dict[str, Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    console.print(f"[bold]{escape(d['profile'])}[/bold]: {d['from']} → {d['to']}")
    if not d["changed"]:
        console.print("  no change")
        return
    ch = d["changes"]
    if "risk_class" in ch:
        console.print(f"  class: {ch['risk_class']['from']} → [bold]{ch['risk_class']['to']}[/bold]")
    for field in ("prohibited_practices", "high_risk_grounds", "transparency_obligations"):
        if field in ch:
            console.print(f"  {field}: +{ch[field]['added']} -{ch[field]['removed']}")
    obs = ch.get("obligations")
    if obs:
        table = Table("change", "obligation", "role", "detail", title="obligations", title_justify="left")
        for o in obs["added"]:
            table.add_row("[green]added[/green]", o["id"], o["role"], _applies(o["applies_from"]))
        for o in obs["removed"]:
            table.add_row("[red]removed[/red]", o["id"], o["role"], ", ".join(o["citations"]))
        for o in obs["dates_changed"]:
            table.add_row(
                "[yellow]date[/yellow]", o["id"], o["role"], f"{_applies(o['from'])} → {_applies(o['to'])}"
            )
        for o in obs["citations_changed"]:
            table.add_row("citations", o["id"], o["role"], f"{', '.join(o['from'])} → {', '.join(o['to'])}")
        console.print(table)
    if "deadlines" in ch:
        console.print(f"  deadlines: +{ch['deadlines']['added']} -{ch['deadlines']['removed']}")
    if "penalties" in ch:
        console.print("  penalties changed (see --json)")


# --- aidesk regimes --------------------------------------------------------------------------------------------


@app.command("regimes")
def regimes_command(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List the legal regimes, with their versions and sources."""
    import json

    from rich.table import Table

    from aidesk.rules.regimes import DEFAULT_REGIME, list_regimes

    regimes = list_regimes()
    payload: list[dict[str, Any]] = [
        {
            "id": r.id,
            "version": r.version,
            "default": r.id == DEFAULT_REGIME,
            "title": r.title["en"],
            "base": r.base,
            "text_date": r.text_date.isoformat(),
            "parameters": len(r.history),
            "sources": [
                {"id": key, "title": src.get("title"), "url": src.get("url")}
                for key, src in r.sources.items()
            ],
        }
        for r in regimes
    ]
    if as_json:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("regime", "version", "text of", "base", "title")
    for column in table.columns[:4]:
        column.no_wrap = True
    for item in payload:
        table.add_row(
            item["id"] + (" (default)" if item["default"] else ""),
            item["version"],
            item["text_date"],
            item["base"] or "—",
            item["title"],
        )
    console.print(table)
    for item in payload:
        console.print(f"[bold]{item['id']}[/bold] sources:")
        for src in item["sources"]:
            console.print(f"  • {src['title']}" + (f" — {src['url']}" if src["url"] else ""), markup=False)
