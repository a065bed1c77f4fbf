"""The guided wizard, "describe your system", documents, Swagger UI and the inventory pages over real HTTP
(a real `aidesk serve`), each with its JSON twin."""

from __future__ import annotations

import json
import re
import uuid
from html import unescape
from typing import Any
from urllib.parse import urlencode, urlsplit

from web_support import ADMIN_EMAIL, Reply, Server, login

from aidesk.web.assess import encode_profile

HIGH_RISK = {
    "name": "CV screening assistant",
    "kind": "ai_system",
    "roles": ["provider"],
    "organisation": {"country": "FR", "size": "small"},
    "location": {"established_in_eu": True, "placed_on_eu_market": True, "output_used_in_eu": True},
    "annex_iii": ["4(a)"],
    "article_6_3": {"profiling_of_natural_persons": True},
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _field(html: str, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert m, f"no field {name}"
    return unescape(m.group(1))


def _post_form(
    server: Server, path: str, fields: dict[str, Any], headers: dict[str, str] | None = None
) -> Reply:
    pairs = [(k, x) for k, v in fields.items() for x in (v if isinstance(v, list) else [v])]
    return server.request("POST", path, urlencode(pairs), {**FORM, **(headers or {})})


def _unique(name: str) -> str:
    return f"{name} {uuid.uuid4().hex[:6]}"


# --- the wizard -----------------------------------------------------------------------------------------


def test_the_wizard_asks_one_question_at_a_time_with_help_citations_and_progress(server: Server) -> None:
    reply = server.get("/assess/wizard", Cookie="aidesk_lang=fr")
    assert reply.status == 200
    html = reply.text
    assert '<html lang="fr">' in html and "Quel est le nom du système" in html
    assert "<progress" in html and "Étape 1 sur" in html
    assert 'href="/law/annex/VIII#annex-viii-sa-4"' in html  # the question's citation, on its point
    assert 'name="action" value="back"' not in html  # nothing to go back to yet
    # Answer it: the server redirects to the next step (post/redirect/get), carrying the answers.
    answered = _post_form(
        server, "/assess/wizard", {"s": _field(html, "s"), "qid": "q_name", "answer": "Tri de CV"}
    )
    assert answered.status == 303 and answered.headers["location"].startswith("/assess/wizard?s=")
    second = server.get(answered.headers["location"], Cookie="aidesk_lang=fr").text
    assert _field(second, "qid") == "q_kind" and 'value="back"' in second and 'value="unknown"' in second
    # Its JSON twin is the questionnaire's step: the question, the answers so far, the state token.
    twin = server.get(answered.headers["location"] + "&format=json").json()
    assert twin["step"]["question"]["id"] == "q_kind" and twin["step"]["asked"] == ["q_name"]
    assert twin["state"] and twin["step"]["question"]["citations"]
    # Back: the first question again, its answer proposed.
    back = _post_form(server, "/assess/wizard", {"s": _field(second, "s"), "qid": "q_kind", "action": "back"})
    again = server.get(back.headers["location"]).text
    assert _field(again, "qid") == "q_name" and 'value="Tri de CV"' in again


def test_the_wizard_refuses_a_missing_answer_and_a_bad_state(server: Server) -> None:
    html = server.get("/assess/wizard").text
    empty = _post_form(server, "/assess/wizard", {"s": _field(html, "s"), "qid": "q_name", "answer": ""})
    assert empty.status == 422 and "This question needs an answer." in empty.text
    bad = server.get("/assess/wizard?s=not-a-state")
    assert bad.status == 422 and "start the wizard again" in bad.text


def test_a_wizard_answered_from_a_profile_ends_on_the_result_page(server: Server) -> None:
    """Confirming every proposed answer of a high-risk profile leads to the same class."""
    location = "/assess/wizard?" + urlencode({"p": encode_profile(HIGH_RISK)})
    for _ in range(40):
        reply = server.get(location)
        assert reply.status == 200, reply.text[:500]
        html = reply.text
        qid = _field(html, "qid")
        chosen = re.findall(r'name="answer" value="([^"]+)" checked', html)
        chosen += re.findall(r'<option value="([^"]+)" selected>', html)
        text = re.search(r'id="answer" name="answer" type="(?:text|date)" value="([^"]+)"', html)
        fields: dict[str, Any] = {"s": _field(html, "s"), "qid": qid}
        if text:
            fields["answer"] = unescape(text.group(1))
        elif chosen:
            fields["answer"] = chosen
        else:
            fields["action"] = "unknown"
        posted = _post_form(server, "/assess/wizard", fields)
        assert posted.status == 303, (qid, posted.text[:300])
        location = posted.headers["location"]
        if location.startswith("/assess/result?"):
            break
    else:
        raise AssertionError("the wizard did not end")
    result = server.get(location + "&format=json").json()
    assert result["assessment"]["risk_class"] == "high_risk"
    assert "Annex III 4(a)" in result["assessment"]["high_risk_grounds"]


# --- describe your system --------------------------------------------------------------------------------


def test_describe_proposes_a_class_with_grounds_and_leads_to_the_wizard(server: Server) -> None:
    assert "Décrivez votre système" in server.get("/describe", Cookie="aidesk_lang=fr").text
    text = "Our software ranks incoming CVs and shortlists job candidates for recruiters"
    reply = _post_form(server, "/describe", {"text": text})
    assert reply.status == 200
    html = reply.text
    assert "class-high_risk" in html and 'href="/law/annex/III#annex-iii-4-a"' in html
    assert "The questions that would confirm it" in html
    wizard = re.search(r'href="(/assess/wizard\?p=[^"]+)"', html)
    assert wizard
    first = server.get(unescape(wizard.group(1)))
    assert first.status == 200 and "Your description" in first.text  # the description travels along
    assert "proposed from your description" in first.text
    # The JSON twin: SPEC §5 triage, and where to go next.
    twin = server.get("/describe?" + urlencode({"text": text, "format": "json"})).json()
    assert (
        twin["triage"]["risk_class"] == "high_risk"
        and twin["triage"]["candidates"][0]["ground"] == "Annex III 4(a)"
    )
    assert twin["wizard_href"].startswith("/assess/wizard?p=")
    empty = _post_form(server, "/describe", {"text": "   "})
    assert empty.status == 200 and "We think this is" not in empty.text


# --- documents on the result page ---------------------------------------------------------------------------


def test_the_result_page_links_every_applicable_document_in_every_format(server: Server) -> None:
    token = encode_profile(HIGH_RISK)
    twin = server.get(f"/assess/result?p={token}&format=json").json()
    docs = {d["document"]: d for d in twin["documents"]}
    assert {"report", "annex-iv", "annex-v"} <= set(docs) and "fria" not in docs
    formats = {f["format"]: f["href"] for f in docs["annex-iv"]["formats"]}
    assert set(formats) == {"pdf", "docx", "html", "md", "json"}
    pdf = server.get(formats["pdf"])
    assert (
        pdf.status == 200
        and pdf.body.startswith(b"%PDF")
        and pdf.headers["content-type"] == "application/pdf"
    )
    md = server.get(formats["md"], Cookie="aidesk_lang=fr")
    assert (
        md.status == 200
        and 'filename="cv-screening-assistant.annex-iv.fr.md"' in md.headers["content-disposition"]
    )
    html = server.get(f"/assess/result?p={token}").text
    assert 'href="/assess/documents/annex-iv.docx?p=' in html
    refused = server.get(f"/assess/documents/fria.pdf?p={token}")
    assert refused.status == 422 and "fria" in refused.text


def test_swagger_ui_is_served_from_the_package_not_a_cdn(server: Server) -> None:
    html = server.get("/docs").text
    assert (
        'src="/static/swagger/swagger-ui-bundle.js"' in html
        and 'href="/static/swagger/swagger-ui.css"' in html
    )
    assert "cdn" not in html.lower() and "https://" not in html
    assert server.get("/static/swagger/swagger-ui-bundle.js").status == 200
    assert server.get("/redoc").status == 404


# --- sign in and the inventory ----------------------------------------------------------------------------------


def test_inventory_pages_need_a_sign_in_and_the_sign_in_form_is_csrf_protected(server: Server) -> None:
    r = server.get("/inventory?tag=x")
    assert r.status == 303 and r.headers["location"] == "/signin?next=%2Finventory%3Ftag%3Dx"
    assert server.get("/inventory?format=json").status == 401
    form = server.get("/signin?next=/inventory")
    cookie = form.headers["set-cookie"].split(";", 1)[0]
    assert cookie.startswith("aidesk_csrf=") and "First run" not in form.text
    token = _field(form.text, "csrf_token")
    creds = {"email": ADMIN_EMAIL, "password": "correct horse battery staple", "next": "/inventory"}
    forged = _post_form(server, "/signin", {**creds, "csrf_token": "forged"}, {"Cookie": cookie})
    assert forged.status == 403 and "aidesk_session" not in forged.headers.get("set-cookie", "")
    wrong = _post_form(
        server, "/signin", {**creds, "password": "nope", "csrf_token": token}, {"Cookie": cookie}
    )
    assert wrong.status == 401 and "Wrong e-mail or password." in wrong.text
    ok = _post_form(server, "/signin", {**creds, "csrf_token": token}, {"Cookie": cookie})
    assert ok.status == 303 and ok.headers["location"] == "/inventory"
    assert "aidesk_session=" in ok.headers["set-cookie"] and "HttpOnly" in ok.headers["set-cookie"]
    evil = _post_form(
        server, "/signin", {**creds, "next": "https://evil.example/", "csrf_token": token}, {"Cookie": cookie}
    )
    assert evil.headers["location"] == "/inventory"


def _save(server: Server, headers: dict[str, str], profile: dict[str, Any], **fields: str) -> Reply:
    page = server.get(f"/assess/result?p={encode_profile(profile)}", Cookie=headers["Cookie"])
    assert 'action="/inventory/save"' in page.text
    form = {"csrf_token": _field(page.text, "csrf_token"), "p": _field(page.text, "p"), **fields}
    return _post_form(server, "/inventory/save", form, {"Cookie": headers["Cookie"]})


def test_save_from_the_result_page_then_the_system_page_and_its_history(server: Server) -> None:
    headers = login(server)
    name = _unique("CV screening")
    saved = _save(server, headers, {**HIGH_RISK, "name": name}, tags="hr, recruiting", owner="HR tech")
    assert saved.status == 303 and saved.headers["location"].startswith("/inventory/systems/")
    system_href = saved.headers["location"]
    # Without the CSRF token: refused, nothing saved.
    page = server.get(
        f"/assess/result?p={encode_profile({**HIGH_RISK, 'name': name + ' bis'})}", Cookie=headers["Cookie"]
    )
    forged = _post_form(
        server,
        "/inventory/save",
        {"p": _field(page.text, "p"), "csrf_token": "x"},
        {"Cookie": headers["Cookie"]},
    )
    assert forged.status == 403
    # Saving the same name again asks first; with `update`, a second record.
    again = _save(server, headers, {**HIGH_RISK, "name": name})
    assert again.status == 409 and "already has a system named" in again.text
    updated = _save(server, headers, {**HIGH_RISK, "name": name}, update="1", regime="ai-act-2024")
    assert updated.status == 303 and updated.headers["location"] == system_href
    twin = server.get(system_href + "?format=json", Cookie=headers["Cookie"]).json()
    assert twin["system"]["name"] == name and twin["system"]["tags"] == ["hr", "recruiting"]
    assert twin["system"]["owner"] == "HR tech" and len(twin["history"]) == 2
    newest, oldest = twin["history"]
    assert newest["regime"] == "ai-act-2024" and oldest["diff"] is None and newest["diff"]["changed"]
    html = server.get(system_href, Cookie=headers["Cookie"]).text
    assert "Assessment history" in html and "What changed since the previous record" in html
    # Compare two chosen records; re-assess under another regime (CSRF-protected).
    compared = server.get(
        f"{system_href}?compare_from={oldest['id']}&compare_to={newest['id']}&format=json",
        Cookie=headers["Cookie"],
    ).json()
    assert compared["compare"]["from_record"] == oldest["id"]
    csrf = _field(html, "csrf_token")
    reassessed = _post_form(
        server,
        system_href + "/assess",
        {"csrf_token": csrf, "regime": "ai-act-2026"},
        {"Cookie": headers["Cookie"]},
    )
    assert reassessed.status == 303
    assert len(server.get(system_href + "?format=json", Cookie=headers["Cookie"]).json()["history"]) == 3
    # Documents from the register carry its reference.
    doc = next(d for d in twin["documents"] if d["document"] == "annex-iv")
    md = next(f["href"] for f in doc["formats"] if f["format"] == "md")
    body = server.get(md, Cookie=headers["Cookie"])
    assert body.status == 200 and f"aidesk-{twin['system']['id']}".encode() in body.body


def test_the_inventory_lists_filters_charts_and_exports(server: Server) -> None:
    headers = login(server)
    tag = "t" + uuid.uuid4().hex[:6]
    _save(server, headers, {**HIGH_RISK, "name": _unique("Ranker")}, tags=tag)
    chatbot = {
        "name": _unique("Chatbot"),
        "roles": ["deployer"],
        "transparency": {"interacts_with_natural_persons": True},
    }
    _save(server, headers, chatbot, tags=tag)
    html = server.get("/inventory", Cookie=headers["Cookie"]).text
    assert 'class="risk-mix"' in html and "Upcoming deadlines" in html and headers["Cookie"].split("=")[0]
    assert ADMIN_EMAIL in html and 'action="/signout"' in html
    twin = server.get(f"/inventory?tag={tag}&format=json", Cookie=headers["Cookie"]).json()
    assert twin["total"] == 2 and twin["risk_mix"]["high_risk"] >= 1 and twin["upcoming_deadlines"]
    only = server.get(
        f"/inventory?tag={tag}&risk_class=high_risk&format=json", Cookie=headers["Cookie"]
    ).json()
    assert [s["risk_class"] for s in only["systems"]] == ["high_risk"]
    deployers = server.get(f"/inventory?tag={tag}&role=deployer&format=json", Cookie=headers["Cookie"]).json()
    assert [s["name"] for s in deployers["systems"]] == [chatbot["name"]]
    csv_export = server.get(f"/inventory/export.csv?tag={tag}", Cookie=headers["Cookie"])
    assert csv_export.status == 200 and csv_export.headers["content-type"].startswith("text/csv")
    assert chatbot["name"] in csv_export.text and "attachment" in csv_export.headers["content-disposition"]
    exported = json.loads(server.get(f"/inventory/export.json?tag={tag}", Cookie=headers["Cookie"]).body)
    assert len(exported) == 2 and all("profile" in e for e in exported)


def _multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = "aidesk" + uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def test_import_is_all_or_nothing_with_every_bad_row_named(server: Server) -> None:
    headers = login(server)
    page = server.get("/inventory/import", Cookie=headers["Cookie"])
    csrf = _field(page.text, "csrf_token")
    good, bad = _unique("Imported ok"), _unique("Imported bad")
    rows = f"name,roles,annex_iii\n{good},provider,4(a)\n{bad},boss,4(a)\n{bad} 2,provider,99(z)\n"
    body, ctype = _multipart({"csrf_token": csrf, "assess": "1"}, "systems.csv", rows.encode())
    refused = server.request(
        "POST", "/inventory/import", body, {"Content-Type": ctype, "Cookie": headers["Cookie"]}
    )
    assert refused.status == 422 and "Nothing was imported" in refused.text
    assert "<td>2</td>" in refused.text and "<td>3</td>" in refused.text  # rows named, header not counted
    twin = server.get(f"/inventory?q={good.split()[-1]}&format=json", Cookie=headers["Cookie"]).json()
    assert twin["total"] == 0  # nothing written
    fixed = rows.replace(",boss,", ",deployer,").replace("99(z)", "4(b)")
    body, ctype = _multipart({"csrf_token": csrf, "assess": "1"}, "systems.csv", fixed.encode())
    done = server.request(
        "POST", "/inventory/import", body, {"Content-Type": ctype, "Cookie": headers["Cookie"]}
    )
    assert done.status == 200 and "3 created, 0 updated, 3 assessed." in done.text


def test_reassess_the_inventory_and_subscribe_to_its_calendar(server: Server) -> None:
    headers = login(server)
    _save(server, headers, {**HIGH_RISK, "name": _unique("Calendar system")})
    page = server.get("/inventory/reassess", Cookie=headers["Cookie"])
    assert 'value="ai-act-2024"' in page.text
    report = _post_form(
        server, "/inventory/reassess?format=json", {"csrf_token": _field(page.text, "csrf_token"), "regime": "ai-act-2024"},
        {"Cookie": headers["Cookie"]},
    )  # fmt: skip
    assert report.status == 200 and report.json()["report"]["systems"] >= 1
    calendar = server.get("/inventory/calendar", Cookie=headers["Cookie"])
    assert 'href="/inventory/deadlines.ics"' in calendar.text
    created = _post_form(
        server,
        "/inventory/calendar",
        {"csrf_token": _field(calendar.text, "csrf_token")},
        {"Cookie": headers["Cookie"]},
    )
    url = re.search(r'id="sub-url" type="text" readonly value="([^"]+)"', created.text)
    assert url and "token=aidk_" in url.group(1)
    feed_path = urlsplit(unescape(url.group(1)))
    feed = server.get(f"{feed_path.path}?{feed_path.query}")  # no cookie: the token is in the address
    assert feed.status == 200 and feed.body.startswith(b"BEGIN:VCALENDAR") and b"Calendar system" in feed.body
    assert server.get("/inventory/deadlines.ics?token=aidk_wrong").status == 401
    assert server.get("/inventory/deadlines.ics", Cookie=headers["Cookie"]).status == 200


def test_sign_out_ends_the_session_in_the_browser(server: Server) -> None:
    headers = login(server)
    html = server.get("/inventory", Cookie=headers["Cookie"]).text
    out = _post_form(
        server, "/signout", {"csrf_token": _field(html, "csrf_token")}, {"Cookie": headers["Cookie"]}
    )
    assert out.status == 303 and 'aidesk_session=""' in out.headers["set-cookie"]
    forged = _post_form(server, "/signout", {"csrf_token": "nope"}, {"Cookie": headers["Cookie"]})
    assert forged.status == 403


def test_first_run_offers_the_setup_form(tmp_path: Any, monkeypatch: Any) -> None:
    """A server without users shows the first-run hint and creates the first admin (in-process app)."""
    import warnings

    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

    from aidesk.api.first_run import ensure_setup_token
    from aidesk.app import create_app
    from aidesk.settings import Settings

    monkeypatch.setenv("AIDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AIDESK_DATABASE_URL", raising=False)
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite+pysqlite:///{tmp_path / 'aidesk.db'}")
    from aidesk.inventory.db import Database

    Database(settings.database_url).upgrade()
    setup_token = ensure_setup_token(settings)
    with TestClient(create_app(settings)) as client:
        page = client.get("/signin")
        assert "First run" in page.text and "aidesk users create" in page.text
        csrf = _field(page.text, "csrf_token")
        wrong = client.post("/signin/setup", data={"csrf_token": csrf, "setup_token": "x", "organisation": "Acme",
                                                    "email": "a@acme.example", "password": "correct horse battery"})  # fmt: skip
        assert wrong.status_code == 403
        ok = client.post("/signin/setup", data={"csrf_token": csrf, "setup_token": setup_token, "organisation": "Acme",
                                                 "email": "a@acme.example", "password": "correct horse battery"},
                         follow_redirects=False)  # fmt: skip
        assert ok.status_code == 303 and ok.headers["location"] == "/inventory"
        assert client.get("/inventory?format=json").json()["size"] == 0
        assert "First run" not in client.get("/signin").text


def test_every_signed_in_page_has_a_json_twin(server: Server) -> None:
    headers = login(server)
    for path in ("/inventory", "/inventory/import", "/inventory/reassess", "/inventory/calendar", "/signin"):
        by_query = server.get(path + "?format=json", Cookie=headers["Cookie"])
        by_accept = server.get(path, Cookie=headers["Cookie"], Accept="application/json")
        assert by_query.status == 200, path
        assert by_query.headers["content-type"].startswith("application/json"), path
        assert by_query.json() == by_accept.json(), path
    assert server.get("/signin?format=json", Cookie=headers["Cookie"]).json()["signed_in"] == ADMIN_EMAIL
