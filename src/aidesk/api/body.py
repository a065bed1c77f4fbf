"""Reading request bodies defensively: size caps, JSON or YAML (1.2, safe), never a 500.

- Bodies over the cap are refused (413) before they are read in full.
- JSON: nesting deeper than `MAX_DEPTH` is refused (Python's parser would overflow its stack).
- YAML: read with the profile reader's safe YAML 1.2 loader, after a pass over the parser's events
  that refuses anchors and aliases (a "billion laughs" document is a few hundred bytes of aliases
  that expand to gigabytes; aidesk documents never need them) and nesting deeper than `MAX_DEPTH`.
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal

from fastapi import Request
from starlette.requests import ClientDisconnect

from aidesk.api.problems import ApiError, FieldProblem

MAX_DEPTH = 32
MAX_INT = 2**63
Format = Literal["json", "yaml", "csv"]

_JSON_TYPES = ("application/json",)
_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
_CSV_TYPES = ("text/csv", "application/csv")


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def format_of(request: Request, *, allowed: tuple[Format, ...] = ("json", "yaml")) -> Format | None:
    """The body's format from its Content-Type (None: not given, sniff it); 415 when not allowed."""
    kind = media_type(request)
    fmt: Format | None
    if not kind or kind in ("text/plain", "application/octet-stream"):
        fmt = None
    elif kind in _JSON_TYPES or kind.endswith("+json"):
        fmt = "json"
    elif kind in _YAML_TYPES:
        fmt = "yaml"
    elif kind in _CSV_TYPES:
        fmt = "csv"
    else:
        fmt = "unsupported"  # type: ignore[assignment]
    if fmt is not None and fmt not in allowed:
        names = {"json": "application/json", "yaml": "application/yaml", "csv": "text/csv"}
        raise ApiError(
            415, f"Content-Type {kind!r} is not accepted here; send {' or '.join(names[f] for f in allowed)}"
        )
    return fmt


async def read_text(request: Request, max_bytes: int) -> str:
    """The body as text (UTF-8), at most `max_bytes`; 413 beyond, 422 if it is not UTF-8 or empty."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            size = int(declared)
        except ValueError:
            raise ApiError(400, "invalid Content-Length header") from None
        if size > max_bytes:
            raise ApiError(413, f"the body has {size} bytes; the limit is {max_bytes}")
    chunks = bytearray()
    try:
        async for chunk in request.stream():
            chunks += chunk
            if len(chunks) > max_bytes:
                raise ApiError(413, f"the body is larger than the limit of {max_bytes} bytes")
    except ClientDisconnect:  # nobody is waiting for an answer: not a server error
        raise ApiError(400, "the client disconnected before sending the whole body") from None
    try:
        text = chunks.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _bad(f"the body is not UTF-8 text (byte {exc.start})") from None
    if not text.strip():
        raise _bad("the body is empty; send a JSON object (Content-Type: application/json)")
    return text


def _bad(message: str, field: str = "") -> ApiError:
    return ApiError(422, message, errors=[FieldProblem(field=field, message=message)])


def check_yaml(text: str) -> None:
    """Refuse YAML with anchors/aliases or nesting deeper than `MAX_DEPTH` (before building anything)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        NodeEvent,
    )

    depth = 0
    try:
        for event in YAML(typ="safe", pure=True).parse(text):
            if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise _bad(
                    f"YAML anchors and aliases (&, *) are not accepted (line {line}); write values out"
                )
            if isinstance(event, CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _bad(f"the document is nested more than {MAX_DEPTH} levels deep")
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except ApiError:
        raise
    except Exception:  # a syntax error: the loader reports it with its position
        return


def tree_problem(data: object) -> str | None:
    """Why a parsed document cannot be used: nested too deep, NaN or infinity (not JSON), an integer
    beyond 64 bits (not portable, and no profile key needs one), or a NUL character (PostgreSQL cannot
    store it in text)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            return f"{value} is not a number aidesk can store; write a finite number"
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            return "a whole number is too large; write it as a float, e.g. 3.0e+25"
        if isinstance(value, str):
            if "\x00" in value:
                return "text must not contain NUL characters (\\u0000)"
            continue
        if isinstance(value, dict) and any(isinstance(k, str) and "\x00" in k for k in value):
            return "keys must not contain NUL characters (\\u0000)"
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return f"the document is nested more than {MAX_DEPTH} levels deep"
            children = value.values() if isinstance(value, dict) else value
            stack.extend(
                (child, depth + 1) for child in children if isinstance(child, dict | list | float | int | str)
            )
    return None


def _parse_json(text: str) -> Any:
    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON value; write a number")

    try:
        return json.loads(text, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise _bad(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise _bad(f"not valid JSON: {exc}") from None
    except RecursionError:
        raise _bad(f"the document is nested more than {MAX_DEPTH} levels deep") from None


def parse_document(text: str, fmt: Literal["json", "yaml"] | None) -> Any:
    """JSON or YAML text → plain data; 422 problems that say where the syntax is wrong."""
    from aidesk.rules.profile import ProfileError, parse_text

    if fmt is None:
        fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    if fmt == "json":
        data = _parse_json(text)
    else:
        check_yaml(text)
        try:
            data = parse_text(text, "yaml")
        except ProfileError as exc:
            raise _bad(exc.problems[0].message if exc.problems else "cannot read the body") from None
        except RecursionError:
            raise _bad(f"the document is nested more than {MAX_DEPTH} levels deep") from None
    if (why := tree_problem(data)) is not None:
        raise _bad(why)
    return data


async def read_document(request: Request, max_bytes: int) -> Any:
    """A JSON (or, by Content-Type, YAML) body as plain data."""
    fmt = format_of(request)
    text = await read_text(request, max_bytes)
    return parse_document(text, fmt)  # type: ignore[arg-type]
