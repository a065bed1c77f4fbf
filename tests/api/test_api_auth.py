"""Sessions, CSRF, the login rate limit, the first run, and public vs token-protected stateless endpoints."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from api_support import HIGH_RISK, ApiClient, assert_problem, bearer, make_client, profile, token_for
from inventory_support import Tenant, make_tenant, unique

from aidesk.inventory import accounts
from aidesk.inventory.db import Database
from aidesk.inventory.models import MemberRole, Organisation, User

PASSWORD = "correct horse battery staple"


def member(
    db: Database, tenant: Tenant, role: MemberRole = MemberRole.editor, password: str = PASSWORD
) -> str:
    email = f"{unique(role.value)}@{tenant.slug}.example"
    with db.transaction() as s:
        org = s.get(Organisation, tenant.organisation_id)
        assert org is not None
        user = accounts.create_user(s, email, password)
        accounts.add_member(s, org, user, role, actor=None)
    return email


def test_session_cookie_flags_and_what_a_session_can_do(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    email = member(db, tenant)
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    cookie = response.headers["set-cookie"]
    assert "aidesk_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http (AIDESK_COOKIE_SECURE=auto): local http still works
    me = response.json()
    assert me["via"] == "session" and me["role"] == "editor" and me["csrf_token"]
    assert client.get("/api/v1/auth/me").json()["csrf_token"] == me["csrf_token"]
    assert client.get("/api/v1/systems").status_code == 200
    # Changes need the CSRF token with a session.
    problem = assert_problem(client.post("/api/v1/systems", json={"profile": profile("S1")}), 403)
    assert "CSRF" in problem["detail"]
    assert_problem(
        client.post("/api/v1/systems", json={"profile": profile("S1")}, headers={"X-CSRF-Token": "forged"}),
        403,
    )
    ok = client.post(
        "/api/v1/systems", json={"profile": profile("S1")}, headers={"X-CSRF-Token": me["csrf_token"]}
    )
    assert ok.status_code == 201
    # Logging out needs it too, then the cookie is gone.
    assert_problem(client.post("/api/v1/auth/logout"), 403)
    out = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": me["csrf_token"]})
    assert out.status_code == 204 and 'aidesk_session=""' in out.headers["set-cookie"]
    assert_problem(client.get("/api/v1/systems"), 401)


def test_secure_cookies_over_https_or_when_told(
    db: Database, tenant: Tenant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = member(db, tenant)
    with make_client(db, tmp_path, monkeypatch) as client:
        client.base_url = client.base_url.copy_with(scheme="https")  # as behind a proxy that says https
        response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert "Secure" in response.headers["set-cookie"]
    with make_client(db, tmp_path, monkeypatch, AIDESK_COOKIE_SECURE="true") as client:
        response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
        assert "Secure" in response.headers["set-cookie"]


def test_a_session_ends_with_a_password_change_a_removal_or_a_forged_cookie(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    email = member(db, tenant)
    assert client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
    assert client.get("/api/v1/auth/me").status_code == 200
    with db.transaction() as s:
        accounts.set_password(s, accounts.get_user_by_email(s, email), "another long password")
    assert_problem(client.get("/api/v1/auth/me"), 401)
    assert (
        client.post(
            "/api/v1/auth/login", json={"email": email, "password": "another long password"}
        ).status_code
        == 200
    )
    value = client.cookies["aidesk_session"]
    client.cookies.set("aidesk_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert_problem(client.get("/api/v1/auth/me"), 401)
    client.cookies.set("aidesk_session", value)
    with db.transaction() as s:
        user = accounts.get_user_by_email(s, email)
        user.is_active = False
    assert_problem(client.get("/api/v1/auth/me"), 401)


def test_login_errors_and_several_organisations(client: ApiClient, db: Database, tenant: Tenant) -> None:
    email = member(db, tenant)
    assert_problem(
        client.post("/api/v1/auth/login", json={"email": email, "password": "wrong password!"}), 401
    )
    assert_problem(
        client.post("/api/v1/auth/login", json={"email": "nobody@x.example", "password": PASSWORD}), 401
    )
    other = make_tenant(db, "Second")
    with db.transaction() as s:
        user = accounts.get_user_by_email(s, email)
        org = s.get(Organisation, other.organisation_id)
        assert org is not None
        accounts.add_member(s, org, user, MemberRole.viewer, actor=None)
    problem = assert_problem(
        client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}), 422
    )
    assert problem["errors"][0]["field"] == "organisation" and other.slug in problem["detail"]
    chosen = client.post(
        "/api/v1/auth/login", json={"email": email, "password": PASSWORD, "organisation": other.slug}
    )
    assert chosen.json()["organisation"]["slug"] == other.slug and chosen.json()["role"] == "viewer"


def test_the_login_form_is_csrf_protected_and_redirects_only_on_site(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    email = member(db, tenant)
    form = {"email": email, "password": PASSWORD, "next": "/inventory"}
    assert_problem(client.post("/api/v1/auth/login", data=form, follow_redirects=False), 403)  # no token
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    assert "aidesk_csrf" in client.cookies
    response = client.post("/api/v1/auth/login", data={**form, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/inventory"
    assert "aidesk_session" in client.cookies
    client.cookies.clear()
    token = client.get("/api/v1/auth/csrf").json()["csrf_token"]
    evil = {**form, "csrf_token": token, "next": "//evil.example/x"}
    assert client.post("/api/v1/auth/login", data=evil, follow_redirects=False).headers["location"] == "/"


def test_failed_logins_are_rate_limited_per_address_and_e_mail(
    db: Database, tenant: Tenant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    email = member(db, tenant)
    other = member(db, tenant)
    env = {"AIDESK_LOGIN_MAX_FAILURES": "3", "AIDESK_LOGIN_MAX_FAILURES_PER_IP": "5"}
    address = f"192.0.2.{uuid.uuid4().int % 250 + 1}"
    with make_client(db, tmp_path, monkeypatch, address=address, **env) as client:
        for _ in range(3):
            assert_problem(
                client.post("/api/v1/auth/login", json={"email": email, "password": "wrong password!"}), 401
            )
        limited = client.post(
            "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
        )  # even the right one
        problem = assert_problem(limited, 429)
        assert int(limited.headers["retry-after"]) > 0 and problem["retry_after"] > 0
        # Another account from the same address still works, until the per-address limit.
        assert (
            client.post("/api/v1/auth/login", json={"email": other, "password": PASSWORD}).status_code == 200
        )
        for _ in range(2):
            assert_problem(
                client.post("/api/v1/auth/login", json={"email": other, "password": "wrong password!"}), 401
            )
        assert_problem(client.post("/api/v1/auth/login", json={"email": other, "password": PASSWORD}), 429)
    # The limit lives in the database: a fresh application (another worker) sees it.
    with make_client(db, tmp_path, monkeypatch, address=address, **env) as client:
        assert_problem(client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}), 429)
    with make_client(db, tmp_path, monkeypatch, **env) as client:  # from elsewhere, the right password works
        assert (
            client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
        )


def test_stateless_endpoints_are_public_by_default_or_token_protected(
    db: Database, tenant: Tenant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with make_client(db, tmp_path, monkeypatch) as client:
        assert client.post("/api/v1/assess", json=HIGH_RISK).status_code == 200
        assert client.get("/api/v1/regimes").status_code == 200
    with make_client(db, tmp_path, monkeypatch, AIDESK_PUBLIC_ENDPOINTS="false") as client:
        for method, path, body in [
            ("POST", "/api/v1/assess", HIGH_RISK),
            ("GET", "/api/v1/regimes", None),
            ("GET", "/api/v1/law/Art. 5", None),
            ("GET", "/api/v1/search?q=risk", None),
            ("GET", "/api/v1/directory", None),
        ]:
            assert_problem(client.request(method, path, json=body), 401)
        token = token_for(db, tenant.viewer, ("read",))
        assert client.post("/api/v1/assess", json=HIGH_RISK, headers=bearer(token)).status_code == 200


def test_first_run_tells_the_operator_then_setup_creates_the_admin(
    sqlite_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aidesk.api.first_run import first_run_message, setup_token_path
    from aidesk.settings import Settings

    settings = Settings(data_dir=tmp_path, database_url=sqlite_db.url)
    message = first_run_message(settings, base_url="http://127.0.0.1:8000")
    assert message is not None and "aidesk users create" in message and "/api/v1/setup" in message
    token = setup_token_path(settings).read_text().strip()
    assert token in message and (setup_token_path(settings).stat().st_mode & 0o777) == 0o600
    with make_client(sqlite_db, tmp_path, monkeypatch) as client:
        assert client.get("/api/v1/setup").json() == {"needed": True}
        body = {
            "setup_token": token,
            "organisation": "Acme SAS",
            "email": "dpo@acme.example",
            "password": PASSWORD,
        }
        assert_problem(client.post("/api/v1/setup", json={**body, "setup_token": "guess"}), 403)
        created = client.post("/api/v1/setup", json=body)
        assert created.status_code == 201, created.text
        assert created.json()["role"] == "admin" and created.json()["organisation"]["slug"] == "acme-sas"
        assert client.get("/api/v1/auth/me").json()["user"]["email"] == "dpo@acme.example"
        assert_problem(client.post("/api/v1/setup", json=body), 403)  # the token is gone
        assert client.get("/api/v1/setup").json() == {"needed": False}
    assert first_run_message(settings) is None
    with sqlite_db.transaction(write=False) as s:
        assert [u.email for u in s.query(User).all()] == ["dpo@acme.example"]


def test_the_helpers_the_web_pages_use(
    db: Database, tenant: Tenant, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`current_actor()` for any page, `csrf_token()` to render a form, `verify_csrf_form()` on its post."""
    from fastapi import Request
    from fastapi.responses import HTMLResponse, PlainTextResponse

    from aidesk.api.security import csrf_token, current_actor, verify_csrf_form

    email = member(db, tenant)
    with make_client(db, tmp_path, monkeypatch) as client:
        app = client.app

        async def whoami(request: Request) -> PlainTextResponse:
            actor = current_actor(request)
            return PlainTextResponse(actor.label if actor else "anonymous")

        async def form_page(request: Request) -> HTMLResponse:
            response = HTMLResponse("")
            token = csrf_token(request, response)
            response.body = response.render(f'<input name="csrf_token" value="{token}">')
            response.headers["content-length"] = str(len(response.body))
            return response

        async def form_post(request: Request) -> PlainTextResponse:
            await verify_csrf_form(request)
            return PlainTextResponse("saved")

        app.add_route("/test/whoami", whoami)  # type: ignore[attr-defined]
        app.add_route("/test/form", form_page)  # type: ignore[attr-defined]
        app.add_route("/test/form/post", form_post, methods=["POST"])  # type: ignore[attr-defined]
        assert client.get("/test/whoami").text == "anonymous"
        token = client.get("/test/form").text.split('value="')[1].split('"')[0]
        assert client.post("/test/form/post", data={"csrf_token": token}).text == "saved"
        assert client.post("/test/form/post", data={"csrf_token": "forged"}).status_code == 403
        assert (
            client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD}).status_code == 200
        )
        assert client.get("/test/whoami").text == email
        session_token = client.get("/test/form").text.split('value="')[1].split('"')[0]
        assert session_token != token  # bound to the session now
        assert client.post("/test/form/post", data={"csrf_token": session_token}).text == "saved"
        client.cookies.set("aidesk_session", "garbage")
        assert client.get("/test/whoami").text == "anonymous"
        bearer_headers = bearer(token_for(db, tenant.viewer, ("read",)))
        assert client.get("/test/whoami", headers=bearer_headers).text.startswith(tenant.viewer.label)
