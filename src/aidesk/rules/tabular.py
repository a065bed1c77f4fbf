"""Profiles from CSV rows: one profile per row, columns named after the profile keys (nested keys with
a dot, e.g. `organisation.country`), lists separated by ';', booleans true/false, empty cell = not given.

The column list is derived from the profile model, so it cannot drift from the schema.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
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


def _reader(kind: str, column: str) -> Callable[[str], Any]:
    """How a non-empty cell of a column of this kind becomes a profile value."""
    if kind == "list":
        return _list
    if kind == "bool":

        def boolean(value: str) -> bool:
            lowered = value.strip().lower()
            if lowered in ("true", "false"):
                return lowered == "true"
            raise _CellError(f"{column}: {value!r} is not a boolean; write true or false (or leave it empty)")

        return boolean
    if kind == "number":

        def number(value: str) -> float:
            try:
                return float(value.strip())
            except ValueError:
                raise _CellError(f"{column}: {value!r} is not a number; write e.g. 3e25") from None

        return number
    return str.strip


def _list(value: str) -> list[str]:
    return [part.strip() for part in value.strip().split(LIST_SEPARATOR) if part.strip()]


def csv_items(text: str) -> list[Any]:
    """Rows as nested mappings ready for `profile_from_data`; a row with a bad cell becomes a ValueError
    in its place (so that the caller reports it with its row number and goes on).

    Read as `csv.DictReader` reads (blank lines skipped; a column named twice takes its last cell; a
    short row's missing cells are not given), with the work per column done once, not per row.
    """
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None) or []
    if not header:
        raise CsvError("empty CSV: the first row must name the columns, e.g. name,kind,roles,annex_iii")
    unknown = [h for h in header if h.strip() not in CSV_COLUMNS]
    if unknown:
        raise CsvError(f"unknown column {unknown[0]!r}; allowed columns: {', '.join(CSV_COLUMNS)}")
    # Per distinct column name, in the order of its first mention: the index of its (last) cell, where its
    # value goes and how it is read.
    last = {h: i for i, h in enumerate(header)}
    plan = [(last[h], *_target(h.strip())) for h in dict.fromkeys(header)]
    width = len(header)
    items: list[Any] = []
    for row in rows:
        if not row:
            continue
        data: dict[str, Any] = {}
        cells = len(row)
        try:
            if cells > width:
                raise _CellError("this row has more cells than the header has columns")
            for index, parent, key, read in plan:
                if index < cells:
                    value = row[index]
                    if value and not value.isspace():  # an empty cell: not given
                        if parent is None:
                            data[key] = read(value)
                        else:
                            data.setdefault(parent, {})[key] = read(value)
        except _CellError as exc:
            from aidesk.rules.profile import Problem, ProfileError

            items.append(ProfileError([Problem("", str(exc))]))
            continue
        items.append(data)
    return items


def _target(column: str) -> tuple[str | None, str, Callable[[str], Any]]:
    """(parent key or None, key, reader) of a column: `organisation.country` → ("organisation", "country", …)."""
    *path, kind = CSV_COLUMNS[column]
    return (path[0] if len(path) > 1 else None), path[-1], _reader(kind, column)
