"""Rendering: one Jinja2 environment per language, the page context, and the JSON twin of every page.

Every page handler builds plain data (dicts, lists, strings, numbers) and calls `page()`. The same
data is the page's JSON twin: `?format=json`, or an `Accept` header that prefers JSON, returns it
instead of HTML.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from aidesk import __version__
from aidesk.web import i18n
from aidesk.web.links import law_href

COOKIE_MAX_AGE = 365 * 24 * 3600


@cache
def environment(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("aidesk.web", "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.filters["date"] = lambda value, form="long": i18n.fmt_date(value, lang, form)
    env.filters["eur"] = lambda value: i18n.fmt_eur(value, lang)
    env.filters["number"] = lambda value: i18n.fmt_number(value, lang)
    env.filters["country"] = lambda code: i18n.country_name(code, lang)
    env.filters["t"] = lambda message: i18n.gettext(lang, message) if message else ""
    env.globals["lang"] = lang
    env.globals["version"] = __version__
    env.globals["law_href"] = law_href
    return env


def lang_of(request: Request) -> str:
    cached = getattr(request.state, "lang", None)
    if isinstance(cached, str):
        return cached
    lang = i18n.pick_lang(
        request.query_params.get("lang"),
        request.cookies.get(i18n.COOKIE),
        request.headers.get("accept-language"),
    )
    request.state.lang = lang
    return lang


def wants_json(request: Request) -> bool:
    """`?format=json`, or an Accept header that ranks JSON above HTML."""
    fmt = request.query_params.get("format")
    if fmt is not None:
        return fmt == "json"
    accept = request.headers.get("accept", "")
    if "json" not in accept:
        return False
    best_json = best_html = 0.0
    for part in accept.split(","):
        media, _, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        media = media.strip().lower()
        if media == "application/json" or media.endswith("+json"):
            best_json = max(best_json, q)
        elif media in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
            best_html = max(best_html, q * (0.99 if media in ("*/*", "text/*") else 1.0))
    return best_json > best_html


def _json_default(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Markup):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def json_response(
    data: dict[str, Any], status_code: int = 200, media_type: str = "application/json"
) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=_json_default)
    return Response(body, status_code=status_code, media_type=media_type)


def remember_lang(request: Request, response: Response) -> None:
    """A `?lang=` choice is remembered for the next pages (cookie, one year)."""
    asked = request.query_params.get("lang")
    if asked in i18n.LANGUAGES and request.cookies.get(i18n.COOKIE) != asked:
        response.set_cookie(i18n.COOKIE, asked, max_age=COOKIE_MAX_AGE, samesite="lax", httponly=True)


def url_with(request: Request, **changes: str | None) -> str:
    """The current path with some query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def _account(request: Request) -> dict[str, Any] | None:
    """The signed-in member shown in the header (sign-out form), or None."""
    from aidesk.api.security import SESSION_COOKIE

    if SESSION_COOKIE not in request.cookies:
        return None
    if hasattr(request.state, "account"):
        cached: dict[str, Any] | None = request.state.account
        return cached
    from aidesk.web.inventory import account

    try:
        found = account(request)
    except Exception:  # the page shows without the account rather than fail (e.g. database down)
        found = None
    request.state.account = found
    return found


def page(
    request: Request,
    template: str,
    data: dict[str, Any],
    *,
    status_code: int = 200,
    extra: dict[str, Any] | None = None,
    title: str = "",
) -> Response:
    """The HTML page (or its JSON twin) for `data`."""
    lang = lang_of(request)
    if wants_json(request):
        media = "application/problem+json" if status_code >= 400 else "application/json"
        response = json_response({"lang": lang, **data}, status_code, media)
    else:
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        context = {
            "account": _account(request),
            "data": data,
            "request_path": request.url.path,
            "here": here,
            "title": title,
            "json_href": url_with(request, format="json"),
            **(extra or {}),
        }
        html = environment(lang).get_template(template).render(context)
        response = HTMLResponse(html, status_code=status_code)
        response.headers["Content-Language"] = lang
        response.headers["Vary"] = "Accept, Accept-Language, Cookie"
    remember_lang(request, response)
    return response
