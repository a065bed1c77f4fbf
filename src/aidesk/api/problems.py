"""Errors as RFC 9457 problem details (`application/problem+json`), with the path of every bad field.

    {"type": "about:blank", "title": "Unprocessable Content", "status": 422,
     "detail": "annex_iii[0]: '9(z)' is not an Annex III point …", "instance": "/api/v1/assess",
     "errors": [{"field": "annex_iii[0]", "message": "…"}]}

`field` is a path into the request: profile keys as the profile names them (`transparency.deep_fake`,
`annex_iii[0]`), query and path parameters as `query.regime`, `path.system_id`. Bad input is a 422;
nothing is ever written when a request fails; an unexpected error is a 500 without internals.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from aidesk.inventory.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InventoryError,
    NotFound,
    Unauthenticated,
)

PROBLEM_JSON = "application/problem+json"
API_PATH_PREFIX = "/api/"
log = logging.getLogger("aidesk.api")


class FieldProblem(BaseModel):
    field: str = Field(description="Where: a key path in the body (`annex_iii[0]`), or `query.NAME`.")
    message: str
    item: int | None = Field(
        default=None, description="For imports: the item (1-based; for CSV the data row)."
    )


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "type": "about:blank",
                "title": "Unprocessable Content",
                "status": 422,
                "detail": "annex_iii[0]: '9(z)' is not an Annex III point",
                "instance": "/api/v1/assess",
                "errors": [{"field": "annex_iii[0]", "message": "'9(z)' is not an Annex III point"}],
            }
        }
    )

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldProblem] | None = None
    retry_after: int | None = Field(default=None, description="429: seconds to wait before trying again.")


class ApiError(Exception):
    """An error the API answers with a problem document (raise it from routes and dependencies)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: Sequence[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = list(errors) if errors is not None else None
        self.headers = headers
        self.retry_after = retry_after


def bad_input(field: str, message: str) -> ApiError:
    return ApiError(
        422, f"{field}: {message}" if field else message, errors=[FieldProblem(field=field, message=message)]
    )


def problem_response(
    status: int,
    detail: str,
    *,
    instance: str | None = None,
    errors: Iterable[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
    retry_after: int | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _title(status),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors is not None:
        body["errors"] = [e.model_dump(exclude_none=True) for e in errors]
    all_headers = dict(headers or {})
    if status == 401:
        all_headers.setdefault("WWW-Authenticate", "Bearer")
    if retry_after is not None:
        body["retry_after"] = retry_after
        all_headers["Retry-After"] = str(retry_after)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=all_headers or None)


_TITLES = {413: "Content Too Large", 422: "Unprocessable Content"}  # RFC 9110 names


def _title(status: int) -> str:
    if status in _TITLES:
        return _TITLES[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def one_line(errors: Sequence[FieldProblem], limit: int = 3) -> str:
    shown = "; ".join((f"{e.field}: {e.message}" if e.field else e.message) for e in errors[:limit])
    more = len(errors) - limit
    return shown + (f"; and {more} more problem(s)" if more > 0 else "")


def field_path(loc: Sequence[Any]) -> str:
    """FastAPI's `("body", "annex_iii", 0)` → `annex_iii[0]`; `("query", "limit")` → `query.limit`."""
    parts = list(loc)
    if parts and parts[0] == "body":
        parts = parts[1:]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


_INVENTORY_STATUS: tuple[tuple[type[InventoryError], int], ...] = (
    (NotFound, 404),
    (Forbidden, 403),
    (Unauthenticated, 401),
    (Conflict, 409),
    (InvalidInput, 422),
)


def _instance(request: Request) -> str:
    return request.url.path


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return problem_response(
        exc.status,
        exc.detail,
        instance=_instance(request),
        errors=exc.errors,
        headers=exc.headers,
        retry_after=exc.retry_after,
    )


async def _inventory_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InventoryError)
    status = next((code for kind, code in _INVENTORY_STATUS if isinstance(exc, kind)), 400)
    if isinstance(exc, InvalidInput):
        errors = [FieldProblem(field=p.field, message=p.message, item=p.item) for p in exc.problems]
        return problem_response(status, exc.one_line(), instance=_instance(request), errors=errors)
    return problem_response(status, str(exc), instance=_instance(request))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for e in exc.errors():
        field = field_path(e.get("loc", ()))
        message = str(e.get("msg", "invalid"))
        if e.get("type") == "missing" and not field:
            message = "a request body is required"
        elif e.get("type") == "extra_forbidden":
            message = "unknown key"
        errors.append(FieldProblem(field=field, message=message))
    return problem_response(
        422, one_line(errors) or "invalid request", instance=_instance(request), errors=errors
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) else _title(status)
    if status == 400 and detail == "There was an error parsing the body":
        cause = exc.__cause__
        if isinstance(cause, ApiError):
            return await _api_error(request, cause)
        status, detail = 422, "the body cannot be read: not valid JSON, or nested too deeply"
        errors = [FieldProblem(field="", message=detail)]
        return problem_response(status, detail, instance=_instance(request), errors=errors)
    if status == 404 and detail == "Not Found":
        detail = f"no such API endpoint: {request.method} {request.url.path}; see /docs"
    elif exc.status_code == 405:
        detail = f"{request.method} is not allowed on {request.url.path}; see /docs"
    return problem_response(
        status, detail, instance=_instance(request), headers=dict(exc.headers or {}) or None
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    if request.url.path.startswith(API_PATH_PREFIX):
        return problem_response(
            500,
            "an internal error occurred; it has been logged (nothing was written)",
            instance=_instance(request),
        )
    return PlainTextResponse("Internal Server Error", status_code=500)


def install_handlers(app: FastAPI) -> None:
    """Problem+json for the API's errors. Call before the web desk installs its own pages for errors
    (it keeps these for paths under /api/)."""
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(InventoryError, _inventory_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    if Exception not in app.exception_handlers:
        app.add_exception_handler(Exception, _unexpected)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the problems a route can answer."""
    described = {
        400: "Bad request",
        401: "No valid API token or session",
        403: "Authenticated, but the role or token scopes do not allow this (or a missing CSRF token)",
        404: "No such object in your organisation",
        409: "Conflict with the stored state (a duplicate name, a stale `version`)",
        413: "The request body is too large",
        415: "Unsupported content type",
        422: "Bad input: `errors` lists each bad field with its path",
        429: "Too many failed logins: wait `retry_after` seconds",
    }
    return {
        status: {
            "description": described.get(status, _title(status)),
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


class GuardMiddleware:
    """A pure ASGI middleware for /api/ requests, before any routing or parsing:

    - a body larger than the limit (`limit_for(path)` bytes) is a 413 problem: at once when
      Content-Length says so, else as soon as the streamed body passes the limit;
    - a NUL character in the path or query string is a 422 (PostgreSQL cannot compare or store text
      with NUL; no aidesk value needs one)."""

    def __init__(self, app: Any, limit_for: Any) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PATH_PREFIX):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        query = scope.get("query_string", b"").lower()
        if b"%00" in query or b"\x00" in query or "\x00" in path:
            message = "the URL must not contain NUL characters (%00)"
            response = problem_response(
                422, message, instance=path, errors=[FieldProblem(field="query", message=message)]
            )
            await response(scope, receive, send)
            return
        if query:
            from urllib.parse import parse_qsl

            names = [name for name, _ in parse_qsl(query.decode("latin-1"), keep_blank_values=True)]
            repeated = sorted({n for n in names if names.count(n) > 1})
            if repeated:
                message = f"query parameter {repeated[0]} is given more than once; give it once"
                response = problem_response(
                    422,
                    message,
                    instance=path,
                    errors=[FieldProblem(field=f"query.{repeated[0]}", message=message)],
                )
                await response(scope, receive, send)
                return
        limit = int(self.limit_for(path))
        declared = next((v for k, v in scope.get("headers", ()) if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > limit:
            response = problem_response(
                413, f"the body has {int(declared)} bytes; the limit is {limit}", instance=path
            )
            await response(scope, receive, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise ApiError(413, f"the body is larger than the limit of {limit} bytes")
            return message

        await self.app(scope, limited, send)
