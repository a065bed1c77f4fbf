"""Import and export of directory entries (CSV or JSON).

An import file holds rows of entry fields. A row whose `id` is already in the directory updates
that entry (only the columns it fills); a row with a new `id` must be a complete entry. All rows
are validated before anything is written; any bad row rejects the whole file, and the user's
overlay is then replaced atomically (write to a temporary file, then rename).

CSV cells: list fields are separated by `|` (`FR | DE`); `unverified` reads `field: what | …`;
`legacy` is `true`/`false`; an empty cell leaves the field as it is. CSV rows are numbered like
data rows (the header is not counted); JSON items from 1.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aidesk.directory.paths import overlay_path
from aidesk.directory.schema import SCHEMA_ID, Entry
from aidesk.directory.service import OVERLAY_SCHEMA, Directory, DirectoryError, merge, read_overlay

FIELDS: tuple[str, ...] = tuple(Entry.model_fields)
LIST_FIELDS = frozenset(
    name for name, f in Entry.model_fields.items() if getattr(f.annotation, "__origin__", None) is list
)
SEP = "|"

_FIX_HINTS = {
    "countries": "use ISO 3166-1 alpha-2 codes separated by '|', e.g. 'FR | DE'",
    "partner_countries": "use ISO 3166-1 alpha-2 codes separated by '|', e.g. 'FR | DE'",
    "sources": "give at least one source (a URL), several separated by '|'",
    "id": "use lower-case letters, digits and '-', e.g. 'edih-fr-example'",
    "as_of": "use a real date YYYY-MM-DD",
    "url": "give a full http(s):// address",
}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    message: str

    def render(self, path: Path) -> str:
        where = f"row {self.row}" + (f", field {self.field}" if self.field else "")
        return f"{path}: {where}: {self.message}"


@dataclass(frozen=True)
class ImportPlan:
    entries: list[Entry]
    added: list[str]
    updated: list[str]
    errors: list[RowError]


class ImportRejected(DirectoryError):
    def __init__(self, path: Path, errors: Sequence[RowError]) -> None:
        self.path = path
        self.errors = list(errors)
        super().__init__("\n".join(e.render(path) for e in errors))


# --------------------------------------------------------------------------- reading files
def _cell_to_value(name: str, cell: str) -> Any:
    text = cell.strip()
    if name in LIST_FIELDS:
        return [p.strip() for p in text.split(SEP) if p.strip()]
    if name == "unverified":
        marks: dict[str, str] = {}
        for part in text.split(SEP):
            if not part.strip():
                continue
            key, _, what = part.partition(":")
            marks[key.strip()] = what.strip() or "not verified"
        return marks
    if name == "legacy":
        low = text.lower()
        if low in ("true", "yes", "1"):
            return True
        if low in ("false", "no", "0"):
            return False
        return text  # let validation report it
    return text


def read_rows(path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(row number, fields given) for each row of a CSV or JSON file; raises ImportRejected on a bad file."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ImportRejected(
            path, [RowError(0, None, f"cannot read the file ({exc.strerror}); check the path")]
        ) from None
    except UnicodeDecodeError:
        raise ImportRejected(path, [RowError(0, None, "not UTF-8 text; save the file as UTF-8")]) from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith(("[", "{")):
        return _json_rows(path, text)
    return _csv_rows(path, text)


def _json_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        raw = json.loads(text)
    except ValueError as exc:
        raise ImportRejected(path, [RowError(0, None, f"invalid JSON ({exc}); fix the syntax")]) from None
    items = raw.get("entries") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        msg = "expected a JSON array of entries or an object with an 'entries' array"
        raise ImportRejected(path, [RowError(0, None, msg)])
    rows = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ImportRejected(path, [RowError(n, None, "not a JSON object; give each entry as {...}")])
        rows.append((n, {k: v for k, v in item.items() if v is not None and k != "origin"}))
    return rows


def _csv_rows(path: Path, text: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in FIELDS]
    if unknown:
        msg = f"unknown column(s) {unknown}; allowed: {', '.join(FIELDS)}"
        raise ImportRejected(path, [RowError(0, None, msg)])
    if "id" not in header:
        raise ImportRejected(path, [RowError(0, "id", "the header has no 'id' column; add one")])
    rows = []
    for n, rec in enumerate(reader, start=1):
        if None in rec:
            raise ImportRejected(
                path, [RowError(n, None, "more cells than header columns; quote cells with commas")]
            )
        given = {
            k: _cell_to_value(k, v) for k, v in rec.items() if k != "origin" and v is not None and v.strip()
        }
        rows.append((n, given))
    return rows


# --------------------------------------------------------------------------- validating
def _row_errors(n: int, exc: ValidationError) -> list[RowError]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"]]
        name = loc[0] if loc else None
        msg = str(err["msg"]).removeprefix("Value error, ")
        hint = _FIX_HINTS.get(name or "")
        out.append(RowError(n, ".".join(loc) or None, f"{msg}" + (f"; fix: {hint}" if hint else "")))
    return out


def plan_import(directory: Directory, path: Path) -> ImportPlan:
    rows = read_rows(path)
    errors: list[RowError] = []
    entries: list[Entry] = []
    added: list[str] = []
    updated: list[str] = []
    seen: dict[str, int] = {}
    if not rows:
        errors.append(RowError(0, None, "no rows to import"))
    for n, given in rows:
        entry_id = str(given.get("id", "")).strip().lower()
        if not entry_id:
            errors.append(
                RowError(n, "id", "missing id; every row needs the id of the entry it adds or updates")
            )
            continue
        if entry_id in seen:
            errors.append(
                RowError(n, "id", f"duplicate id {entry_id!r} (also row {seen[entry_id]}); keep one row")
            )
            continue
        seen[entry_id] = n
        current = directory.get(entry_id)
        base = current.model_dump(mode="json", exclude={"origin"}) if current else {}
        try:
            entry = Entry.model_validate({**base, **given, "id": entry_id, "origin": "user"})
        except ValidationError as exc:
            errors.extend(_row_errors(n, exc))
            continue
        entries.append(entry)
        (updated if current else added).append(entry_id)
    return ImportPlan(entries, added, updated, errors)


def apply_import(directory: Directory, path: Path, data_dir: Path | None = None) -> ImportPlan:
    """Validate `path`; on any bad row raise ImportRejected and write nothing; else merge it into the overlay."""
    plan = plan_import(directory, path)
    if plan.errors:
        raise ImportRejected(path, plan.errors)
    target = overlay_path(data_dir)
    existing = read_overlay(target) if target.exists() else []
    write_overlay(target, merge(existing, plan.entries))
    return plan


def write_overlay(target: Path, entries: Iterable[Entry]) -> None:
    doc = {
        "schema": OVERLAY_SCHEMA,
        "entries": [e.model_dump(mode="json", exclude={"origin"}, exclude_defaults=True) for e in entries],
    }
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".overlay-", suffix=".json", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- export
def export_json(entries: Iterable[Entry]) -> str:
    doc = {"schema": SCHEMA_ID, "entries": [e.model_dump(mode="json") for e in entries]}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


def _value_to_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in LIST_FIELDS:
        return f" {SEP} ".join(str(v) for v in value)
    if name == "unverified":
        return f" {SEP} ".join(f"{k}: {v}" for k, v in value.items())
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def export_csv(entries: Iterable[Entry]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    for e in entries:
        dumped = e.model_dump(mode="json")
        writer.writerow({k: _value_to_cell(k, dumped[k]) for k in FIELDS})
    return buf.getvalue()
