"""The inventory pages (signed in): sign in and out (with the first-run setup), the register of AI systems
with filters, its risk mix and upcoming deadlines, a system's page with its assessment history and the
diffs between records, import (all or nothing, with every bad row named) and export, re-assessment,
the calendar subscription; and "save to inventory" from a result page.

Thin over `aidesk.inventory` (every service call takes the member as `Actor`, whose organisation scopes
every query) and the API's security helpers (`aidesk.api.security`: the session cookie, CSRF tokens,
the login rate limit). Every form that changes something carries the CSRF token.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from aidesk.api.problems import ApiError
from aidesk.api.security import (
    csrf_token,
    current_actor,
    end_session,
    login,
    read_session,
    start_session,
    verify_csrf,
)
from aidesk.api.state import state_of
from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InventoryError,
    NotFound,
    Unauthenticated,
)
from aidesk.rules import DEFAULT_REGIME
from aidesk.web import labels
from aidesk.web.i18n import N_, gettext
from aidesk.web.render import json_response, lang_of, page, url_with, wants_json

router = APIRouter()

PER_PAGE = 100
UPCOMING = 12
CALENDAR_TOKEN_NAME = "calendar feed"


# --- helpers ----------------------------------------------------------------------------------------------


@contextmanager
def _session(request: Request, *, write: bool = False) -> Iterator[Session]:
    with state_of(request).db.transaction(write=write) as s:
        yield s


def _safe_next(target: str | None, default: str = "/inventory") -> str:
    if not target:
        return default
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return default
    return target


def _here(request: Request) -> str:
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def _signin_redirect(request: Request) -> Response:
    if wants_json(request):
        return json_response(
            {
                "type": "about:blank",
                "title": "Unauthorized",
                "status": 401,
                "detail": "sign in (POST /api/v1/auth/login) or send an API token",
            },
            401,
            "application/problem+json",
        )
    return RedirectResponse("/signin?" + urlencode({"next": _here(request)}), status_code=303)


def _form_csrf(form: FormData) -> str | None:
    value = form.get("csrf_token")
    return value if isinstance(value, str) else None


def _error_page(
    request: Request, status: int, title: str, message: str, detail: str | None = None
) -> Response:
    data = {"status": status, "title": title, "message": message, "detail": detail}
    return page(request, "error.html", data, status_code=status)


def _inventory_error(request: Request, exc: InventoryError) -> Response:
    if isinstance(exc, NotFound):
        return _error_page(
            request, 404, N_("Page not found"), N_("There is no such system in your inventory."), str(exc)
        )
    if isinstance(exc, Forbidden):
        return _error_page(
            request,
            403,
            N_("Not allowed"),
            N_("Your role in the organisation does not allow this."),
            str(exc),
        )
    if isinstance(exc, Unauthenticated):
        return _signin_redirect(request)
    return _error_page(request, 422, N_("Bad request"), N_("The request could not be handled."), str(exc))


def _csrf_failed(request: Request) -> Response:
    return _error_page(
        request,
        403,
        N_("The form has expired"),
        N_(
            "The form was not sent from this page or your session has changed: go back, reload the page and send it again."
        ),
    )


def _check_csrf(request: Request, form: FormData) -> bool:
    try:
        verify_csrf(request, _form_csrf(form))
    except ApiError:
        return False
    return True


def account(request: Request) -> dict[str, Any] | None:
    """The signed-in member, for the page header (None when nobody is signed in)."""
    actor = current_actor(request)
    if actor is None:
        return None
    session = read_session(request)
    return {
        "email": actor.label,
        "role": actor.role.value,
        "csrf": csrf_token(request, session=session) if session is not None else None,
    }


def _csrf_for_page(request: Request) -> tuple[str, list[str]]:
    """A CSRF token for a form, and the Set-Cookie headers to add to the page (anonymous forms)."""
    scratch = Response()
    token = csrf_token(request, scratch)
    return token, scratch.headers.getlist("set-cookie")


def _with_cookies(response: Response, cookies: list[str]) -> Response:
    for value in cookies:
        response.headers.append("set-cookie", value)
    return response


def _regimes(lang: str) -> list[dict[str, str]]:
    from aidesk.rules.regimes import list_regimes

    return [{"id": r.id, "title": r.title.get(lang) or r.title.get("en", r.id)} for r in list_regimes()]


def _regime(value: object) -> str | None:
    from aidesk.rules.regimes import REGIME_IDS

    if isinstance(value, str) and value in REGIME_IDS:
        return value
    return None


def _system_row(system: Any) -> dict[str, Any]:
    from aidesk.inventory.exchange import system_json

    row = system_json(system)
    row["href"] = f"/inventory/systems/{system.id}"
    return row


# --- sign in, first run, sign out ----------------------------------------------------------------------------


def _signin_page(
    request: Request,
    *,
    next_path: str,
    error: str | None = None,
    detail: str | None = None,
    email: str = "",
    setup_error: str | None = None,
    status_code: int = 200,
) -> Response:
    from aidesk.api.first_run import has_users, setup_token_path

    state = state_of(request)
    first_run = not has_users(state.db)
    token, cookies = _csrf_for_page(request)
    actor = current_actor(request)
    data = {
        "next": next_path,
        "signed_in": actor.label if actor else None,
        "first_run": first_run,
        "error": error,
        "detail": detail,
        "setup_error": setup_error,
    }
    extra = {
        "csrf": token,
        "email": email,
        "setup_token_file": str(setup_token_path(state.settings)) if first_run else "",
    }
    title = gettext(lang_of(request), N_("Sign in"))
    response = page(request, "signin.html", data, status_code=status_code, extra=extra, title=title)
    return _with_cookies(response, cookies)


@router.get("/signin", name="signin")
def signin_form(request: Request, next: str = "") -> Response:
    return _signin_page(request, next_path=_safe_next(next))


@router.post("/signin", name="signin_submit")
async def signin_submit(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    next_path = _safe_next(fields.get("next"))
    email = fields.get("email", "").strip()
    if not _check_csrf(request, form):
        return _signin_page(
            request,
            next_path=next_path,
            email=email,
            error=N_("The form has expired: send it again."),
            status_code=403,
        )
    try:
        result = await run_in_threadpool(
            login, request, email, fields.get("password", ""), fields.get("organisation") or None
        )
    except Unauthenticated:
        return _signin_page(
            request, next_path=next_path, email=email, error=N_("Wrong e-mail or password."), status_code=401
        )
    except InvalidInput as exc:
        return _signin_page(
            request,
            next_path=next_path,
            email=email,
            error=N_("Check the e-mail address and the password."),
            detail=exc.one_line(),
            status_code=422,
        )
    except ApiError as exc:
        message = {
            429: N_("Too many failed sign-ins: wait a few minutes, then try again."),
            403: N_("This account is not a member of that organisation."),
        }.get(exc.status, N_("Say which organisation you sign in to."))
        response = _signin_page(
            request,
            next_path=next_path,
            email=email,
            error=message,
            detail=exc.detail,
            status_code=exc.status,
        )
        if exc.retry_after:
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    redirect = RedirectResponse(next_path, status_code=303)
    start_session(request, redirect, result.user, result.organisation.id)
    return redirect


@router.post("/signin/setup", name="first_run_setup")
async def first_run_setup(request: Request) -> Response:
    """The first run: create the organisation and its first admin with the setup token `aidesk serve`
    printed (like `POST /api/v1/setup`), and sign in."""
    from sqlalchemy import func, select

    from aidesk.api.first_run import check_setup_token, forget_setup_token
    from aidesk.api.security import client_address
    from aidesk.inventory import accounts
    from aidesk.inventory.models import MemberRole, User

    form = await request.form()
    fields = {k: v.strip() if k != "password" else v for k, v in form.items() if isinstance(v, str)}
    if not _check_csrf(request, form):
        return _signin_page(
            request,
            next_path="/inventory",
            setup_error=N_("The form has expired: send it again."),
            status_code=403,
        )
    state = state_of(request)
    if not check_setup_token(state.settings, fields.get("setup_token", "")):
        return _signin_page(
            request,
            next_path="/inventory",
            setup_error=N_(
                "Wrong setup token: copy it from the output of aidesk serve, or from the file named below."
            ),
            status_code=403,
        )
    try:
        with state.db.transaction(write=True) as s:
            if s.scalar(select(func.count()).select_from(User)):
                return _signin_page(
                    request,
                    next_path="/inventory",
                    setup_error=N_("aidesk is already set up: sign in."),
                    status_code=409,
                )
            org = accounts.create_organisation(
                s, fields.get("organisation") or "", source=client_address(request)
            )
            user = accounts.create_user(
                s, fields.get("email", ""), fields.get("password", ""), fields.get("name", "")
            )
            accounts.add_member(s, org, user, MemberRole.admin, actor=None)
            org_id = org.id
    except (InvalidInput, Conflict) as exc:
        return _signin_page(
            request,
            next_path="/inventory",
            setup_error=N_("The organisation, e-mail or password cannot be used."),
            detail=exc.one_line() if isinstance(exc, InvalidInput) else str(exc),
            status_code=422,
        )
    forget_setup_token(state.settings)
    redirect = RedirectResponse("/inventory", status_code=303)
    start_session(request, redirect, user, org_id)
    return redirect


@router.post("/signout", name="signout")
async def signout(request: Request) -> Response:
    from aidesk.api.security import client_address
    from aidesk.inventory import audit

    form = await request.form()
    session = read_session(request)
    if session is not None:
        if not _check_csrf(request, form):
            return _csrf_failed(request)
        with _session(request, write=True) as s:
            audit.record(
                s,
                None,
                "logout",
                "user",
                session.user_id,
                {"via": "web"},
                organisation_id=session.organisation_id,
                source=client_address(request),
            )
    response = RedirectResponse("/", status_code=303)
    end_session(request, response)
    return response


# --- the register --------------------------------------------------------------------------------------------


def _member(request: Request) -> Actor | None:
    return current_actor(request)


async def _signed_in_form(request: Request) -> tuple[Actor, FormData] | Response:
    """A form post by a signed-in member with a valid CSRF token: the member and the form, or the
    response that ends the request (sign-in redirect, or the expired-form page)."""
    actor = _member(request)
    if actor is None:
        return _signin_redirect(request)
    form = await request.form()
    if not _check_csrf(request, form):
        return _csrf_failed(request)
    return actor, form


@router.get("/inventory", name="inventory")
def inventory_page(
    request: Request, risk_class: str = "", role: str = "", tag: str = "", q: str = "", offset: int = 0
) -> Response:
    from aidesk.inventory import calendar, systems
    from aidesk.web.svg import risk_mix

    actor = _member(request)
    if actor is None:
        return _signin_redirect(request)
    lang = lang_of(request)
    risk_class = risk_class if risk_class in labels.RISK_CLASSES or risk_class == "none" else ""
    role = role if role in labels.ROLES else ""
    tag = " ".join(tag.split())[:64]
    q = " ".join(q.split())[:200]
    offset = max(0, min(offset, 10_000_000))
    try:
        with _session(request) as s:
            everything = systems.iter_systems(s, actor)
            flt = systems.SystemFilter(
                risk_class=risk_class if risk_class and risk_class != "none" else None,
                role=role or None,
                tag=tag or None,
                search=q or None,
            )
            if risk_class == "none":
                matching = [x for x in systems.iter_systems(s, actor, flt) if x.risk_class is None]
                total = len(matching)
                shown = sorted(matching, key=lambda x: (x.name, x.id))[offset : offset + PER_PAGE]
            else:
                found = systems.list_systems(s, actor, flt, limit=PER_PAGE, offset=offset)
                total, shown = found.total, found.items
            rows = [_system_row(x) for x in shown]
            mix = Counter(x.risk_class or "" for x in everything)
            tags = sorted({t for x in everything for t in x.tags}, key=str.lower)
            upcoming = calendar.inventory_deadlines(s, actor, since=date.today())[:UPCOMING]
    except InventoryError as exc:
        return _inventory_error(request, exc)
    deadlines = [
        {
            "date": d.date,
            "what": d.what,
            "citations": list(d.citations),
            "system": d.system_name,
            "system_href": f"/inventory/systems/{d.system_id}",
        }
        for d in upcoming
    ]
    class_labels = {c: gettext(lang, label) for c, label in labels.RISK_CLASSES.items()}
    class_labels[""] = gettext(lang, N_("Not assessed yet"))

    def mix_href(cls: str) -> str:
        return "/inventory?" + urlencode({"risk_class": cls or "none"})

    data = {
        "filters": {"risk_class": risk_class, "role": role, "tag": tag, "q": q},
        "total": total,
        "offset": offset,
        "limit": PER_PAGE,
        "systems": rows,
        "risk_mix": {(k or "not_assessed"): v for k, v in sorted(mix.items())},
        "size": len(everything),
        "upcoming_deadlines": deadlines,
        "can_write": actor.can(Permission.write),
    }
    extra = {
        "mix_svg": risk_mix(mix, class_labels, mix_href, lang),
        "class_labels": class_labels,
        "role_labels": labels.ROLES,
        "tags": tags,
        "next_href": url_with(request, offset=str(offset + PER_PAGE)) if offset + PER_PAGE < total else None,
        "prev_href": url_with(request, offset=str(max(0, offset - PER_PAGE))) if offset else None,
        "clear_href": "/inventory",
        "export_query": urlencode(
            {k: v for k, v in (("risk_class", risk_class), ("tag", tag)) if v and v != "none"}
        ),
    }
    title = gettext(lang, N_("Inventory"))
    return page(request, "inventory.html", data, extra=extra, title=title)


def _record_summary(record: Any) -> dict[str, Any]:
    return {
        "id": record.id,
        "regime": record.regime,
        "regime_version": record.regime_version,
        "as_of": record.as_of,
        "risk_class": record.risk_class,
        "actor": record.actor,
        "created_at": record.created_at,
    }


def _grouped(diff: dict[str, Any]) -> dict[str, Any]:
    """The obligations whose date changed, grouped by (old date, new date): one line per move."""
    groups: dict[tuple[Any, Any], list[str]] = {}
    for change in diff["obligations"]["changed"]:
        dates = change["applies_from"]
        groups.setdefault((dates["from"], dates["to"]), []).append(f"{change['id']} ({change['role']})")
    diff["obligations"]["changed_by_date"] = [
        {"from": old, "to": new, "obligations": items} for (old, new), items in groups.items()
    ]
    return diff


def _result_href(record: Any) -> str:
    from aidesk.web.assess import encode_profile

    query = {"p": encode_profile(record.profile), "as_of": record.as_of.isoformat()}
    if record.regime != DEFAULT_REGIME:
        query["regime"] = record.regime
    return "/assess/result?" + urlencode(query)


@router.get("/inventory/systems/{system_id}", name="inventory_system")
def system_page(request: Request, system_id: int, compare_from: int = 0, compare_to: int = 0) -> Response:
    from aidesk.inventory import assessments, systems
    from aidesk.rules.profile import ProfileError, profile_from_data
    from aidesk.web.documents import document_links

    actor = _member(request)
    if actor is None:
        return _signin_redirect(request)
    lang = lang_of(request)
    try:
        with _session(request) as s:
            system = systems.get_system(s, actor, system_id)
            records = list(assessments.history(s, actor, system_id))
            row = _system_row(system)
            history = []
            for i, record in enumerate(records):
                previous = records[i + 1] if i + 1 < len(records) else None
                diff = assessments.diff_results(
                    previous.result if previous else None,
                    record.result,
                    system_id=system.id,
                    system_name=system.name,
                    old_record_id=previous.id if previous else None,
                    new_record_id=record.id,
                ).to_json()
                _grouped(diff)
                history.append(
                    {
                        **_record_summary(record),
                        "result_href": _result_href(record),
                        "diff": diff if previous else None,
                    }
                )
            chosen = None
            if compare_from and compare_to:
                chosen = _grouped(assessments.diff_records(s, actor, compare_from, compare_to).to_json())
            latest = records[0] if records else None
            latest_result = dict(latest.result) if latest else None
            meta_args = {
                "reference": f"aidesk-{system.id}",
                "owner": system.owner,
                "status": system.status,
            }
    except InventoryError as exc:
        return _inventory_error(request, exc)
    docs: list[dict[str, Any]] = []
    if latest is not None and latest_result is not None:
        try:
            from aidesk.rules import assess

            profile = profile_from_data(latest.profile)
            assessment = assess(profile, latest.regime, latest.as_of, lang)

            def href(kind: str, fmt: str) -> str:
                return f"/inventory/systems/{system_id}/documents/{kind}.{fmt}"

            docs = document_links(profile, assessment, lang, href)
        except (ProfileError, ValueError):
            docs = []
    token = None
    session = read_session(request)
    if session is not None:
        token = csrf_token(request, session=session)
    data = {
        "system": row,
        "history": history,
        "latest": latest_result,
        "compare": chosen,
        "documents": docs,
        "can_write": actor.can(Permission.write),
        "meta": meta_args,
    }
    extra = {
        "csrf": token,
        "regimes": _regimes(lang),
        "class_labels": labels.RISK_CLASSES,
        "role_labels": labels.ROLES,
        "kind_label": labels.KINDS.get(row["kind"], row["kind"]),
    }
    return page(request, "inventory_system.html", data, extra=extra, title=row["name"])


@router.get("/inventory/systems/{system_id}/documents/{name}", name="inventory_document")
def system_document(request: Request, system_id: int, name: str) -> Response:
    from aidesk.documents import DocumentMeta
    from aidesk.inventory import assessments, systems
    from aidesk.rules.profile import profile_from_data
    from aidesk.web.documents import download

    actor = _member(request)
    if actor is None:
        return _signin_redirect(request)
    kind, _, fmt = name.rpartition(".")
    try:
        with _session(request) as s:
            system = systems.get_system(s, actor, system_id)
            record = assessments.latest_record(s, actor, system_id)
            profile_data = dict(record.profile if record else system.profile)
            regime = record.regime if record else DEFAULT_REGIME
            as_of = record.as_of if record else None
            meta = DocumentMeta(reference=f"aidesk-{system.id}", owner=system.owner, status=system.status)
    except InventoryError as exc:
        return _inventory_error(request, exc)
    return download(
        request, profile_from_data(profile_data), kind or name, fmt, regime=regime, as_of=as_of, meta=meta
    )


@router.post("/inventory/systems/{system_id}/assess", name="inventory_system_assess")
async def system_assess(request: Request, system_id: int) -> Response:
    from aidesk.inventory import assessments

    signed = await _signed_in_form(request)
    if isinstance(signed, Response):
        return signed
    actor, form = signed
    regime = _regime(form.get("regime"))
    try:
        with _session(request, write=True) as s:
            assessments.assess_system(s, actor, system_id, regime=regime)
    except InventoryError as exc:
        return _inventory_error(request, exc)
    return RedirectResponse(f"/inventory/systems/{system_id}#history-h", status_code=303)


# --- save a result to the inventory --------------------------------------------------------------------------


@router.post("/inventory/save", name="inventory_save")
async def save_result(request: Request) -> Response:
    """From a result page: add the system (its profile) to the register and keep the assessment record.
    A system of that name already in the register gets the new profile and a new record only when the
    form says so (`update`)."""
    from aidesk.inventory import assessments, systems
    from aidesk.rules.profile import ProfileError, profile_from_data
    from aidesk.web.assess import FormProblem, _as_of, decode_profile
    from aidesk.web.assess import _regime as regime_of

    signed = await _signed_in_form(request)
    if isinstance(signed, Response):
        return signed
    actor, form = signed
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        regime = regime_of(fields.get("regime", ""))
        as_of = _as_of(fields.get("as_of", ""))
        profile = profile_from_data(decode_profile(fields.get("p", "")))
    except (FormProblem, ProfileError) as exc:
        return _error_page(
            request,
            422,
            N_("Bad request"),
            N_("Some parameters of this request are not valid."),
            "; ".join(str(x) for x in getattr(exc, "problems", [])),
        )
    from aidesk.web.assess import profile_data

    data = profile_data(profile)
    tags = [t for t in (x.strip() for x in fields.get("tags", "").split(",")) if t]
    owner = fields.get("owner", "").strip() or None
    update = fields.get("update") == "1"
    result = assessments.rules_assessor(data, regime=regime, as_of=as_of)
    try:
        with _session(request, write=True) as s:
            try:
                existing = systems.get_system_by_name(s, actor, str(data["name"]))
            except NotFound:
                existing = None
            if existing is not None and not update:
                raise Conflict(str(data["name"]))
            if existing is not None:
                system = systems.update_system(
                    s, actor, existing.id, profile=data, tags=[*existing.tags, *tags] if tags else None
                )
            else:
                system = systems.create_system(
                    s, actor, data, owner=owner, tags=tags, audit_details={"via": "web"}
                )
            assessments.store_record(s, actor, system, result)
            system_id = system.id
    except Conflict:
        with _session(request) as s:
            existing = systems.get_system_by_name(s, actor, str(data["name"]))
            other = {"id": existing.id, "name": existing.name, "href": f"/inventory/systems/{existing.id}"}
        session = read_session(request)
        extra = {
            "csrf": csrf_token(request, session=session) if session else None,
            "fields": {k: fields.get(k, "") for k in ("p", "regime", "as_of", "tags", "owner")},
        }
        body = {"saved": False, "conflict": other}
        title = gettext(lang_of(request), N_("Save to inventory"))
        return page(request, "inventory_save.html", body, status_code=409, extra=extra, title=title)
    except InventoryError as exc:
        return _inventory_error(request, exc)
    if wants_json(request):
        return json_response(
            {"saved": True, "system_id": system_id, "href": f"/inventory/systems/{system_id}"}, 201
        )
    return RedirectResponse(f"/inventory/systems/{system_id}", status_code=303)


# --- import, export, re-assessment ------------------------------------------------------------------------------


def _import_page(
    request: Request,
    *,
    problems: list[dict[str, Any]] | None = None,
    report: dict[str, Any] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    lang = lang_of(request)
    session = read_session(request)
    data = {"problems": problems or [], "report": report, "error": error}
    extra = {
        "csrf": csrf_token(request, session=session) if session else None,
        "regimes": _regimes(lang),
        "default_regime": DEFAULT_REGIME,
    }
    title = gettext(lang, N_("Import systems"))
    return page(request, "inventory_import.html", data, status_code=status_code, extra=extra, title=title)


@router.get("/inventory/import", name="inventory_import")
def import_form(request: Request) -> Response:
    if _member(request) is None:
        return _signin_redirect(request)
    return _import_page(request)


@router.post("/inventory/import", name="inventory_import_submit")
async def import_submit(request: Request) -> Response:
    from starlette.concurrency import run_in_threadpool

    from aidesk.inventory import assessments, exchange

    signed = await _signed_in_form(request)
    if isinstance(signed, Response):
        return signed
    actor, form = signed
    limit = state_of(request).config.max_import_bytes
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _import_page(request, error=N_("Choose a file to import."), status_code=422)
    raw = await upload.read(limit + 1)
    if len(raw) > limit:
        return _import_page(request, error=N_("The file is too large."), status_code=413)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _import_page(
            request, error=N_("The file is not UTF-8 text (JSON, YAML or CSV)."), status_code=422
        )
    filename = upload.filename
    fmt = exchange.format_of(filename)
    update = form.get("update") == "1"
    assess = form.get("assess") == "1"
    regime = _regime(form.get("regime"))

    def run() -> dict[str, Any]:
        items = exchange.read_items(text, fmt, source=filename)
        with _session(request, write=True) as s:
            report = exchange.import_systems(
                s,
                actor,
                items,
                update_existing=update,
                assessor=assessments.rules_assessor if assess else None,
                regime=regime,
                source=filename,
            )
        return {**report.to_json(), "system_ids": [*report.created, *report.updated]}

    try:
        report = await run_in_threadpool(run)
    except InvalidInput as exc:
        problems = [{"item": p.item, "field": p.field, "message": p.message} for p in exc.problems]
        return _import_page(request, problems=problems, status_code=422)
    except InventoryError as exc:
        return _inventory_error(request, exc)
    return _import_page(request, report=report)


@router.get("/inventory/export.{fmt}", name="inventory_export")
def export(request: Request, fmt: str, risk_class: str = "", tag: str = "") -> Response:
    from aidesk.inventory import exchange, systems

    actor = _member(request)
    if actor is None:
        return _signin_redirect(request)
    if fmt not in ("json", "csv"):
        return _error_page(request, 404, N_("Page not found"), N_("There is no page at this address."))
    flt = systems.SystemFilter(
        risk_class=risk_class if risk_class in labels.RISK_CLASSES else None, tag=tag.strip() or None
    )
    try:
        with _session(request) as s:
            body = exchange.export_csv(s, actor, flt) if fmt == "csv" else exchange.export_json(s, actor, flt)
    except InventoryError as exc:
        return _inventory_error(request, exc)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/json"
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="aidesk-inventory.{fmt}"'},
    )


@router.get("/inventory/reassess", name="inventory_reassess")
def reassess_form(request: Request) -> Response:
    actor = _member(request)
    if actor is None:
        return _signin_redirect(request)
    return _reassess_page(request, None)


def _reassess_page(request: Request, report: dict[str, Any] | None, status_code: int = 200) -> Response:
    lang = lang_of(request)
    session = read_session(request)
    if report is not None:
        for r in report["results"]:
            r["href"] = f"/inventory/systems/{r['system_id']}"
    data = {"report": report, "default_regime": DEFAULT_REGIME}
    extra = {
        "csrf": csrf_token(request, session=session) if session else None,
        "regimes": _regimes(lang),
        "class_labels": labels.RISK_CLASSES,
    }
    title = gettext(lang, N_("Re-assess the inventory"))
    return page(request, "inventory_reassess.html", data, status_code=status_code, extra=extra, title=title)


@router.post("/inventory/reassess", name="inventory_reassess_submit")
async def reassess_submit(request: Request) -> Response:
    from aidesk.inventory import reassess

    signed = await _signed_in_form(request)
    if isinstance(signed, Response):
        return signed
    actor, form = signed
    regime = _regime(form.get("regime"))
    try:
        with _session(request, write=True) as s:
            report = reassess.reassess_all(s, actor, regime=regime)
            out = report.to_json()
    except InventoryError as exc:
        return _inventory_error(request, exc)
    return _reassess_page(request, out)


# --- the calendar feed -------------------------------------------------------------------------------------------


def _calendar_page(request: Request, new_token: str | None = None) -> Response:
    lang = lang_of(request)
    session = read_session(request)
    base = str(request.base_url).rstrip("/")
    data = {
        "feed": "/inventory/deadlines.ics",
        "api_feed": "/api/v1/deadlines.ics",
        "subscription_url": f"{base}/inventory/deadlines.ics?token={quote(new_token)}" if new_token else None,
    }
    extra = {
        "csrf": csrf_token(request, session=session) if session else None,
        "token": new_token,
        "base": base,
    }
    title = gettext(lang, N_("Calendar of the deadlines"))
    return page(request, "inventory_calendar.html", data, extra=extra, title=title)


@router.get("/inventory/calendar", name="inventory_calendar")
def calendar_page(request: Request) -> Response:
    if _member(request) is None:
        return _signin_redirect(request)
    return _calendar_page(request)


@router.post("/inventory/calendar", name="inventory_calendar_token")
async def calendar_token(request: Request) -> Response:
    """A read-only API token for a calendar application, shown once in the subscription address."""
    from aidesk.inventory import tokens

    signed = await _signed_in_form(request)
    if isinstance(signed, Response):
        return signed
    actor, _ = signed
    try:
        with _session(request, write=True) as s:
            created = tokens.create_token(s, actor, CALENDAR_TOKEN_NAME, ["read"])
            secret = created.secret
    except InventoryError as exc:
        return _inventory_error(request, exc)
    response = _calendar_page(request, secret)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/inventory/deadlines.ics", name="inventory_deadlines_ics")
def deadlines_feed(request: Request, token: str = "") -> Response:
    """The register's deadlines as iCalendar, for calendar applications: they cannot send an
    `Authorization` header, so the (read-only) token is in the address; a browser signed in needs none."""
    from aidesk.api.security import client_address
    from aidesk.inventory import calendar
    from aidesk.inventory.tokens import authenticate_token

    actor: Actor | None
    if token:
        try:
            with _session(request, write=True) as s:
                actor = authenticate_token(s, token, source=client_address(request))
        except Unauthenticated:
            actor = None
    else:
        actor = _member(request)
    if actor is None:
        return Response(
            "sign in, or add ?token=<a read-only API token>\n", status_code=401, media_type="text/plain"
        )
    try:
        with _session(request) as s:
            body = calendar.deadlines_ics(s, actor)
    except InventoryError:
        return Response("this token cannot read the inventory\n", status_code=403, media_type="text/plain")
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'inline; filename="deadlines.ics"',
            "Cache-Control": "private, max-age=300",
        },
    )
