"""Logging in and out (session cookies for the web desk), who am I, CSRF tokens, API tokens, members
and roles, the audit log, and the first-run setup."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from aidesk.api.body import media_type, read_document
from aidesk.api.models import (
    AuditEventOut,
    CsrfOut,
    LoginIn,
    MemberOut,
    MeOut,
    NewTokenOut,
    ObjectId,
    RoleIn,
    SetupIn,
    TokenIn,
    TokenOut,
)
from aidesk.api.problems import ApiError, FieldProblem, field_path, one_line, problem_responses
from aidesk.api.security import (
    CSRF_FIELD,
    CurrentActor,
    CurrentCaller,
    client_address,
    csrf_token,
    end_session,
    login,
    read_session,
    start_session,
    verify_csrf,
)
from aidesk.api.state import state_of
from aidesk.inventory import accounts, audit, tokens
from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.models import ApiToken, MemberRole, Organisation, User

router = APIRouter()


def _safe_next(target: str | None) -> str:
    if not target:
        return "/"
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
    ):
        return "/"
    return target


def _me(request: Request, actor: Actor, via: str, response: Response | None = None) -> dict[str, Any]:
    with state_of(request).db.transaction(write=False) as s:
        user = s.get(User, actor.user_id)
        org = s.get(Organisation, actor.organisation_id)
        assert user is not None and org is not None
        me = {
            "user": {"id": user.id, "email": user.email, "name": user.name},
            "organisation": {"id": org.id, "slug": org.slug, "name": org.name},
        }
    return {
        **me,
        "role": actor.role.value,
        "permissions": sorted(p.value for p in actor.permissions),
        "via": via,
        "csrf_token": None,
    }


@router.post(
    "/auth/login",
    tags=["auth"],
    summary="Log in (session cookie)",
    response_model=MeOut,
    responses={
        303: {"description": "Form posts: redirect to `next` (a path on this site)"},
        **problem_responses(401, 403, 413, 415, 422, 429),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/LoginIn"}},
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "required": ["email", "password", CSRF_FIELD],
                        "properties": {
                            "email": {"type": "string"},
                            "password": {"type": "string"},
                            "organisation": {"type": "string"},
                            CSRF_FIELD: {"type": "string"},
                            "next": {"type": "string"},
                        },
                    }
                },
            },
        }
    },
)
async def login_route(request: Request, response: Response) -> Any:
    """Check the e-mail and password and set the `aidesk_session` cookie (HttpOnly, SameSite=Lax,
    Secure over HTTPS). JSON answers who you are and the CSRF token for later changes; a web form (with
    its `csrf_token` field) is redirected to `next`. Failed logins are rate-limited (429)."""
    from starlette.concurrency import run_in_threadpool

    kind = media_type(request)
    next_path: str | None = None
    data: Any
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        verify_csrf(request, fields.get(CSRF_FIELD))
        next_path = _safe_next(fields.get("next"))
        data = {k: fields[k] for k in ("email", "password", "organisation") if fields.get(k)}
    elif kind == "application/json" or not kind:
        data = await read_document(request, state_of(request).config.max_body_bytes)
    else:
        raise ApiError(415, "send JSON (application/json) or a form (application/x-www-form-urlencoded)")
    try:
        body = LoginIn.model_validate(data)
    except ValidationError as exc:
        errors = [
            FieldProblem(field=field_path(e["loc"]), message=e["msg"]) for e in exc.errors(include_url=False)
        ]
        raise ApiError(422, one_line(errors), errors=errors) from None
    result = await run_in_threadpool(login, request, body.email, body.password, body.organisation)
    if next_path is not None:
        redirect = RedirectResponse(next_path, status_code=303)
        start_session(request, redirect, result.user, result.organisation.id)
        return redirect
    session = start_session(request, response, result.user, result.organisation.id)
    out = _me(request, result.actor, "session")
    out["csrf_token"] = csrf_token(request, session=session)
    return MeOut.model_validate(out)


@router.post(
    "/auth/logout",
    tags=["auth"],
    summary="Log out",
    status_code=204,
    response_class=Response,
    responses=problem_responses(403),
)
def logout(request: Request) -> Response:
    """Delete the session cookie. Needs the CSRF token (X-CSRF-Token) when a session is open."""
    response = Response(status_code=204)
    session = read_session(request)
    if session is not None:
        verify_csrf(request, request.headers.get("X-CSRF-Token"))
        with state_of(request).db.transaction() as s:
            audit.record(
                s,
                None,
                "logout",
                "user",
                session.user_id,
                {},
                organisation_id=session.organisation_id,
                source=client_address(request),
            )
    end_session(request, response)
    return response


@router.get(
    "/auth/me", tags=["auth"], summary="Who am I", response_model=MeOut, responses=problem_responses(401)
)
def me(request: Request, caller: CurrentCaller) -> dict[str, Any]:
    """The member the request acts as, its role and permissions; with a session, the CSRF token."""
    out = _me(request, caller.actor, caller.via)
    if caller.session is not None:
        out["csrf_token"] = csrf_token(request, session=caller.session)
    return out


@router.get("/auth/csrf", tags=["auth"], summary="A CSRF token", response_model=CsrfOut)
def csrf(request: Request, response: Response) -> CsrfOut:
    """The token to send with changes (X-CSRF-Token header, or `csrf_token` form field). Without a
    session it is bound to an `aidesk_csrf` cookie set here (for the login form)."""
    return CsrfOut(csrf_token=csrf_token(request, response))


# --- first run ----------------------------------------------------------------------------------------


@router.get("/setup", tags=["auth"], summary="Is the first-run setup needed?")
def setup_needed(request: Request) -> dict[str, bool]:
    from aidesk.api.first_run import has_users

    return {"needed": not has_users(state_of(request).db)}


@router.post(
    "/setup",
    tags=["auth"],
    summary="Create the first admin (first run)",
    status_code=201,
    response_model=MeOut,
    responses=problem_responses(403, 409, 422),
)
def setup(request: Request, response: Response, body: SetupIn) -> MeOut:
    """Only on a database without users, with the setup token that `aidesk serve` printed: create
    the organisation and its admin, and log in."""
    from sqlalchemy import func, select

    from aidesk.api.first_run import check_setup_token, forget_setup_token

    state = state_of(request)
    if not check_setup_token(state.settings, body.setup_token):
        raise ApiError(
            403,
            "wrong or expired setup token (see the output of `aidesk serve`), or use `aidesk users create`",
        )
    with state.db.transaction() as s:
        if s.scalar(select(func.count()).select_from(User)):
            raise ApiError(409, "aidesk is already set up: log in, or ask an admin for an account")
        org = accounts.create_organisation(s, body.organisation, source=client_address(request))
        user = accounts.create_user(s, body.email, body.password, body.name)
        accounts.add_member(s, org, user, MemberRole.admin, actor=None)
        actor = accounts.actor_for(s, user, org, source=client_address(request))
    forget_setup_token(state.settings)
    session = start_session(request, response, user, org.id)
    out = _me(request, actor, "session")
    out["csrf_token"] = csrf_token(request, session=session)
    return MeOut.model_validate(out)


# --- API tokens ---------------------------------------------------------------------------------------


def _token_out(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "user_id": token.user_id,
        "created_at": token.created_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
        "last_used_at": token.last_used_at,
    }


@router.get(
    "/tokens",
    tags=["tokens"],
    summary="API tokens",
    response_model=list[TokenOut],
    responses=problem_responses(401),
)
def list_tokens(request: Request, actor: CurrentActor) -> list[dict[str, Any]]:
    """Your tokens (admins: everyone's in the organisation). Never the tokens themselves."""
    with state_of(request).db.transaction(write=False) as s:
        return [_token_out(t) for t in tokens.list_tokens(s, actor)]


@router.post(
    "/tokens",
    tags=["tokens"],
    summary="Create an API token",
    status_code=201,
    response_model=NewTokenOut,
    responses=problem_responses(401, 403, 422),
)
def create_token(request: Request, actor: CurrentActor, body: TokenIn) -> dict[str, Any]:
    """A token acting as you, with at most your permissions. The response shows it once."""
    with state_of(request).db.transaction() as s:
        new = tokens.create_token(s, actor, body.name, body.scopes, expires_at=body.expires_at)
        return {**_token_out(new.token), "token": new.secret}


@router.delete(
    "/tokens/{token_id}",
    tags=["tokens"],
    summary="Revoke an API token",
    response_model=TokenOut,
    responses=problem_responses(401, 404, 422),
)
def revoke_token(request: Request, actor: CurrentActor, token_id: ObjectId) -> dict[str, Any]:
    with state_of(request).db.transaction() as s:
        return _token_out(tokens.revoke_token(s, actor, token_id))


# --- members and the audit log ------------------------------------------------------------------------


@router.get(
    "/members",
    tags=["members"],
    summary="The organisation's members",
    response_model=list[MemberOut],
    responses=problem_responses(401, 403),
)
def list_members(request: Request, actor: CurrentActor) -> list[dict[str, Any]]:
    with state_of(request).db.transaction(write=False) as s:
        return [
            {"user_id": m.user_id, "email": m.email, "name": m.name, "role": m.role}
            for m in accounts.list_members(s, actor)
        ]


@router.patch(
    "/members/{user_id}",
    tags=["members"],
    summary="Change a member's role (admin)",
    response_model=MemberOut,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def set_role(request: Request, actor: CurrentActor, user_id: ObjectId, body: RoleIn) -> dict[str, Any]:
    with state_of(request).db.transaction() as s:
        membership = accounts.set_role(s, actor, user_id, body.role)
        user = s.get(User, membership.user_id)
        assert user is not None
        return {"user_id": user.id, "email": user.email, "name": user.name, "role": membership.role}


@router.delete(
    "/members/{user_id}",
    tags=["members"],
    summary="Remove a member (admin)",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404, 409, 422),
)
def remove_member(request: Request, actor: CurrentActor, user_id: ObjectId) -> Response:
    with state_of(request).db.transaction() as s:
        accounts.remove_member(s, actor, user_id)
    return Response(status_code=204)


@router.get(
    "/audit",
    tags=["members"],
    summary="The audit log (admin)",
    response_model=list[AuditEventOut],
    responses=problem_responses(401, 403, 422),
)
def audit_log(
    request: Request,
    actor: CurrentActor,
    action: Annotated[str | None, Query(max_length=64, description="e.g. system.update, login")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Who did what, when, from where: newest first."""
    actor.require(Permission.admin)
    with state_of(request).db.transaction(write=False) as s:
        return [
            {
                "id": e.id,
                "actor": e.actor,
                "action": e.action,
                "object_type": e.object_type,
                "object_id": e.object_id,
                "source": e.source,
                "details": e.details,
                "created_at": e.created_at,
            }
            for e in audit.list_events(s, actor, limit=limit, offset=offset, action=action)
        ]
