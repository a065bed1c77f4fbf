"""Every route of /api/v1 does what it says, on SQLite and PostgreSQL, and explains itself (STYLE 8)."""

from __future__ import annotations

import csv
import io
import json

from api_support import (
    HIGH_RISK,
    ApiClient,
    admin_headers,
    assert_problem,
    bearer,
    editor_headers,
    profile,
    token_for,
)
from inventory_support import Tenant

from aidesk.inventory.db import Database
from aidesk.rules.regimes import REGIME_IDS

# --- service -------------------------------------------------------------------------------------------


def test_health_readiness_docs_and_one_openapi_for_the_whole_app(client: ApiClient) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    ready = client.get("/readyz").json()
    assert ready["status"] == "ok" and ready["schema_up_to_date"] is True
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/v1/assess",
        "/api/v1/systems/{system_id}",
        "/api/v1/law/{ref}",
        "/api/v1/deadlines.ics",
    } <= paths
    assert "Problem" in spec["components"]["schemas"] and "profile.Profile" in spec["components"]["schemas"]
    # Every operation documents its errors as problem+json, never FastAPI's default validation body.
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            for status, response in op["responses"].items():
                if status.startswith("4") and path.startswith("/api/"):
                    assert "application/problem+json" in response["content"], (method, path, status)
    # The web desk is still there, in the same application.
    assert client.get("/", headers={"accept": "text/html"}).status_code == 200


def test_unknown_api_paths_and_methods_are_problems_not_html(client: ApiClient) -> None:
    assert_problem(client.get("/api/v1/nowhere"), 404)
    assert_problem(client.put("/api/v1/regimes"), 405)


# --- stateless: assess, diff, regimes ------------------------------------------------------------------


def test_assess_returns_the_spec_assessment_naming_its_regime_version(client: ApiClient) -> None:
    response = client.post("/api/v1/assess", json=HIGH_RISK)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["schema"] == "aidesk/assessment/v1" and body["risk_class"] == "high_risk"
    assert body["regime"] == "ai-act-2026" and body["regime_version"].startswith("ai-act-2026+")
    assert "Annex III 4(a)" in body["high_risk_grounds"] and body["trace"]
    older = client.post("/api/v1/assess?regime=ai-act-2024&as_of=2027-01-01&lang=fr", json=HIGH_RISK).json()
    assert older["regime"] == "ai-act-2024" and older["as_of"] == "2027-01-01"
    assert older["obligations"][0]["title"] != body["obligations"][0]["title"]  # French titles


def test_assess_reads_yaml_12_too(client: ApiClient) -> None:
    text = "name: Nordic model\nkind: gpai_model\norganisation:\n  country: NO\nroles: [provider]\ngpai_model:\n  training_compute_flop: 3e25\n"
    response = client.post("/api/v1/assess", content=text, headers={"content-type": "application/yaml"})
    assert response.status_code == 200, response.text
    assert response.json()["risk_class"] == "gpai_model_systemic"  # 3e25 is a number, NO a country


def test_assess_bad_input_is_a_422_naming_the_field(client: ApiClient) -> None:
    cases = {
        "colour": {"name": "X", "colour": "red"},
        "roles[0]": {"name": "X", "roles": ["vendor"]},
        "placed_on_market": {"name": "X", "placed_on_market": "2026-02-30"},
        "transparency.deep_fake": {"name": "X", "transparency": {"deep_fake": "yes"}},
        "name": {"kind": "ai_system"},
    }
    for field, body in cases.items():
        problem = assert_problem(client.post("/api/v1/assess", json=body), 422)
        assert field in [e["field"] for e in problem["errors"]], (field, problem)
    problem = assert_problem(client.post("/api/v1/assess?regime=ai-act-1999", json=HIGH_RISK), 422)
    assert problem["errors"][0]["field"] == "query.regime" and "ai-act-2026" in problem["detail"]
    problem = assert_problem(client.post("/api/v1/assess?as_of=2026-02-30", json=HIGH_RISK), 422)
    assert problem["errors"][0]["field"] == "query.as_of"
    assert_problem(client.post("/api/v1/assess?lang=de", json=HIGH_RISK), 422)


def test_regime_diff_says_what_the_omnibus_changed(client: ApiClient) -> None:
    body = client.post("/api/v1/assess/diff?from=ai-act-2024&to=ai-act-2026", json=HIGH_RISK).json()
    assert body["from_regime"] == "ai-act-2024" and body["to_regime"] == "ai-act-2026"
    assert body["changed"] is True and body["obligations"]["changed"]
    assert_problem(client.post("/api/v1/assess/diff?from=nope", json=HIGH_RISK), 422)


def test_regimes(client: ApiClient) -> None:
    regimes = client.get("/api/v1/regimes").json()
    assert [r["id"] for r in regimes] == list(REGIME_IDS)
    assert sum(r["default"] for r in regimes) == 1 and all(r["sources"] for r in regimes)


# --- stateless: law, desk, directory -------------------------------------------------------------------


def test_law_serves_a_provision_with_its_context_in_both_languages_and_versions(client: ApiClient) -> None:
    body = client.get("/api/v1/law/Art. 5(1)(f)").json()
    assert body["ref"] == "Art. 5(1)(f)" and body["version"] == "2026" and "emotion" in body["text"]
    assert (
        body["lead_in"] and body["headings"][-1].startswith("Article 5") and body["href"].startswith("/law/")
    )
    fr = client.get("/api/v1/law/Art. 5(1)(f)", params={"lang": "fr", "version": "2024"}).json()
    assert fr["lang"] == "fr" and fr["version"] == "2024" and fr["text"] != body["text"]
    assert client.get("/api/v1/law/Recital 53").json()["kind"] == "recital"
    assert client.get("/api/v1/law/Annex III 4(a)").json()["ref"] == "Annex III 4(a)"
    assert "no point z" in assert_problem(client.get("/api/v1/law/Art. 5(1)(z)"), 404)["detail"]
    assert assert_problem(client.get("/api/v1/law/hello"), 422)["errors"][0]["field"] == "path.ref"
    assert_problem(client.get("/api/v1/law/Art. 5", params={"version": "1999"}), 422)


def test_search_and_ask_cite_the_law(client: ApiClient) -> None:
    found = client.get(
        "/api/v1/search", params={"q": "fundamental rights impact assessment", "limit": 3}
    ).json()
    assert found["mode"] == "bm25" and len(found["results"]) == 3
    assert any(r["ref"].startswith("Art. 27") for r in found["results"]), found["results"]
    answer = client.post(
        "/api/v1/ask", json={"question": "Who must carry out a fundamental rights impact assessment?"}
    )
    assert answer.status_code == 200 and answer.json()["citations"]
    assert_problem(client.get("/api/v1/search", params={"q": ""}), 422)
    assert_problem(client.get("/api/v1/search", params={"q": "x" * 2001}), 422)
    assert_problem(client.post("/api/v1/ask", json={"question": "  "}), 422)
    assert_problem(client.post("/api/v1/ask", json={"question": "why?", "model": "gpt"}), 422)


def test_directory_filters_and_entries(client: ApiClient) -> None:
    page = client.get("/api/v1/directory", params={"country": "FR", "limit": 5}).json()
    assert (
        page["total"] >= 1 and len(page["items"]) <= 5 and all("FR" in e["countries"] for e in page["items"])
    )
    entry = page["items"][0]
    assert client.get(f"/api/v1/directory/{entry['id']}").json()["name"] == entry["name"]
    assert_problem(client.get("/api/v1/directory/no-such-entry"), 404)
    for name in ("country", "kind", "sector"):
        problem = assert_problem(client.get("/api/v1/directory", params={name: "zz-unknown"}), 422)
        assert problem["errors"][0]["field"] == f"query.{name}", problem


# --- the register --------------------------------------------------------------------------------------


def test_systems_crud_pagination_filters_and_search(client: ApiClient, db: Database, tenant: Tenant) -> None:
    h = editor_headers(db, tenant)
    for i, (role, tag) in enumerate([("provider", "hr"), ("deployer", "hr"), ("deployer", "finance")]):
        body = {
            "profile": profile(f"System {i}", roles=[role], description=f"tool number {i}"),
            "tags": [tag],
        }
        assert client.post("/api/v1/systems", json=body, headers=h).status_code == 201
    page = client.get("/api/v1/systems", params={"limit": 2}, headers=h).json()
    assert page["total"] == 3 and [s["name"] for s in page["items"]] == ["System 0", "System 1"]
    assert [s["name"] for s in client.get("/api/v1/systems?offset=2", headers=h).json()["items"]] == [
        "System 2"
    ]
    assert client.get("/api/v1/systems?role=deployer&tag=hr", headers=h).json()["total"] == 1
    assert client.get("/api/v1/systems?search=number 2", headers=h).json()["total"] == 1
    assert client.get("/api/v1/systems?risk_class=minimal", headers=h).json()["total"] == 0
    assert_problem(client.get("/api/v1/systems?limit=0", headers=h), 422)
    assert_problem(client.get("/api/v1/systems?status=live", headers=h), 422)
    first = page["items"][0]
    patched = client.patch(f"/api/v1/systems/{first['id']}", json={"owner": "Legal", "version": 1}, headers=h)
    assert patched.status_code == 200 and patched.json()["version"] == 2
    stale = client.patch(f"/api/v1/systems/{first['id']}", json={"owner": "Stale", "version": 1}, headers=h)
    assert "changed by someone else" in assert_problem(stale, 409)["detail"]
    dup = client.post("/api/v1/systems", json={"profile": profile("System 1")}, headers=h)
    assert_problem(dup, 409)
    assert client.delete(f"/api/v1/systems/{first['id']}?version=1", headers=h).status_code == 409
    assert client.delete(f"/api/v1/systems/{first['id']}", headers=h).status_code == 204
    assert_problem(client.get(f"/api/v1/systems/{first['id']}", headers=h), 404)


def test_assessments_history_diff_reassess_and_deadlines(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    h = editor_headers(db, tenant)
    sid = client.post("/api/v1/systems", json={"profile": HIGH_RISK}, headers=h).json()["id"]
    old = client.post(f"/api/v1/systems/{sid}/assessments?regime=ai-act-2024", headers=h)
    assert old.status_code == 201 and old.json()["regime_version"].startswith("ai-act-2024+")
    new = client.post(f"/api/v1/systems/{sid}/assessments", headers=h).json()
    assert new["result"]["risk_class"] == "high_risk" and new["profile"]["name"] == HIGH_RISK["name"]
    history = client.get(f"/api/v1/systems/{sid}/assessments", headers=h).json()
    assert [r["id"] for r in history] == [new["id"], old.json()["id"]]
    assert client.get(f"/api/v1/systems/{sid}", headers=h).json()["risk_class"] == "high_risk"
    diff = client.get(f"/api/v1/assessments/{old.json()['id']}/diff/{new['id']}", headers=h).json()
    assert diff["changed"] and diff["regime_version"]["from"].startswith("ai-act-2024")
    assert client.get(f"/api/v1/assessments/{new['id']}", headers=h).json()["id"] == new["id"]
    report = client.post("/api/v1/reassess?regime=ai-act-2026", headers=h).json()
    assert report["systems"] == 1 and report["changed"] == 0
    deadlines = client.get("/api/v1/deadlines", headers=h).json()
    assert deadlines and all(d["system_id"] == sid for d in deadlines)
    assert [d["date"] for d in deadlines] == sorted(d["date"] for d in deadlines)
    later = client.get("/api/v1/deadlines", params={"since": "2027-01-01"}, headers=h).json()
    assert all(d["date"] >= "2027-01-01" for d in later) and len(later) < len(deadlines)
    ics = client.get("/api/v1/deadlines.ics", headers=h)
    assert ics.headers["content-type"].startswith("text/calendar") and ics.text.count("BEGIN:VEVENT") == len(
        deadlines
    )


def test_import_is_all_or_nothing_and_export_round_trips(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    h = editor_headers(db, tenant)
    bad = [profile("Imp 1"), profile("Imp 2", roles=["vendor"]), {"profile": profile("Imp 3"), "tags": "x"}]
    problem = assert_problem(client.post("/api/v1/import", json=bad, headers=h), 422)
    assert {(e["item"], e["field"]) for e in problem["errors"]} >= {(2, "roles[0]"), (3, "tags")}
    assert client.get("/api/v1/systems", headers=h).json()["total"] == 0
    yaml_text = "- name: Imp 1\n  roles: [deployer]\n- name: '=HYPERLINK(\"http://evil\")'\n"
    report = client.post(
        "/api/v1/import?assess=true", content=yaml_text, headers={**h, "content-type": "application/yaml"}
    )
    assert report.status_code == 200, report.text
    assert report.json() | {"system_ids": []} == {"created": 2, "updated": 0, "assessed": 2, "system_ids": []}
    exported = client.get("/api/v1/export", headers=h).json()
    assert {s["name"] for s in exported} == {"Imp 1", '=HYPERLINK("http://evil")'}
    again = client.post("/api/v1/import?update=true", json=exported, headers=h).json()
    assert again["updated"] == 2 and again["created"] == 0
    text = client.get("/api/v1/export?format=csv", headers=h).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["name"] for r in rows} == {"Imp 1", '\'=HYPERLINK("http://evil")'}  # spreadsheet-safe
    csv_report = client.post(
        "/api/v1/import?update=true", content=text, headers={**h, "content-type": "text/csv"}
    ).json()
    assert csv_report["updated"] == 2
    assert_problem(
        client.post("/api/v1/import", content=b"[]", headers={**h, "content-type": "application/json"}), 422
    )
    assert_problem(
        client.post("/api/v1/import", content=b"x", headers={**h, "content-type": "application/pdf"}), 415
    )


# --- tokens, members, roles ----------------------------------------------------------------------------


def test_roles_and_token_scopes_are_enforced(client: ApiClient, db: Database, tenant: Tenant) -> None:
    viewer = bearer(token_for(db, tenant.viewer, ("read",)))
    assert client.get("/api/v1/systems", headers=viewer).status_code == 200
    assert_problem(client.post("/api/v1/systems", json={"profile": profile("No")}, headers=viewer), 403)
    assert_problem(client.post("/api/v1/reassess", headers=viewer), 403)
    read_only = bearer(token_for(db, tenant.editor, ("read",)))
    assert_problem(client.post("/api/v1/import", json=[profile("No")], headers=read_only), 403)
    editor = editor_headers(db, tenant)
    assert_problem(client.get("/api/v1/audit", headers=editor), 403)
    assert_problem(
        client.patch(f"/api/v1/members/{tenant.viewer.user_id}", json={"role": "admin"}, headers=editor), 403
    )
    admin = admin_headers(db, tenant)
    members = client.get("/api/v1/members", headers=admin).json()
    assert {m["role"] for m in members} == {"admin", "editor", "viewer"}
    changed = client.patch(f"/api/v1/members/{tenant.viewer.user_id}", json={"role": "editor"}, headers=admin)
    assert changed.status_code == 200 and changed.json()["role"] == "editor"
    last_admin = client.patch(
        f"/api/v1/members/{tenant.admin.user_id}", json={"role": "viewer"}, headers=admin
    )
    assert_problem(last_admin, 409)
    events = client.get("/api/v1/audit", params={"action": "member.role"}, headers=admin).json()
    assert events and events[0]["details"]["to"] == "editor"


def test_tokens_are_shown_once_listed_without_secret_and_revocable(
    client: ApiClient, db: Database, tenant: Tenant
) -> None:
    h = editor_headers(db, tenant)
    created = client.post("/api/v1/tokens", json={"name": "CI", "scopes": ["read"]}, headers=h)
    assert created.status_code == 201
    secret = created.json()["token"]
    assert secret.startswith("aidk_") and created.json()["scopes"] == ["read"]
    listed = client.get("/api/v1/tokens", headers=h).json()
    assert secret not in json.dumps(listed) and any(t["id"] == created.json()["id"] for t in listed)
    assert client.get("/api/v1/systems", headers=bearer(secret)).status_code == 200
    assert_problem(
        client.post("/api/v1/tokens", json={"name": "too much", "scopes": ["admin"]}, headers=h), 403
    )
    assert client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=h).json()["revoked_at"]
    assert_problem(client.get("/api/v1/systems", headers=bearer(secret)), 401)
    assert_problem(client.get("/api/v1/systems"), 401).get("detail")


def test_triage_interview_and_next_steps(client: ApiClient) -> None:
    triaged = client.post(
        "/api/v1/triage", json={"text": "Our tool ranks incoming CVs and shortlists candidates."}
    )
    assert triaged.status_code == 200, triaged.text
    body = triaged.json()
    assert set(body) == {"text", "risk_class", "confidence", "candidates", "questions", "draft_profile"}
    assert body["candidates"] and body["candidates"][0]["ground"]
    assert_problem(client.post("/api/v1/triage", json={"text": "   "}), 422)
    first = client.post("/api/v1/interview/next", json={"answers": {}, "lang": "fr"}).json()
    assert first["done"] is False and first["question"]["id"] and first["lang"] == "fr"
    problem = assert_problem(
        client.post("/api/v1/interview/next", json={"answers": {"q_kind": "robot"}}), 422
    )
    assert problem["errors"][0]["field"] == "answers.q_kind"
    steps = client.post("/api/v1/directory/next-steps", json=HIGH_RISK)
    assert steps.status_code == 200 and steps.json()["schema"] == "aidesk/next-steps/v1"
    assert steps.json()["regime_version"].startswith("ai-act-2026+") and steps.json()["steps"]
    assert_problem(client.post("/api/v1/directory/next-steps?sector=nowhere", json=HIGH_RISK), 422)
