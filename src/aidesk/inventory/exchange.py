"""Bulk import and export of the inventory: JSON array, YAML list or CSV in; JSON or CSV out.

An import is all or nothing: every item is checked first (profile, owner, tags, status, duplicate and
existing names) and every problem is reported, each naming the item (1-based; for CSV the data row,
the header not counted) and the key; only when there is none are the systems written, in the caller's
single transaction, so that a crash or a `kill -9` halfway leaves the database as it was.

An item is either a profile (SPEC §1) or an envelope, as the JSON export writes it:
`{"profile": {...}, "owner": "...", "tags": [...], "status": "in_service"}` (the export's read-only keys,
such as `id` and `risk_class`, are accepted and ignored, so that an export can be imported again).

CSV: one row per system; columns are the profile's keys, nested ones dotted (`organisation.country`,
`transparency.deep_fake`), plus `owner`, `tags` and `status`. Lists are separated by `;`, booleans are
`true`/`false`, an empty cell leaves the key out. Exported CSV cells that a spreadsheet would run as a
formula (starting with = + - @, a tab or a carriage return) are prefixed with `'`; the import strips it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidesk.inventory import audit
from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.assessments import Assessor, store_record
from aidesk.inventory.errors import InvalidInput, Problem
from aidesk.inventory.models import AISystem, LifecycleStatus
from aidesk.inventory.systems import (
    SystemFilter,
    create_system,
    iter_systems,
    normalise_owner,
    normalise_status,
    normalise_tags,
    update_system,
    validate_profile,
)

Format = Literal["json", "yaml", "csv"]
MAX_ITEMS = 100_000
MAX_PROBLEMS = 1_000
ENVELOPE_KEYS = ("profile", "owner", "tags", "status")
READ_ONLY_KEYS = (
    "id", "name", "kind", "roles", "risk_class", "regime", "assessed_at", "version", "created_at", "updated_at",
)  # fmt: skip
INVENTORY_COLUMNS = ("owner", "tags", "status")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class ImportItem:
    item: int
    profile: dict[str, Any]
    owner: str | None = None
    tags: tuple[str, ...] = ()
    status: str = LifecycleStatus.in_service.value


@dataclass(slots=True)
class ImportReport:
    created: list[int] = field(default_factory=list)  # system ids
    updated: list[int] = field(default_factory=list)
    assessed: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"created": len(self.created), "updated": len(self.updated), "assessed": self.assessed}


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, problem: Problem) -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(problem)

    def extend(self, problems: Sequence[Problem]) -> None:
        for p in problems:
            self.add(p)


def format_of(name: str) -> Format | None:
    lowered = name.lower()
    if lowered.endswith(".json"):
        return "json"
    if lowered.endswith((".yaml", ".yml")):
        return "yaml"
    if lowered.endswith(".csv"):
        return "csv"
    return None


# --- reading ---------------------------------------------------------------------------------------


def _item_from_mapping(
    data: Mapping[str, Any], item: int, problems: _Problems, *, prefix: str = "profile."
) -> ImportItem | None:
    """A profile, or an envelope around one (recognised by its `profile` mapping)."""
    if isinstance(data.get("profile"), Mapping):
        unknown = [k for k in data if k not in ENVELOPE_KEYS and k not in READ_ONLY_KEYS]
        for key in unknown:
            problems.add(Problem(item, str(key), f"unknown key; allowed here: {', '.join(ENVELOPE_KEYS)}"))
        try:
            profile = validate_profile(data["profile"], item=item, prefix=prefix)
            owner = normalise_owner(data.get("owner"), item=item)
            raw_tags = data.get("tags") or []
            if not isinstance(raw_tags, list):
                raise InvalidInput([Problem(item, "tags", "expected a list of tags, e.g. [hr, pilot]")])
            tags = normalise_tags(raw_tags, item=item)
            status = normalise_status(data.get("status") or LifecycleStatus.in_service.value, item=item)
        except InvalidInput as exc:
            problems.extend(exc.problems)
            return None
        return None if unknown else ImportItem(item, profile, owner, tuple(tags), status)
    try:
        return ImportItem(item, validate_profile(data, item=item))
    except InvalidInput as exc:
        problems.extend(exc.problems)
        return None


def _items_from_list(data: object, source: str, problems: _Problems) -> list[ImportItem]:
    if not isinstance(data, list):
        raise InvalidInput(
            [
                Problem(
                    None,
                    "",
                    f"expected a list of profiles (a JSON array or a YAML list), got {type(data).__name__}",
                )
            ],
            source,
        )
    if len(data) > MAX_ITEMS:
        raise InvalidInput([Problem(None, "", f"{len(data)} items; at most {MAX_ITEMS} per import")], source)
    items: list[ImportItem] = []
    for n, entry in enumerate(data, start=1):
        if not isinstance(entry, Mapping):
            problems.add(
                Problem(
                    n, "", f"expected a profile (a mapping of keys to values), got {type(entry).__name__}"
                )
            )
            continue
        parsed = _item_from_mapping(entry, n, problems)
        if parsed is not None:
            items.append(parsed)
    return items


def profile_columns() -> dict[str, str]:
    """Every profile key a CSV column can set (dotted for nested keys) → text, bool, number or list.

    The rules engine's CSV reader (`aidesk.rules.tabular`, used by `assess-batch`) defines them."""
    from aidesk.rules.tabular import CSV_COLUMNS

    return {column: spec[-1] for column, spec in CSV_COLUMNS.items()}


def _unescape(cell: str) -> str:
    """Undo the export's formula escaping (`'=…` → `=…`)."""
    return cell[1:] if cell[:1] == "'" and cell[1:2] and cell[1:2] in FORMULA_PREFIXES else cell


def _items_from_csv(text: str, source: str, problems: _Problems) -> list[ImportItem]:
    """CSV rows: profile columns are read by the rules engine's CSV reader (same rules as `assess-batch`),
    the inventory's own columns (owner, tags, status) here."""
    from aidesk.rules.profile import ProfileError
    from aidesk.rules.tabular import CsvError, csv_items

    columns = profile_columns()
    try:
        rows = [row for row in csv.reader(io.StringIO(text, newline="")) if row != []]
    except csv.Error as exc:
        raise InvalidInput([Problem(None, "", f"not valid CSV: {exc}")], source) from None
    if not rows:
        raise InvalidInput(
            [Problem(None, "", "the CSV file is empty; its first row must name the columns")], source
        )
    header = [h.strip() for h in rows[0]]
    for col in header:
        if col not in columns and col not in INVENTORY_COLUMNS and col not in READ_ONLY_KEYS:
            problems.add(
                Problem(
                    None,
                    col,
                    "unknown CSV column; use profile keys (dotted: organisation.country), owner, tags, status",
                )
            )
    if "name" not in header:
        problems.add(Problem(None, "name", "the CSV header has no name column"))
    if problems.items:
        raise InvalidInput(problems.items, source)
    if len(rows) - 1 > MAX_ITEMS:
        raise InvalidInput([Problem(None, "", f"more than {MAX_ITEMS} rows; split the file")], source)
    profile_idx = [i for i, col in enumerate(header) if col in columns]
    envelope_idx = [(i, col) for i, col in enumerate(header) if col in INVENTORY_COLUMNS]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header[i] for i in profile_idx])
    kept: list[tuple[int, dict[str, Any]]] = []  # (item number, envelope), one per row written
    for n, row in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            problems.add(Problem(n, "", f"{len(row)} cells but the header has {len(header)} columns"))
            continue
        cells = [_unescape(cell) for cell in row]
        writer.writerow([cells[i] for i in profile_idx])
        envelope: dict[str, Any] = {}
        for i, col in envelope_idx:
            value = cells[i].strip()
            if value:
                envelope[col] = [t.strip() for t in value.split(";") if t.strip()] if col == "tags" else value
        kept.append((n, envelope))
    try:
        parsed = csv_items(out.getvalue())
    except CsvError as exc:
        raise InvalidInput([Problem(None, "", str(exc))], source) from None
    items: list[ImportItem] = []
    for (n, envelope), data in zip(kept, parsed, strict=True):
        if isinstance(data, ProfileError):
            problems.extend([Problem(n, p.path, p.message) for p in data.problems])
            continue
        item = _item_from_mapping({"profile": data, **envelope}, n, problems, prefix="")
        if item is not None:
            items.append(item)
    return items


def read_items(text: str, fmt: Format | None, source: str = "input") -> list[ImportItem]:
    """Parse and validate every item; raise `InvalidInput` listing all problems if there is any."""
    problems = _Problems()
    if fmt is None:
        stripped = text.lstrip()
        fmt = "json" if stripped[:1] in ("[", "{") else "yaml"
    if fmt == "csv":
        items = _items_from_csv(text, source, problems)
    else:
        from aidesk.rules.profile import ProfileError, parse_text

        try:
            data = parse_text(text, fmt, source)
        except ProfileError as exc:
            raise InvalidInput([Problem(None, p.path, p.message) for p in exc.problems], source) from None
        items = _items_from_list(data, source, problems)
    if problems.items:
        raise InvalidInput(problems.items, source)
    if not items:
        raise InvalidInput([Problem(None, "", "no systems to import (the list is empty)")], source)
    return items


# --- importing -------------------------------------------------------------------------------------


def import_systems(
    session: Session,
    actor: Actor,
    items: Sequence[ImportItem],
    *,
    update_existing: bool = False,
    assessor: Assessor | None = None,
    regime: str | None = None,
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    source: str = "input",
) -> ImportReport:
    """Write every item, or nothing: problems raise `InvalidInput` before the first write, and a failure
    during the writes propagates so that the caller's transaction rolls back.

    A system whose name is already in the inventory is an error, unless `update_existing` (then its
    profile, owner, tags and status are replaced). With an `assessor`, each system is assessed too.
    """
    actor.require(Permission.write)
    problems = _Problems()
    seen: dict[str, int] = {}
    for it in items:
        name = str(it.profile["name"])
        if name in seen:
            problems.add(
                Problem(it.item, "name", f"{name!r} is also item {seen[name]}; each system once per import")
            )
        seen.setdefault(name, it.item)
    existing = {
        row[0]: row[1]
        for row in session.execute(
            select(AISystem.name, AISystem.id).where(
                AISystem.organisation_id == actor.organisation_id, AISystem.name.in_(list(seen))
            )
        )
    } if seen else {}  # fmt: skip
    if existing and not update_existing:
        for it in items:
            name = str(it.profile["name"])
            if name in existing:
                problems.add(
                    Problem(it.item, "name", f"{name!r} is already in the inventory (system {existing[name]}); "
                            "rename it, or import with --update to replace it")
                )  # fmt: skip
    if problems.items:
        raise InvalidInput(problems.items, source)

    report = ImportReport()
    total = len(items)
    for done, it in enumerate(items, start=1):
        name = str(it.profile["name"])
        if name in existing:
            system = update_system(
                session,
                actor,
                existing[name],
                profile=it.profile,
                owner=it.owner,
                tags=it.tags,
                status=it.status,
            )
            report.updated.append(system.id)
        else:
            system = create_system(
                session, actor, it.profile, owner=it.owner, tags=it.tags, status=it.status,
                audit_details={"import": source, "item": it.item},
            )  # fmt: skip
            report.created.append(system.id)
        if assessor is not None:
            try:
                result = assessor(system.profile, regime=regime, as_of=as_of)
            except ValueError as exc:
                raise InvalidInput([Problem(it.item, "", f"cannot be assessed: {exc}")], source) from None
            store_record(session, actor, system, result)
            report.assessed += 1
        if progress is not None:
            progress(done, total)
    audit.record(session, actor, "inventory.import", "organisation", actor.organisation_id,
                 {"source": source, **report.to_json()})  # fmt: skip
    return report


# --- exporting -------------------------------------------------------------------------------------


def system_json(system: AISystem) -> dict[str, Any]:
    """A system as exported (an envelope: importing it again gives the same system)."""
    return {
        "id": system.id,
        "name": system.name,
        "kind": system.kind,
        "owner": system.owner,
        "status": system.status,
        "tags": system.tags,
        "roles": system.roles,
        "risk_class": system.risk_class,
        "regime": system.regime,
        "assessed_at": system.assessed_at.isoformat() if system.assessed_at else None,
        "version": system.version,
        "profile": system.profile,
    }


def export_json(session: Session, actor: Actor, flt: SystemFilter | None = None) -> str:
    rows = [system_json(s) for s in iter_systems(session, actor, flt)]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP): a cell that starts like a formula gets a `'`."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_csv_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


EXPORT_COLUMNS = ("id", "name", "kind", "owner", "status", "tags", "risk_class", "regime", "assessed_at")


def export_csv(session: Session, actor: Actor, flt: SystemFilter | None = None) -> str:
    profile_cols = [c for c in profile_columns() if c not in EXPORT_COLUMNS]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*EXPORT_COLUMNS, *profile_cols])
    for system in iter_systems(session, actor, flt):
        row = system_json(system)
        cells = [_csv_value(row[c]) for c in EXPORT_COLUMNS]
        for col in profile_cols:
            head, _, rest = col.partition(".")
            value = system.profile.get(head)
            if rest:
                value = value.get(rest) if isinstance(value, Mapping) else None
            cells.append(_csv_value(value))
        writer.writerow([csv_safe(c) for c in cells])
    return out.getvalue()
