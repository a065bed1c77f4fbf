"""Hostile inputs: malformed, huge, deeply nested or bomb-shaped documents, values the database cannot
store, unknown fields. Each is a clear 4xx problem (422 for bad input), never a 500, and nothing is
written — on SQLite and on PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

import pytest
from api_support import HIGH_RISK, ApiClient, assert_problem, editor_headers, make_client, profile
from inventory_support import Tenant
from sqlalchemy import func, select

from aidesk.inventory.db import Database
from aidesk.inventory.models import AISystem, AuditEvent

BILLION_LAUGHS = "\n".join(
    ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
    + ["name: *i"]
)
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_YAML = "name: x\ndescription: " + "[" * 5000 + "]" * 5000


def _nothing_written(db: Database, tenant: Tenant) -> None:
    with db.transaction(write=False) as s:
        assert s.scalar(select(func.count()).where(AISystem.organisation_id == tenant.organisation_id)) == 0
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.organisation_id == tenant.organisation_id)
        ).all()
        assert not [a for a in actions if a.startswith(("system.", "inventory."))], actions


def _send(client: ApiClient, path: str, body: str | bytes, content_type: str, h: dict[str, str]) -> Any:
    return client.post(path, content=body, headers={**h, "content-type": content_type})


WRITE_PATHS = ("/api/v1/assess", "/api/v1/systems", "/api/v1/import")


def test_malformed_and_deeply_nested_json_are_422s(client: ApiClient, db: Database, tenant: Tenant) -> None:
    h = editor_headers(db, tenant)
    for path in WRITE_PATHS:
        for body in ('{"name": "x",', "{'name': 'x'}", DEEP_JSON, '{"name": NaN}', "\xff\xfe"):
            response = _send(
                client, path, body.encode("latin-1") if body == "\xff\xfe" else body, "application/json", h
            )
            assert_problem(response, 422)
    _nothing_written(db, tenant)


def test_yaml_bombs_tags_and_deep_nesting_are_refused_fast(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    h = editor_headers(db, tenant)
    evil = {
        "bomb": BILLION_LAUGHS,
        "list bomb": "- " + BILLION_LAUGHS.replace("\n", "\n  "),
        "python tag": "name: !!python/object/apply:os.system ['echo pwned']\n",
        "deep": DEEP_YAML,
        "merge key": "base: &b {name: x}\nother:\n  <<: *b\n",
    }
    for path in ("/api/v1/assess", "/api/v1/import"):
        for label, text in evil.items():
            started = time.monotonic()
            response = _send(client, path, text, "application/yaml", h)
            problem = assert_problem(response, 422)
            assert time.monotonic() - started < 5, label  # linear, not exponential
            if label in ("bomb", "list bomb", "merge key"):
                assert "anchors and aliases" in problem["detail"], (label, problem)
    _nothing_written(db, tenant)


def test_values_the_database_cannot_store_are_422s_not_500s(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    h = editor_headers(db, tenant)
    bad_bodies: list[Any] = [
        {"profile": profile("nul\u0000name")},
        {"profile": profile("ok"), "owner": "team\u0000"},
        {"profile": profile("ok"), "tags": ["a\u0000"]},
        {
            "profile": {
                **profile("big"),
                "kind": "gpai_model",
                "gpai_model": {"training_compute_flop": 10**400},
            }
        },
    ]
    for body in bad_bodies:
        assert_problem(client.post("/api/v1/systems", json=body, headers=h), 422)
    inf = '{"profile": {"name": "inf", "kind": "gpai_model", "gpai_model": {"training_compute_flop": 1e999}}}'
    assert_problem(_send(client, "/api/v1/systems", inf, "application/json", h), 422)
    import_body = '[{"name": "x\\u0000y"}]'
    assert_problem(_send(client, "/api/v1/import", import_body, "application/json", h), 422)
    assert_problem(
        _send(
            client,
            "/api/v1/assess",
            '{"name": "big", "kind": "gpai_model", "gpai_model": {"training_compute_flop": 1'
            + "0" * 400
            + "}}",
            "application/json",
            h,
        ),
        422,
    )
    for url in ("/api/v1/systems?search=a%00b", "/api/v1/systems?tag=%00", "/api/v1/audit?action=x%00"):
        assert_problem(client.get(url, headers=h), 422)
    assert_problem(
        client.post("/api/v1/auth/login", json={"email": "a\u0000@b.example", "password": "x" * 12}), 422
    )
    _nothing_written(db, tenant)


def test_unknown_fields_are_422s_naming_them(client: ApiClient, db: Database, tenant: Tenant) -> None:
    h = editor_headers(db, tenant)
    cases = [
        ("POST", "/api/v1/systems", {"profile": profile("x"), "priority": 1}, "priority"),
        ("POST", "/api/v1/systems", {"profile": {**profile("x"), "risk": "low"}}, "risk"),
        ("POST", "/api/v1/systems", {"profile": profile("x"), "status": "live"}, "status"),
        ("POST", "/api/v1/tokens", {"name": "t", "scopes": ["read"], "admin": True}, "admin"),
        ("POST", "/api/v1/tokens", {"name": "t", "scopes": ["root"]}, "scopes[0]"),
        ("POST", "/api/v1/ask", {"question": "x?", "temperature": 2}, "temperature"),
        (
            "POST",
            "/api/v1/auth/login",
            {"email": "a@b.example", "password": "x", "remember": True},
            "remember",
        ),
    ]
    for method, path, body, field in cases:
        problem = assert_problem(client.request(method, path, json=body, headers=h), 422)
        assert any(field in e["field"] for e in problem["errors"]), (path, field, problem)
    _nothing_written(db, tenant)


def test_wrong_content_types_and_empty_bodies(client: ApiClient, db: Database, tenant: Tenant) -> None:
    h = editor_headers(db, tenant)
    assert_problem(_send(client, "/api/v1/assess", "name: x", "application/xml", h), 415)
    assert_problem(_send(client, "/api/v1/assess", "", "application/json", h), 422)
    assert_problem(_send(client, "/api/v1/assess", "[1, 2]", "application/json", h), 422)
    assert_problem(_send(client, "/api/v1/systems", "[1, 2]", "application/json", h), 422)
    assert_problem(_send(client, "/api/v1/import", '"just a string"', "application/json", h), 422)
    assert_problem(_send(client, "/api/v1/import", "name,colour\nx,red\n", "text/csv", h), 422)
    assert_problem(_send(client, "/api/v1/import", "a,b\n\x00,\n", "text/csv", h), 422)
    _nothing_written(db, tenant)


@pytest.mark.parametrize("path", WRITE_PATHS)
def test_bodies_over_the_limit_are_413s(
    sqlite_db: Database, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    from inventory_support import make_tenant

    tenant = make_tenant(sqlite_db, "Big")
    with make_client(
        sqlite_db, tmp_path, monkeypatch, AIDESK_MAX_BODY_BYTES="4096", AIDESK_MAX_IMPORT_BYTES="8192"
    ) as client:
        h = editor_headers(sqlite_db, tenant)
        big = '{"name": "x", "description": "' + "a" * 20_000 + '"}'
        body = (
            f'{{"profile": {big}}}'
            if path.endswith("systems")
            else (f"[{big}]" if path.endswith("import") else big)
        )
        assert_problem(_send(client, path, body, "application/json", h), 413)

        def chunks() -> Any:  # no Content-Length: the limit holds while streaming
            for _ in range(10):
                yield b" " * 1024
            yield body.encode()

        assert_problem(
            client.post(path, content=chunks(), headers={**h, "content-type": "application/json"}), 413
        )
        _nothing_written(sqlite_db, tenant)


def test_the_high_risk_example_still_assesses_after_all_that(client: ApiClient) -> None:
    assert client.post("/api/v1/assess", json=HIGH_RISK).status_code == 200
