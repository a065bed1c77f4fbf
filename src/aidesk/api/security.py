"""Who is calling: API tokens, session cookies, CSRF tokens and the login rate limit.

- **API tokens** (`Authorization: Bearer aidk_…`): checked by digest (`aidesk.inventory.tokens`).
- **Session cookies** (the web desk): `aidesk_session` holds a signed (HMAC-SHA256) record of the user,
  the organisation, an expiry and a fingerprint of the password hash; it is `HttpOnly`, `SameSite=Lax`,
  and `Secure` when the request came over HTTPS (setting `AIDESK_COOKIE_SECURE`). Nothing is kept per
  worker: any worker or machine with the same key (`AIDESK_SECRET_KEY`) reads it. Every request
  re-reads the user and the membership, so disabling a user, removing a member or changing a role or
  password takes effect at once (a password change ends every session of that user). Logging out
  deletes the cookie in the browser; a copied cookie stays valid until it expires
  (`AIDESK_SESSION_HOURS`) unless the password changes.
- **CSRF** (synchronizer token): a request that changes something and is authenticated by the session
  cookie must carry the CSRF token, in the `X-CSRF-Token` header (API calls) or in a `csrf_token` form
  field (web forms; see `csrf_token()` and `verify_csrf()`). The token is an HMAC of the session's id,
  so it cannot be forged without the key and dies with the session. Before login, the token is bound to
  a random `aidesk_csrf` cookie instead (login forms are protected too). Bearer-token requests carry no
  ambient credentials and need no CSRF token.
- **Login rate limit**: failed logins are audit events (`login.failed`, with the client address and the
  e-mail), in the database; so the limit holds across workers and machines. More than
  `AIDESK_LOGIN_MAX_FAILURES` failures for one client address and e-mail (or
  `AIDESK_LOGIN_MAX_FAILURES_PER_IP` for one address) within `AIDESK_LOGIN_WINDOW_MINUTES` answer 429
  with `Retry-After`, without checking the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import func, select

from aidesk.api.problems import ApiError, FieldProblem
from aidesk.api.state import ApiState, state_of
from aidesk.inventory.actor import Actor
from aidesk.inventory.errors import InvalidInput, Unauthenticated
from aidesk.inventory.models import AuditEvent, MemberRole, Membership, Organisation, User, utcnow

SESSION_COOKIE = "aidesk_session"
CSRF_COOKIE = "aidesk_csrf"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="An API token: `aidesk tokens create --as EMAIL --name NAME --scope read`, or POST /api/v1/tokens.",
)
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    scheme_name="session",
    description="The web desk's session cookie (POST /api/v1/auth/login). Changes need the X-CSRF-Token header.",
)


# --- signing ---------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(key: bytes, purpose: str, data: bytes) -> bytes:
    return hmac.new(key, purpose.encode("ascii") + b"|" + data, hashlib.sha256).digest()


def sign(key: bytes, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return _b64(body) + "." + _b64(_mac(key, "session", body))


def unsign(key: bytes, value: str) -> dict[str, Any] | None:
    """The payload, if `value` was signed with `key` and is well-formed; else None."""
    if len(value) > 4096 or value.count(".") != 1:
        return None
    head, mac = value.split(".")
    try:
        body, given = _unb64(head), _unb64(mac)
    except (ValueError, TypeError):
        return None
    if not hmac.compare_digest(given, _mac(key, "session", body)):
        return None
    try:
        payload = json.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def password_fingerprint(key: bytes, password_hash: str | None) -> str:
    return _b64(_mac(key, "password", (password_hash or "").encode("utf-8")))[:22]


# --- sessions --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionData:
    sid: str
    user_id: int
    organisation_id: int
    expires: int  # Unix time
    fingerprint: str

    def payload(self) -> dict[str, Any]:
        return {
            "v": 1,
            "sid": self.sid,
            "uid": self.user_id,
            "oid": self.organisation_id,
            "exp": self.expires,
            "pwh": self.fingerprint,
        }


def read_session(request: Request) -> SessionData | None:
    """The session the cookie carries, if its signature is good and it has not expired."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    payload = unsign(state_of(request).key, raw)
    if payload is None or payload.get("v") != 1:
        return None
    try:
        data = SessionData(
            sid=str(payload["sid"]),
            user_id=int(payload["uid"]),
            organisation_id=int(payload["oid"]),
            expires=int(payload["exp"]),
            fingerprint=str(payload["pwh"]),
        )
    except (KeyError, TypeError, ValueError):
        return None
    return data if data.expires > time.time() else None


def _secure(request: Request, state: ApiState) -> bool:
    if state.config.cookie_secure == "auto":
        return request.url.scheme == "https"
    return state.config.cookie_secure == "true"


def start_session(request: Request, response: Response, user: User, organisation_id: int) -> SessionData:
    """Set the session cookie for `user` in `organisation_id` on `response` (after a successful login)."""
    state = state_of(request)
    lifetime = state.config.session_hours * 3600
    session = SessionData(
        sid=secrets.token_urlsafe(18),
        user_id=user.id,
        organisation_id=organisation_id,
        expires=int(time.time()) + lifetime,
        fingerprint=password_fingerprint(state.key, user.password_hash),
    )
    response.set_cookie(
        SESSION_COOKIE,
        sign(state.key, session.payload()),
        max_age=lifetime,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_secure(request, state),
    )
    return session


def end_session(request: Request, response: Response) -> None:
    state = state_of(request)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=_secure(request, state)
    )


# --- CSRF ------------------------------------------------------------------------------------------


def _csrf_for(key: bytes, kind: str, value: str) -> str:
    return _b64(_mac(key, f"csrf-{kind}", value.encode("utf-8")))


def csrf_token(request: Request, response: Response | None = None, session: SessionData | None = None) -> str:
    """The CSRF token to put in a form (`<input type="hidden" name="csrf_token" value="…">`) or in
    the `X-CSRF-Token` header. Without a session, it is bound to the `aidesk_csrf` cookie, set on
    `response` when the browser has none yet (pass the response that renders the form)."""
    state = state_of(request)
    session = session or read_session(request)
    if session is not None:
        return _csrf_for(state.key, "session", session.sid)
    anon = request.cookies.get(CSRF_COOKIE, "")
    if not (20 <= len(anon) <= 64):
        anon = secrets.token_urlsafe(24)
        if response is None:
            raise RuntimeError("csrf_token() needs the response to set the aidesk_csrf cookie on")
        response.set_cookie(
            CSRF_COOKIE, anon, path="/", httponly=True, samesite="lax", secure=_secure(request, state)
        )
        request.cookies[CSRF_COOKIE] = anon  # later calls in this request give the same token
    return _csrf_for(state.key, "anonymous", anon)


def verify_csrf(request: Request, submitted: str | None) -> None:
    """Raise a 403 problem unless `submitted` is this browser's CSRF token."""
    state = state_of(request)
    session = read_session(request)
    expected: list[str] = []
    if session is not None:
        expected.append(_csrf_for(state.key, "session", session.sid))
    anon = request.cookies.get(CSRF_COOKIE, "")
    if anon:
        expected.append(_csrf_for(state.key, "anonymous", anon))
    given = (submitted or "").strip()
    if not given or not any(hmac.compare_digest(given.encode(), e.encode()) for e in expected):
        raise ApiError(
            403,
            f"missing or wrong CSRF token: send it in the {CSRF_HEADER} header or the {CSRF_FIELD} form field "
            "(GET /api/v1/auth/csrf gives it)",
        )


async def verify_csrf_form(request: Request) -> None:
    """For web form posts: check the `csrf_token` field of the submitted form (or the header)."""
    submitted = request.headers.get(CSRF_HEADER)
    if not submitted:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    verify_csrf(request, submitted)


# --- the caller ------------------------------------------------------------------------------------


def client_address(request: Request) -> str:
    """The client's address as uvicorn sees it (behind a trusted proxy: from X-Forwarded-For)."""
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True, slots=True)
class Caller:
    actor: Actor
    via: str  # "token" or "session"
    session: SessionData | None = None


def _session_actor(request: Request, session: SessionData) -> Actor | None:
    state = state_of(request)
    with state.db.transaction(write=False) as s:
        row = s.execute(
            select(User, Membership.role)
            .join(Membership, Membership.user_id == User.id)
            .where(User.id == session.user_id, Membership.organisation_id == session.organisation_id)
        ).first()
    if row is None:
        return None
    user, role = row[0], row[1]
    fingerprint = password_fingerprint(state.key, user.password_hash)
    if not user.is_active or not hmac.compare_digest(fingerprint, session.fingerprint):
        return None
    return Actor(
        organisation_id=session.organisation_id,
        role=MemberRole(role),
        user_id=user.id,
        label=user.email,
        source=client_address(request),
    )


def resolve_caller(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Caller | None:
    """The caller, from a Bearer token (preferred) or the session cookie; None when neither is sent.
    A token or cookie that is sent but not valid is a 401."""
    if credentials is not None:
        if credentials.scheme.lower() != "bearer" or not credentials.credentials.strip():
            raise Unauthenticated("send an API token: Authorization: Bearer aidk_…")
        from aidesk.inventory.tokens import authenticate_token

        with state_of(request).db.transaction() as s:
            actor = authenticate_token(s, credentials.credentials, source=client_address(request))
        return Caller(actor=actor, via="token")
    if SESSION_COOKIE not in request.cookies:
        return None
    session = read_session(request)
    member = _session_actor(request, session) if session is not None else None
    if member is None:
        raise Unauthenticated("your session has expired or ended; log in again")
    if request.method not in SAFE_METHODS:
        verify_csrf(request, request.headers.get(CSRF_HEADER))
    return Caller(actor=member, via="session", session=session)


def _caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    _cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Caller:
    caller = resolve_caller(request, credentials)
    if caller is None:
        raise Unauthenticated(
            "log in (POST /api/v1/auth/login) or send an API token: Authorization: Bearer aidk_…"
        )
    return caller


def _actor(caller: Annotated[Caller, Depends(_caller)]) -> Actor:
    return caller.actor


def _public_or_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    _cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Caller | None:
    """Public endpoints: anyone, unless `AIDESK_PUBLIC_ENDPOINTS=false` (then a token or session)."""
    if state_of(request).config.public_endpoints:
        return None
    return _caller(request, credentials, _cookie)


CurrentCaller = Annotated[Caller, Depends(_caller)]
CurrentActor = Annotated[Actor, Depends(_actor)]
PublicAccess = Depends(_public_or_caller)


def current_actor(request: Request) -> Actor | None:
    """For web pages: the logged-in member (session cookie or token), or None. Never raises for a
    missing or stale session; CSRF is not checked here (use `verify_csrf_form` for form posts)."""
    try:
        if SESSION_COOKIE not in request.cookies and "authorization" not in request.headers:
            return None
        auth = request.headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        if token:
            creds = HTTPAuthorizationCredentials(scheme=scheme, credentials=token)
            caller = resolve_caller(request, creds)
            return caller.actor if caller else None
        session = read_session(request)
        return _session_actor(request, session) if session else None
    except (Unauthenticated, ApiError):
        return None


# --- login -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Login:
    user: User
    organisation: Organisation
    role: MemberRole
    actor: Actor


def _login_label(email: str) -> str:
    from aidesk.inventory.accounts import normalise_email

    try:
        return normalise_email(email)
    except InvalidInput:
        return "unknown"


def check_login_rate(request: Request, email: str) -> None:
    """429 when this client address (and e-mail) failed too often in the window."""
    state = state_of(request)
    config = state.config
    window = timedelta(minutes=config.login_window_minutes)
    now = utcnow()
    ip = client_address(request)
    base = (
        select(func.count(), func.min(AuditEvent.created_at))
        .select_from(AuditEvent)
        .where(
            AuditEvent.organisation_id.is_(None),
            AuditEvent.action == "login.failed",
            AuditEvent.created_at >= now - window,
            AuditEvent.source == ip,
        )
    )
    with state.db.transaction(write=False) as s:
        per_user = s.execute(base.where(AuditEvent.actor == _login_label(email))).one()
        per_ip = s.execute(base).one()
    for (count, oldest), limit in (
        (per_user, config.login_max_failures),
        (per_ip, config.login_max_failures_per_ip),
    ):
        if count >= limit and oldest is not None:
            wait = max(1, int((oldest + window - now).total_seconds()) + 1)
            raise ApiError(
                429,
                f"too many failed logins from {ip}; try again in {wait} seconds",
                retry_after=wait,
            )


def login(request: Request, email: str, password: str, organisation: str | None = None) -> Login:
    """Check the rate limit and the password; the member's actor in the organisation (slug or id;
    default: the user's only one). Raises 401/422/429 problems; failures are audited."""
    from aidesk.inventory import accounts, audit

    check_login_rate(request, email)
    state = state_of(request)
    ip = client_address(request)
    with state.db.transaction() as s:
        user = accounts.authenticate(s, email, password, source=ip)
        if user is not None:
            memberships = accounts.organisations_of(s, user)
            if organisation:
                ref = organisation.strip().lower()
                matches = [(o, r) for o, r in memberships if o.slug == ref or str(o.id) == ref]
            else:
                matches = list(memberships)
            if len(matches) == 1:
                org, role = matches[0]
                actor = Actor(
                    organisation_id=org.id,
                    role=MemberRole(role),
                    user_id=user.id,
                    label=user.email,
                    source=ip,
                )
                audit.record(s, actor, "login", "user", user.id, {"via": "password"})
                return Login(user=user, organisation=org, role=MemberRole(role), actor=actor)
    # Outside the transaction, so that the failure stays recorded (it counts for the rate limit).
    if user is None:
        raise Unauthenticated("wrong e-mail or password")
    if not memberships:
        raise ApiError(403, f"{user.email} is not a member of any organisation; ask an admin to add you")
    slugs = ", ".join(o.slug for o, _ in memberships)
    if organisation:
        raise ApiError(403, f"{user.email} is not a member of {organisation!r}; member of: {slugs}")
    raise ApiError(
        422,
        f"{user.email} belongs to several organisations; say which one (organisation: one of {slugs})",
        errors=[FieldProblem(field="organisation", message=f"say which organisation: one of {slugs}")],
    )
