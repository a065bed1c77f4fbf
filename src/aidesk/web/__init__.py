"""The web desk (issue 9): server-rendered pages in English and French, each with a JSON twin.

Thin over the services (STYLE.md 7): the law corpus, the rules engine, the directory, and the
service desk and inventory when they are installed. `install(app)` mounts the pages, the static
files and the error pages on the FastAPI application built by `aidesk.app.create_app`.
"""

from __future__ import annotations

import inspect
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from aidesk.web import i18n
from aidesk.web.render import COOKIE_MAX_AGE, environment, page

STATIC_MAX_AGE = 3600


def _safe_next(target: str | None) -> str:
    """Only a path on this site (no scheme, no host): the language switch is not an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def _call(handler: Any, request: Request, exc: Exception) -> Response:
    result = handler(request, exc)
    if inspect.isawaitable(result):
        result = await result
    assert isinstance(result, Response)
    return result


def _features() -> dict[str, bool]:
    """Optional parts of the desk, present when their service is installed."""
    from aidesk.web import desk

    return {"desk_enabled": desk.available()}


def install(app: FastAPI) -> None:
    from fastapi import APIRouter

    from aidesk.web import assess, compute, describe, desk, directory, documents, home, inventory, law, wizard

    static = resources.files("aidesk.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    features = _features()
    for lang in i18n.LANGUAGES:
        environment(lang).globals.update(features)

    router = APIRouter(include_in_schema=False)

    @router.get("/lang/{code}", name="set_lang")
    def set_lang(code: str, next: str | None = None) -> Response:
        response = RedirectResponse(_safe_next(next), status_code=303)
        if code in i18n.LANGUAGES:
            response.set_cookie(i18n.COOKIE, code, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)
        return response

    router.include_router(home.router)
    router.include_router(law.router)
    router.include_router(wizard.router)
    router.include_router(documents.router)
    router.include_router(assess.router)
    router.include_router(describe.router)
    router.include_router(inventory.router)
    router.include_router(compute.router)  # before the directory's /directory/{entry_id}
    router.include_router(directory.router)
    if features["desk_enabled"]:
        router.include_router(desk.router)
    app.include_router(router)

    # Errors under /api/ keep the API's own handlers (problem+json), or FastAPI's defaults.
    from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler

    api_http_error = app.exception_handlers.get(StarletteHTTPException, http_exception_handler)
    api_validation_error = app.exception_handlers.get(
        RequestValidationError, request_validation_exception_handler
    )

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", None)
        if request.url.path.startswith("/api/"):
            return await _call(api_http_error, request, exc)
        titles = {404: i18n.N_("Page not found"), 405: i18n.N_("Method not allowed")}
        messages = {
            404: i18n.N_("There is no page at this address."),
            405: i18n.N_("This page cannot be used that way."),
        }
        data = {
            "status": status,
            "title": titles.get(status, i18n.N_("Something went wrong")),
            "message": messages.get(status, i18n.N_("The request could not be handled.")),
            "detail": detail
            if isinstance(detail, str) and detail not in ("Not Found", "Method Not Allowed")
            else None,
        }
        return page(request, "error.html", data, status_code=status)

    async def validation_error(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return await _call(api_validation_error, request, exc)
        data = {
            "status": 422,
            "title": i18n.N_("Bad request"),
            "message": i18n.N_("Some parameters of this request are not valid."),
            "detail": "; ".join(
                f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}"
                for e in getattr(exc, "errors", list)()
            ),
        }
        return page(request, "error.html", data, status_code=422)

    async def server_error(request: Request, exc: Exception) -> Response:
        import logging

        logging.getLogger("aidesk.web").error("error on %s", request.url.path, exc_info=exc)
        if request.url.path.startswith("/api/"):
            from fastapi.responses import JSONResponse

            return JSONResponse({"detail": "internal error"}, status_code=500)
        data = {
            "status": 500,
            "title": i18n.N_("Something went wrong"),
            "message": i18n.N_("The request could not be handled."),
            "detail": None,
        }
        return page(request, "error.html", data, status_code=500)

    app.add_exception_handler(StarletteHTTPException, http_error)
    if Exception not in app.exception_handlers:
        app.add_exception_handler(Exception, server_error)
    app.add_exception_handler(RequestValidationError, validation_error)
