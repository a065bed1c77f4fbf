"""`aidesk db …`, `aidesk users …`, `aidesk tokens …` and `aidesk inventory …`: the register of an
organisation's AI systems, kept in the database (`AIDESK_DATABASE_URL`, default SQLite in the data dir).

A thin adapter over `aidesk.inventory`: SQLAlchemy and the services are imported inside the commands, so
that other commands never load them. The CLI works directly on the database, as the operator: it acts in
one organisation (`--org SLUG`, or `AIDESK_ORG`; needless when there is only one) and, with `--as EMAIL`
(or `AIDESK_USER`), as that member with that member's role; without it, as the operator (an admin).
Exit codes: 0 ok, 2 bad input (one line per problem, naming the file, item/row, key and the fix; nothing
is written), 1 internal or database error.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from aidesk.cli import app
from aidesk.cli.common import EXIT_BAD_INPUT, EXIT_INTERNAL, bad_input, console, err_console

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from aidesk.inventory.actor import Actor
    from aidesk.inventory.db import Database
    from aidesk.inventory.models import Organisation

db_app = typer.Typer(
    help="The database: create or upgrade its schema (Alembic), show its revision.", no_args_is_help=True
)
users_app = typer.Typer(help="Users and their roles in an organisation.", no_args_is_help=True)
tokens_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)
inventory_app = typer.Typer(
    help="The inventory of your AI systems: import, list, export, re-assess, deadlines.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
app.add_typer(inventory_app, name="inventory")

ORG_HELP = "Organisation (slug or id); default: $AIDESK_ORG, or the only one."
AS_HELP = "Act as this member (e-mail), with its role; default: $AIDESK_USER, or the operator (admin)."
DEFAULT_ORG_SLUG = "default"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"


class Role(StrEnum):
    viewer = "viewer"
    editor = "editor"
    admin = "admin"


def _fail(message: str, code: int = EXIT_INTERNAL) -> NoReturn:
    err_console.print(f"aidesk: error: {message}", markup=False, soft_wrap=True)
    raise typer.Exit(code)


@contextmanager
def _errors() -> Iterator[None]:
    """Service errors → exit 2 (every problem on its own line); database trouble and bugs → exit 1."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from aidesk.inventory.errors import InvalidInput, InventoryError

    try:
        yield
    except typer.Exit:
        raise
    except InvalidInput as exc:
        head = f"{exc.source}: " if exc.source else ""
        for problem in exc.problems:
            err_console.print(f"aidesk: error: {head}{problem}", markup=False, soft_wrap=True)
        if len(exc.problems) > 1:
            typer.echo(f"aidesk: {len(exc.problems)} problems; nothing was written", err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    except InventoryError as exc:
        bad_input(str(exc))
    except OperationalError as exc:
        _fail(f"database error: {str(exc.orig).strip().splitlines()[0] if exc.orig else exc}")
    except SQLAlchemyError as exc:
        _fail(f"database error: {type(exc).__name__}: {str(exc).splitlines()[0]}")
    except Exception as exc:  # a bug: one line, never a traceback
        _fail(f"internal error: {type(exc).__name__}: {exc}")


def _database() -> Database:
    from aidesk.inventory.db import open_database

    db = open_database()
    state = db.schema_state()
    if not state.up_to_date:
        _fail(
            f"the database {db.display_url()} is at schema revision {state.current or 'none'}, this aidesk needs "
            f"{state.head}: run `aidesk db upgrade`"
        )
    return db


def _parse_date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        bad_input(f"{option} {value!r}: not a date; write it as YYYY-MM-DD, e.g. 2026-12-02")


def _organisation(session: Session, ref: str | None, *, create: bool) -> Organisation | None:
    """The organisation the command acts in. None: there is none yet (and `create` is false)."""
    from aidesk.inventory import accounts
    from aidesk.inventory.errors import NotFound

    ref = ref or os.environ.get("AIDESK_ORG") or None
    if ref:
        try:
            return accounts.get_organisation(session, ref)
        except NotFound:
            known = ", ".join(o.slug for o in accounts.list_organisations(session)) or "none yet"
            bad_input(
                f"--org {ref!r}: no such organisation (known: {known}); create it with `aidesk users create`"
            )
    orgs = accounts.list_organisations(session)
    if len(orgs) == 1:
        return orgs[0]
    if len(orgs) > 1:
        bad_input(f"several organisations: pass --org SLUG (one of: {', '.join(o.slug for o in orgs)})")
    if not create:
        return None
    return accounts.create_organisation(session, "My organisation", DEFAULT_ORG_SLUG)


def _actor(session: Session, org: Organisation, as_user: str | None) -> Actor:
    import getpass

    from aidesk.inventory import accounts
    from aidesk.inventory.actor import Actor
    from aidesk.inventory.errors import NotFound
    from aidesk.inventory.models import MemberRole

    email = as_user or os.environ.get("AIDESK_USER") or None
    if email:
        try:
            user = accounts.get_user_by_email(session, email)
            return accounts.actor_for(session, user, org)
        except NotFound as exc:
            bad_input(f"--as {email!r}: {exc}")
    try:
        who = getpass.getuser()
    except Exception:  # no login name (containers): still say it was the CLI
        who = "operator"
    return Actor(
        organisation_id=org.id, role=MemberRole.admin, user_id=None, label=f"cli:{who}", source="cli"
    )


def _read_source(file: str) -> tuple[str, str]:
    """(text, name) of FILE or stdin (`-`)."""
    if file == "-":
        return sys.stdin.read(), "<stdin>"
    path = Path(file)
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        bad_input(f"{file}: no such file")
    except (OSError, UnicodeDecodeError) as exc:
        bad_input(f"{file}: cannot read it as UTF-8 text ({exc})")


def _print_json(doc: Any) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def _write_output(data: str | bytes, output: Path | None) -> None:
    if output is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)
            sys.stdout.flush()
        return
    try:
        if isinstance(data, bytes):
            output.write_bytes(data)
        else:
            output.write_text(data, encoding="utf-8", newline="")
    except OSError as exc:
        bad_input(f"--output {output}: cannot write it ({exc.strerror or exc})")
    typer.echo(f"wrote {output}", err=True)


# --- aidesk db -------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade(
    revision: str = typer.Argument("head", help="Target revision (default: the newest)."),
) -> None:
    """Create the database schema, or bring it up to date (safe to run again, and on every deploy)."""
    from aidesk.inventory.db import open_database

    with _errors():
        db = open_database(upgrade=False)
        state = db.upgrade(revision)
        typer.echo(f"database {db.display_url()}: schema at revision {state.current} (newest: {state.head})")


@db_app.command("current")
def db_current(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the database's schema revision and whether it is up to date."""
    from aidesk.inventory.db import open_database

    with _errors():
        db = open_database(upgrade=False)
        state = db.schema_state()
        if as_json:
            _print_json(
                {
                    "url": db.display_url(),
                    "current": state.current,
                    "head": state.head,
                    "up_to_date": state.up_to_date,
                }
            )
            return
        hint = "up to date" if state.up_to_date else "behind: run `aidesk db upgrade`"
        typer.echo(
            f"database {db.display_url()}: revision {state.current or 'none'} (newest: {state.head}; {hint})"
        )


# --- aidesk users ----------------------------------------------------------------------------------


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        bad_input("no terminal to ask for the password: pipe it with --password-stdin, or use --no-password")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("create")
def users_create(
    email: str = typer.Argument(..., help="The user's e-mail address (the login)."),
    org: str | None = typer.Option(None, "--org", help="Organisation slug; created if it does not exist."),
    org_name: str | None = typer.Option(
        None, "--org-name", help="Name of the organisation, if it is created."
    ),
    role: Role | None = typer.Option(
        None, "--role", help="Role in the organisation; default: admin of a new one, else editor."
    ),
    name: str = typer.Option("", "--name", help="Display name."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
    no_password: bool = typer.Option(
        False, "--no-password", help="No password: the user can only use API tokens."
    ),
) -> None:
    """Create a user and make it a member of an organisation (the first admin, on a new install)."""
    from aidesk.inventory import accounts
    from aidesk.inventory.errors import NotFound
    from aidesk.inventory.models import MemberRole

    password = None if no_password else _read_password(password_stdin)
    with _errors():
        db = _database()
        with db.transaction() as s:
            ref = org or os.environ.get("AIDESK_ORG") or None
            organisation: Organisation | None
            created_org = False
            if ref is None and not accounts.list_organisations(s):
                ref = DEFAULT_ORG_SLUG
            if ref is None:
                organisation = _organisation(s, None, create=False)
            else:
                try:
                    organisation = accounts.get_organisation(s, ref)
                except NotFound:
                    organisation = accounts.create_organisation(s, org_name or ref, accounts.slugify(ref))
                    created_org = True
            assert organisation is not None
            user = accounts.create_user(s, email, password, name)
            member_role = (
                MemberRole(role.value) if role else (MemberRole.admin if created_org else MemberRole.editor)
            )
            accounts.add_member(s, organisation, user, member_role, actor=None)
            typer.echo(
                f"created user {user.email} ({member_role.value} of {organisation.slug}"
                f"{', a new organisation' if created_org else ''})"
            )


@users_app.command("list")
def users_list(
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The members of the organisation and their roles."""
    from aidesk.inventory import accounts

    with _errors():
        db = _database()
        with db.transaction(write=False) as s:
            organisation = _organisation(s, org, create=False)
            members = accounts.list_members(s, _actor(s, organisation, None)) if organisation else []
        if as_json:
            _print_json(
                [{"user_id": m.user_id, "email": m.email, "name": m.name, "role": m.role} for m in members]
            )
            return
        for m in members:
            typer.echo(f"{m.user_id:>5}  {m.role:<7} {m.email}  {m.name}")


# --- aidesk tokens ---------------------------------------------------------------------------------


@tokens_app.command("create")
def tokens_create(
    as_user: str = typer.Option(..., "--as", help="The member the token acts for (e-mail)."),
    name: str = typer.Option(..., "--name", help="What the token is for, e.g. 'CI import'."),
    scope: list[str] = typer.Option(["read"], "--scope", help="read, write or admin (repeat the option)."),
    expires_days: int | None = typer.Option(
        None, "--expires-days", min=1, help="Expire after this many days."
    ),
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
) -> None:
    """Create an API token; it is printed once, on stdout, and never stored."""
    from datetime import timedelta

    from aidesk.inventory import tokens
    from aidesk.inventory.models import utcnow

    with _errors():
        db = _database()
        with db.transaction() as s:
            organisation = _organisation(s, org, create=False)
            if organisation is None:
                bad_input("no organisation yet: create one with `aidesk users create EMAIL --org SLUG`")
            actor = _actor(s, organisation, as_user)
            expires = utcnow() + timedelta(days=expires_days) if expires_days else None
            new = tokens.create_token(s, actor, name, scope, expires_at=expires)
        typer.echo(
            f"token {new.token.id} ({', '.join(new.token.scopes)}) for {actor.label}; copy it now, it is not shown again:",
            err=True,
        )
        typer.echo(new.secret)


@tokens_app.command("list")
def tokens_list(
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The organisation's API tokens (never the tokens themselves)."""
    from aidesk.inventory import tokens

    with _errors():
        db = _database()
        with db.transaction(write=False) as s:
            organisation = _organisation(s, org, create=False)
            rows = tokens.list_tokens(s, _actor(s, organisation, None)) if organisation else []
            data: list[dict[str, Any]] = [
                {
                    "id": t.id, "name": t.name, "user": t.user.email, "prefix": t.prefix, "scopes": t.scopes,
                    "created_at": t.created_at.isoformat(),
                    "expires_at": t.expires_at.isoformat() if t.expires_at else None,
                    "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
                    "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                }
                for t in rows
            ]  # fmt: skip
        if as_json:
            _print_json(data)
            return
        for t in data:
            state = "revoked" if t["revoked_at"] else "active"
            typer.echo(
                f"{t['id']:>5}  {t['prefix']}…  {state:<7} {','.join(t['scopes']):<16} {t['user']}  {t['name']}"
            )


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: int = typer.Argument(..., help="The token's id (see `aidesk tokens list`)."),
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
) -> None:
    """Revoke an API token at once."""
    from aidesk.inventory import tokens

    with _errors():
        db = _database()
        with db.transaction() as s:
            organisation = _organisation(s, org, create=False)
            if organisation is None:
                bad_input(f"no token {token_id}")
            token = tokens.revoke_token(s, _actor(s, organisation, None), token_id)
        typer.echo(f"token {token.id} ({token.name}) revoked")


# --- aidesk inventory ------------------------------------------------------------------------------


def _progress() -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        console=err_console, transient=True,
    )  # fmt: skip


@inventory_app.command("import")
def inventory_import(
    file: str = typer.Argument(..., help="JSON array, YAML list or CSV of profiles (`-` = stdin)."),
    fmt: ExportFormat | None = typer.Option(
        None, "--format", help="json (also YAML) or csv; default: by extension."
    ),
    update: bool = typer.Option(
        False, "--update", help="Replace systems whose name is already in the inventory."
    ),
    assess: bool = typer.Option(True, "--assess/--no-assess", help="Assess each system and keep the record."),
    regime: str | None = typer.Option(
        None, "--regime", help="Regime for the assessments; default: the newest."
    ),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the assessments (YYYY-MM-DD); default: today."
    ),
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
    as_user: str | None = typer.Option(None, "--as", help=AS_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import systems, all or nothing: if any item is bad, every problem is listed and nothing is written."""
    from aidesk.inventory import exchange
    from aidesk.inventory.assessments import rules_assessor
    from aidesk.inventory.engine import check_regime

    when = _parse_date(as_of, "--as-of")
    text, source = _read_source(file)
    with _errors():
        if regime:
            check_regime(regime)
        # --format json reads JSON or YAML (told apart by content); else the extension decides
        detected = (
            "csv"
            if fmt is ExportFormat.csv
            else None
            if fmt is ExportFormat.json
            else exchange.format_of(source)
        )
        items = exchange.read_items(text, detected, source)
        db = _database()
        with db.transaction() as s, _progress() as progress:
            organisation = _organisation(s, org, create=True)
            assert organisation is not None
            actor = _actor(s, organisation, as_user)
            task = progress.add_task(f"importing {source}", total=len(items))
            report = exchange.import_systems(
                s, actor, items, update_existing=update, assessor=rules_assessor if assess else None,
                regime=regime, as_of=when, progress=lambda done, total: progress.update(task, completed=done),
                source=source,
            )  # fmt: skip
        if as_json:
            _print_json({"ok": True, "organisation": organisation.slug, **report.to_json()})
            return
        typer.echo(
            f"imported {source} into {organisation.slug}: {len(report.created)} created, {len(report.updated)} updated"
            + (f", {report.assessed} assessed" if report.assessed else "")
        )


@inventory_app.command("list")
def inventory_list(
    risk_class: str | None = typer.Option(None, "--class", help="Only this risk class, e.g. high_risk."),
    role: str | None = typer.Option(
        None, "--role", help="Only systems where you hold this role, e.g. deployer."
    ),
    tag: str | None = typer.Option(None, "--tag", help="Only systems with this tag."),
    status: str | None = typer.Option(
        None, "--status", help="planned, in_development, in_service or retired."
    ),
    search: str | None = typer.Option(None, "--search", help="Words in the name, owner or description."),
    limit: int = typer.Option(50, "--limit", min=1, max=500, help="Page size."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many."),
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
    as_user: str | None = typer.Option(None, "--as", help=AS_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """List the inventory's systems, with what their latest assessment concluded."""
    from aidesk.inventory import exchange, systems

    with _errors():
        db = _database()
        with db.transaction(write=False) as s:
            organisation = _organisation(s, org, create=False)
            if organisation is None:
                items, total = [], 0
            else:
                flt = systems.SystemFilter(
                    risk_class=risk_class, role=role, tag=tag, status=status, search=search
                )
                page = systems.list_systems(
                    s, _actor(s, organisation, as_user), flt, limit=limit, offset=offset
                )
                items, total = [exchange.system_json(x) for x in page.items], page.total
        if as_json:
            for item in items:
                item.pop("profile", None)
            _print_json({"total": total, "limit": limit, "offset": offset, "items": items})
            return
        if not items:
            typer.echo("no systems" + ("" if organisation else " yet: `aidesk inventory import FILE`"))
            return
        from rich.table import Table

        table = Table(
            title=f"{organisation.name if organisation else ''} — {total} system(s)", title_justify="left"
        )
        table.add_column("id", justify="right", no_wrap=True)
        table.add_column("name", min_width=min(16, max(len(str(it["name"])) for it in items)))
        table.add_column("class", no_wrap=True)
        for col in ("roles", "tags", "owner", "status"):
            table.add_column(col)
        for it in items:
            table.add_row(
                str(it["id"]), it["name"], it["risk_class"] or "—", ", ".join(it["roles"]), ", ".join(it["tags"]),
                it["owner"] or "", it["status"],
            )  # fmt: skip
        console.print(table)
        if total > offset + len(items):
            typer.echo(
                f"showing {offset + 1}-{offset + len(items)} of {total}; next page: --offset {offset + limit}",
                err=True,
            )


@inventory_app.command("export")
def inventory_export(
    fmt: ExportFormat = typer.Option(
        ExportFormat.json, "--format", help="json (re-importable) or csv (spreadsheet-safe)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
    as_user: str | None = typer.Option(None, "--as", help=AS_HELP),
) -> None:
    """Export the inventory (profiles, owners, tags, status, latest class)."""
    from aidesk.inventory import exchange

    with _errors():
        db = _database()
        with db.transaction(write=False) as s:
            organisation = _organisation(s, org, create=False)
            if organisation is None:
                data = "[]\n" if fmt is ExportFormat.json else ",".join(exchange.EXPORT_COLUMNS) + "\r\n"
            else:
                actor = _actor(s, organisation, as_user)
                data = (
                    exchange.export_json(s, actor)
                    if fmt is ExportFormat.json
                    else exchange.export_csv(s, actor)
                )
        _write_output(data, output)


@inventory_app.command("reassess")
def inventory_reassess(
    regime: str = typer.Option(..., "--regime", help="The regime to assess under, e.g. ai-act-2026."),
    as_of: str | None = typer.Option(
        None, "--as-of", help="Date of the assessments (YYYY-MM-DD); default: today."
    ),
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
    as_user: str | None = typer.Option(None, "--as", help=AS_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Assess every system again, keep the records, and report what changed since each one's previous record."""
    from aidesk.inventory import reassess
    from aidesk.inventory.engine import check_regime

    when = _parse_date(as_of, "--as-of")
    with _errors():
        check_regime(regime)
        db = _database()
        with db.transaction() as s, _progress() as progress:
            organisation = _organisation(s, org, create=False)
            if organisation is None:
                bad_input("the inventory is empty: `aidesk inventory import FILE` first")
            task = progress.add_task(f"re-assessing under {regime}", total=None)

            def step(done: int, total: int, _system: object) -> None:
                progress.update(task, completed=done, total=total)

            report = reassess.reassess_all(
                s, _actor(s, organisation, as_user), regime=regime, as_of=when, progress=step
            )
        if as_json:
            _print_json(report.to_json())
            return
        typer.echo(f"re-assessed {len(report.diffs)} system(s) under {regime}: {len(report.changed)} changed")
        for d in report.changed:
            cls = (
                f"{d.risk_class[0] or 'not assessed'} → {d.risk_class[1]}"
                if d.class_changed
                else d.risk_class[1]
            )
            typer.echo(f"• {d.system_name} (#{d.system_id}): {cls}")
            for ob in d.obligations_added:
                typer.echo(f"    + obligation {ob}")
            for ob in d.obligations_removed:
                typer.echo(f"    - obligation {ob}")
            for c in d.obligations_changed:
                typer.echo(
                    f"    ~ {c.id} ({c.role}) applies from {c.applies_from[0] or 'n/a'} → {c.applies_from[1] or 'n/a'}"
                )
            for dl in d.deadlines_added:
                typer.echo(f"    + deadline {dl}")
            for dl in d.deadlines_removed:
                typer.echo(f"    - deadline {dl}")


@inventory_app.command("deadlines")
def inventory_deadlines(
    ics: bool = typer.Option(False, "--ics", help="Print an iCalendar feed (RFC 5545) to subscribe to."),
    since: str | None = typer.Option(
        None, "--since", help="Only deadlines on or after this date (YYYY-MM-DD)."
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write to this file instead of stdout."),
    org: str | None = typer.Option(None, "--org", help=ORG_HELP),
    as_user: str | None = typer.Option(None, "--as", help=AS_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """The deadlines of every system's latest assessment, by date."""
    from aidesk.inventory import calendar

    start = _parse_date(since, "--since")
    with _errors():
        db = _database()
        with db.transaction(write=False) as s:
            organisation = _organisation(s, org, create=False)
            if organisation is None:
                bad_input("the inventory is empty: `aidesk inventory import FILE` first")
            actor = _actor(s, organisation, as_user)
            if ics:
                _write_output(calendar.deadlines_ics(s, actor, since=start), output)
                return
            rows = calendar.inventory_deadlines(s, actor, since=start)
        data: list[dict[str, Any]] = [
            {"date": d.date.isoformat(), "what": d.what, "citations": list(d.citations), "system_id": d.system_id,
             "system": d.system_name, "record_id": d.record_id, "regime_version": d.regime_version}
            for d in rows
        ]  # fmt: skip
        if as_json:
            _write_output(json.dumps(data, ensure_ascii=False, indent=2) + "\n", output)
            return
        for d in data:
            typer.echo(f"{d['date']}  {d['system']}: {d['what']}  [{', '.join(d['citations'][:4])}]")
