"""The documents routes: which documents the AI Act asks of a profile or a system of the register, and
each one drafted in every format — stateless and from the register, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from api_support import HIGH_RISK, ApiClient, assert_problem, bearer, editor_headers, token_for
from inventory_support import Tenant

from aidesk.inventory.db import Database

PRIVATE_DEPLOYER = {"name": "Shift planner", "roles": ["deployer"], "annex_iii": ["4(b)"]}


def test_a_high_risk_provider_is_asked_for_annex_iv_but_not_for_a_fria(client: ApiClient) -> None:
    response = client.post("/api/v1/documents?lang=fr", json=HIGH_RISK)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["risk_class"] == "high_risk" and body["regime"] == "ai-act-2026" and body["lang"] == "fr"
    by_id = {d["document"]: d for d in body["documents"]}
    assert by_id["report"]["applies"] and by_id["annex-iv"]["applies"]
    assert "Annex IV" in by_id["annex-iv"]["citations"]
    assert not by_id["fria"]["applies"] and by_id["fria"]["reason"]
    assert by_id["annex-iv"]["formats"] == ["md", "html", "pdf", "docx", "json"]


def test_one_document_in_every_format(client: ApiClient) -> None:
    signatures = {"pdf": b"%PDF", "docx": b"PK", "html": b"<!", "md": b"#", "json": b"{"}
    for fmt, head in signatures.items():
        response = client.post(f"/api/v1/documents/annex-iv?format={fmt}", json=HIGH_RISK)
        assert response.status_code == 200, (fmt, response.text[:200])
        assert response.content.lstrip()[: len(head)].upper() == head.upper(), fmt
        disposition = response.headers["content-disposition"]
        assert disposition.startswith("attachment;") and f'annex-iv.en.{fmt}"' in disposition
    as_json = client.post("/api/v1/documents/report?format=json&lang=fr", json=HIGH_RISK).json()
    assert json.dumps(as_json)  # a JSON document


def test_a_document_that_does_not_apply_or_exist_is_a_422_saying_why(client: ApiClient) -> None:
    body = assert_problem(client.post("/api/v1/documents/fria", json=HIGH_RISK), 422)
    assert "fria" in body["detail"] and body["errors"][0]["field"] == "path.document"
    assert_problem(client.post("/api/v1/documents/annex-xx", json=HIGH_RISK), 422)
    assert_problem(client.post("/api/v1/documents/report?format=odt", json=HIGH_RISK), 422)
    bad = assert_problem(client.post("/api/v1/documents", json={"name": "X", "roles": ["boss"]}), 422)
    assert bad["errors"][0]["field"].startswith("roles")


def test_documents_of_a_system_of_the_register_carry_its_reference(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    headers = editor_headers(db, tenant)
    created = client.post(
        "/api/v1/systems", json={"profile": HIGH_RISK, "owner": "HR tech team"}, headers=headers
    )
    assert created.status_code == 201, created.text
    system_id = created.json()["id"]
    client.post(f"/api/v1/systems/{system_id}/assessments", headers=headers)
    listing = client.get(f"/api/v1/systems/{system_id}/documents", headers=headers)
    assert listing.status_code == 200, listing.text
    docs = {d["document"]: d for d in listing.json()["documents"]}
    assert docs["annex-iv"]["href"] == f"/api/v1/systems/{system_id}/documents/annex-iv"
    assert docs["fria"]["href"] is None
    md = client.get(f"/api/v1/systems/{system_id}/documents/annex-iv?format=md", headers=headers)
    assert md.status_code == 200 and f"aidesk-{system_id}".encode() in md.content
    assert b"HR tech team" in md.content
    assert_problem(client.get(f"/api/v1/systems/{system_id}/documents/fria", headers=headers), 422)
    assert_problem(client.get(f"/api/v1/systems/{system_id}/documents"), 401)
    reader = bearer(token_for(db, tenant.viewer, ("read",)))
    assert (
        client.get(f"/api/v1/systems/{system_id}/documents/report?format=json", headers=reader).status_code
        == 200
    )
