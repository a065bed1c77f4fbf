"""Tenant isolation, generated from the application's own route list (its OpenAPI document): a member
of organisation A — through an API token or a web session — gets 404 for every object of organisation B
on every route that names one, changes nothing of B's, and never sees B's objects in a list.

A new route is covered without editing this file, as long as its path parameters are among the known
kinds of objects; a route with a new kind of parameter fails the test until it is added here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from api_support import ApiClient, bearer, token_for
from inventory_support import Tenant, make_tenant, profile, unique

from aidesk.inventory import accounts, assessments, systems, tokens
from aidesk.inventory.db import Database
from aidesk.inventory.models import MemberRole, Organisation

# Path parameters that name an organisation's objects, and those that do not (public data).
TENANT_PARAMS = ("system_id", "record_id", "other_record_id", "token_id", "user_id")
PUBLIC_PARAMS = ("ref", "entry_id", "document")
# A valid value for public parameters of routes that also name an object (a 404 must not hide behind a 422).
PUBLIC_VALUES = {"document": "report"}
# A valid body for each request schema, so that a 404 cannot hide behind a 422 for the body.
MINIMAL_BODIES: dict[str, Any] = {"SystemPatch": {}, "RoleIn": {"role": "viewer"}}
PASSWORD = "correct horse battery staple"


@dataclass
class Theirs:
    ids: dict[str, int]
    markers: list[str]  # strings that must never appear in A's responses
    version: int  # of B's system, after the setup


def _their_objects(db: Database, other: Tenant) -> Theirs:
    name = unique("Secret system of B")
    with db.transaction() as s:
        system = systems.create_system(s, other.editor, profile(name, annex_iii=["4(a)"]), tags=["b-only"])
        first = assessments.assess_system(s, other.editor, system.id, regime="ai-act-2024")
        second = assessments.assess_system(s, other.editor, system.id)
        token = tokens.create_token(s, other.editor, unique("B token"), ("read",))
        s.flush()
        version = system.version
    return Theirs(
        version=version,
        ids={
            "system_id": system.id,
            "record_id": first.id,
            "other_record_id": second.id,
            "token_id": token.token.id,
            "user_id": other.viewer.user_id or 0,
        },
        markers=[name, token.token.name, other.viewer.label, other.editor.label, other.slug],
    )


def _operations(client: ApiClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = client.get("/openapi.json").json()
    return [
        (method.upper(), path, op)
        for path, ops in spec["paths"].items()
        if path.startswith("/api/")
        for method, op in ops.items()
    ]


def _body(op: dict[str, Any]) -> Any:
    content = op.get("requestBody", {}).get("content", {})
    if not content:
        return None
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    assert name in MINIMAL_BODIES, f"add a minimal valid body for {name or content} to MINIMAL_BODIES"
    return MINIMAL_BODIES[name]


def _session_headers(client: ApiClient, db: Database, tenant: Tenant) -> dict[str, str]:
    """Log in an admin of A through the API: the session cookie stays in the client, plus the CSRF header."""
    email = f"{unique('admin')}@a.example"
    with db.transaction() as s:
        org = s.get(Organisation, tenant.organisation_id)
        assert org is not None
        user = accounts.create_user(s, email, PASSWORD)
        accounts.add_member(s, org, user, MemberRole.admin, actor=None)
    response = client.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


@pytest.mark.parametrize("via", ["token", "session"])
def test_every_route_answers_404_for_every_object_of_another_organisation(
    client: ApiClient, db: Database, tenant: Tenant, via: str
) -> None:
    other = make_tenant(db, "Globex")
    theirs = _their_objects(db, other)
    if via == "token":
        headers = bearer(token_for(db, tenant.admin, ("read", "write", "admin")))
    else:
        headers = _session_headers(client, db, tenant)
    checked: list[str] = []
    for method, path, op in _operations(client):
        params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
        unknown = [p for p in params if p not in TENANT_PARAMS + PUBLIC_PARAMS]
        assert not unknown, f"{method} {path}: add {unknown} to TENANT_PARAMS or PUBLIC_PARAMS"
        if not any(p in TENANT_PARAMS for p in params):
            continue
        url = path
        for p in params:
            url = url.replace("{" + p + "}", str(theirs.ids[p] if p in theirs.ids else PUBLIC_VALUES[p]))
        body = _body(op)
        response = (
            client.request(method, url, headers=headers, json=body)
            if body is not None
            else (client.request(method, url, headers=headers))
        )
        assert response.status_code == 404, (via, method, path, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("application/problem+json")
        assert not any(m in response.text for m in theirs.markers), (method, path, response.text)
        checked.append(f"{method} {path}")
    assert len(checked) >= 10, checked
    # Nothing of B's changed.
    with db.transaction(write=False) as s:
        system = systems.get_system(s, other.viewer, theirs.ids["system_id"])
        assert system.version == theirs.version and system.tags == ["b-only"]
        assert len(assessments.history(s, other.viewer, system.id)) == 2
        assert all(t.revoked_at is None for t in tokens.list_tokens(s, other.admin))
        assert {m.role for m in accounts.list_members(s, other.admin)} == {"admin", "editor", "viewer"}


def test_no_list_or_feed_shows_another_organisation_s_objects(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    other = make_tenant(db, "Initech")
    theirs = _their_objects(db, other)
    headers = bearer(token_for(db, tenant.admin, ("read", "write", "admin")))
    with db.transaction() as s:  # A has something to list too
        mine = systems.create_system(s, tenant.editor, profile(unique("A system"), annex_iii=["4(a)"]))
        assessments.assess_system(s, tenant.editor, mine.id)
    listed = 0
    for method, path, op in _operations(client):
        has_path_params = any(p["in"] == "path" for p in op.get("parameters", []))
        if method != "GET" or has_path_params or "/auth/" in path:
            continue
        response = client.get(path, headers=headers)
        if path in ("/api/v1/search", "/api/v1/law"):
            continue
        if response.status_code == 422:  # a required query parameter (e.g. search's q): public data
            continue
        assert response.status_code == 200, (path, response.text[:300])
        text = (
            response.text if "json" not in response.headers["content-type"] else json.dumps(response.json())
        )
        assert not any(m in text for m in theirs.markers), (path, [m for m in theirs.markers if m in text])
        listed += 1
    assert listed >= 6
