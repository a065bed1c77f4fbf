"""Profiles from CSV rows: one profile per row, columns named after the profile keys (nested keys with
a dot, e.g. `organisation.country`), lists separated by ';', booleans true/false, empty cell = not given.

The column list is derived from the profile model, so it cannot drift from the schema.
"""

from __future__ import annotations

import csv
import io
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from aidesk.rules.profile import Profile, _Part

LIST_SEPARATOR = ";"


class CsvError(ValueError):
    """A CSV file that cannot be read as profiles at all (e.g. an unknown column)."""


def _kind(annotation: Any) -> str:
    text = repr(annotation)
    if get_origin(annotation) is list or text.startswith("list["):
        return "list"
    if "bool" in text:
        return "bool"
    if "float" in text:
        return "number"
    return "text"


def _columns() -> dict[str, tuple[str, ...]]:
    """column name -> (path..., kind)"""
    columns: dict[str, tuple[str, ...]] = {}
    for name, info in Profile.model_fields.items():
        key = info.alias or name
        sub = info.annotation
        model = next((a for a in (sub, *get_args(sub)) if isinstance(a, type) and issubclass(a, _Part)), None)
        if model is not None and issubclass(model, BaseModel):
            for sub_name, sub_info in model.model_fields.items():
                columns[f"{key}.{sub_name}"] = (key, sub_name, _kind(sub_info.annotation))
        else:
            columns[key] = (key, _kind(info.annotation))
    return columns


CSV_COLUMNS: dict[str, tuple[str, ...]] = _columns()


class _CellError(ValueError):
    pass


def _cell(value: str, kind: str, column: str) -> Any:
    text = value.strip()
    if kind == "list":
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()]
    if kind == "bool":
        lowered = text.lower()
        if lowered in ("true", "false"):
            return lowered == "true"
        raise _CellError(f"{column}: {value!r} is not a boolean; write true or false (or leave it empty)")
    if kind == "number":
        try:
            return float(text)
        except ValueError:
            raise _CellError(f"{column}: {value!r} is not a number; write e.g. 3e25") from None
    return text


def csv_items(text: str) -> list[Any]:
    """Rows as nested mappings ready for `profile_from_data`; a row with a bad cell becomes a ValueError
    in its place (so that the caller reports it with its row number and goes on)."""
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if not header:
        raise CsvError("empty CSV: the first row must name the columns, e.g. name,kind,roles,annex_iii")
    unknown = [h for h in header if h.strip() not in CSV_COLUMNS]
    if unknown:
        raise CsvError(f"unknown column {unknown[0]!r}; allowed columns: {', '.join(CSV_COLUMNS)}")
    items: list[Any] = []
    for row in reader:
        data: dict[str, Any] = {}
        try:
            if None in row:
                raise _CellError("this row has more cells than the header has columns")
            for column, value in row.items():
                if value is None or not value.strip():
                    continue
                *path, kind = CSV_COLUMNS[column.strip()]
                target = data
                for part in path[:-1]:
                    target = target.setdefault(part, {})
                target[path[-1]] = _cell(value, kind, column.strip())
        except _CellError as exc:
            from aidesk.rules.profile import Problem, ProfileError

            items.append(ProfileError([Problem("", str(exc))]))
            continue
        items.append(data)
    return items
