"""The web desk over real HTTP (a real `aidesk serve`): pages, JSON twins, languages, errors."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

from web_support import Server

HIGH_RISK = {
    "name": "CV screening assistant",
    "kind": "ai_system",
    "roles": ["provider"],
    "organisation": {"country": "FR", "size": "small"},
    "location": {"established_in_eu": True, "placed_on_eu_market": True, "output_used_in_eu": True},
    "annex_iii": ["4(a)"],
    "article_6_3": {"profiling_of_natural_persons": True},
}


def test_healthz_and_openapi_describe_the_api_not_the_pages(server: Server) -> None:
    assert server.get("/healthz").json()["status"] == "ok"
    spec = server.get("/openapi.json").json()
    assert "/healthz" in spec["paths"]
    assert not [p for p in spec["paths"] if p.startswith(("/law", "/assess", "/directory", "/lang"))]


def test_home_has_the_three_questions_and_a_language_switch(server: Server) -> None:
    html = server.get("/").text
    for href in ('href="/assess"', 'href="/law"', 'href="/directory"'):
        assert href in html
    assert 'href="/lang/fr?next=/"' in html
    assert 'class="skip-link" href="#main"' in html and '<main id="main"' in html


def test_lang_query_sets_the_cookie_and_the_cookie_is_remembered(server: Server) -> None:
    first = server.get("/law?lang=fr")
    assert '<html lang="fr">' in first.text
    assert "aidesk_lang=fr" in first.headers.get("set-cookie", "")
    again = server.get("/directory", Cookie="aidesk_lang=fr")
    assert '<html lang="fr">' in again.text and "Annuaire" in again.text
    assert '<html lang="fr">' in server.get("/", Accept_Language="fr-FR,fr;q=0.9,en;q=0.5").text
    assert '<html lang="en">' in server.get("/", Accept_Language="de-DE,en;q=0.5").text


def test_the_language_switch_redirects_back_and_is_not_an_open_redirect(server: Server) -> None:
    r = server.get("/lang/fr?next=/law/article/5%3Fversion%3D2024")
    assert r.status == 303 and r.headers["location"] == "/law/article/5?version=2024"
    assert "aidesk_lang=fr" in r.headers["set-cookie"]
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        r = server.get("/lang/en?" + urlencode({"next": target}))
        assert r.headers["location"] == "/"


def test_every_page_has_a_json_twin(server: Server) -> None:
    for path in ("/", "/law", "/law/article/5", "/law/recitals", "/law/annex/III", "/law/amending",
                 "/assess", "/assess/example", "/directory?country=FR", "/directory/aif-es-bsc", "/about"):  # fmt: skip
        by_query = server.get(path + ("&" if "?" in path else "?") + "format=json")
        by_accept = server.get(path, Accept="application/json")
        assert by_query.status == 200, path
        assert by_query.headers["content-type"].startswith("application/json"), path
        assert by_query.json() == by_accept.json(), path
    html = server.get("/law", Accept="text/html,application/xhtml+xml,application/json;q=0.9,*/*;q=0.8")
    assert html.headers["content-type"].startswith("text/html")


def test_article_points_are_anchored_and_amendments_marked(server: Server) -> None:
    html = server.get("/law/article/5").text
    for anchor in ("art-5-1", "art-5-1-f", "art-5-1-h-iii", "art-5-1-ba", "art-5-1a"):
        assert f'id="{anchor}"' in html, anchor
    assert "Reg. (EU) 2026/1744, Art. 1 point 7" in html
    assert 'href="/law/amending#art-1-point-7"' in server.get("/law/article/5").text
    assert 'id="art-1-point-7"' in server.get("/law/amending").text
    # Articles whose points are cited directly (Art. 3(14)) and counted paragraphs (Art. 113(3)(c)).
    assert 'id="art-3-14"' in server.get("/law/article/3").text
    assert 'id="art-113-3-c"' in server.get("/law/article/113").text
    annex = server.get("/law/annex/I").text
    assert 'id="annex-i-sb-21"' in annex and 'id="annex-i-sb"' in annex
    assert 'id="annex-iii-4-a"' in server.get("/law/annex/III").text
    assert 'id="rec-53"' in server.get("/law/recitals").text


def test_versions_2024_and_2026(server: Server) -> None:
    old = server.get("/law/article/5?version=2024&format=json").json()
    new = server.get("/law/article/5?format=json").json()
    assert old["version"] == "2024" and new["version"] == "2026"
    refs_old = {p["ref"] for para in old["paragraphs"] for p in para["points"]}
    refs_new = {p["ref"] for para in new["paragraphs"] for p in para["points"]}
    assert "Art. 5(1)(ba)" in refs_new - refs_old
    # In the 2024 text, provisions changed later point to the 2026 text.
    assert (
        "Changes made by Regulation (EU) 2026/1744 in this article"
        in server.get("/law/article/5?version=2024").text
    )
    assert "Changed in 2026" in server.get("/law/article/3?version=2024").text
    # Art. 4a does not exist in 2024: its version switch leads to the 2024 contents.
    assert 'href="/law?version=2024"' in server.get("/law/article/4a").text
    assert server.get("/law/article/4a?version=2024").status == 404
    assert server.get("/law?version=1999").status == 404


def test_french_pages_quote_english_only_for_amended_provisions_and_say_so(server: Server) -> None:
    fr = server.get("/law/article/5?lang=fr").text
    assert "Pratiques interdites" in fr
    block = fr[fr.index('id="art-5-1-ba"') - 200 : fr.index('id="art-5-1-ba"') + 1200]
    assert 'lang="en"' in block and "Texte anglais" in block
    f_point = fr[fr.index('id="art-5-1-f"') - 100 : fr.index('id="art-5-1-f"') + 300]
    assert 'lang="en"' not in f_point
    data = server.get("/law/article/4a?lang=fr&format=json").json()
    assert data["english"] is True and data["chapter"]["title"] == "DISPOSITIONS GÉNÉRALES"


def test_cite_box_goes_to_the_exact_point(server: Server) -> None:
    r = server.get("/law/cite?" + urlencode({"ref": "article 5, paragraphe 1, point f)"}))
    assert r.status == 303 and r.headers["location"] == "/law/article/5#art-5-1-f"
    r = server.get("/law/cite?" + urlencode({"ref": "Annex I Section B 20", "version": "2024"}))
    assert r.headers["location"] == "/law/annex/I?version=2024#annex-i-sb-20"
    assert server.get("/law/cite?ref=Recital+53").headers["location"] == "/law/recitals#rec-53"
    missing = server.get("/law/cite?ref=Art.+5(9)")
    assert missing.status == 404 and "Art. 5 has no paragraph 9" in missing.text
    twin = server.get("/law/cite?ref=Art.+5(1)(f)&format=json").json()
    assert twin["href"] == "/law/article/5#art-5-1-f" and "emotions" in twin["text"]


def test_assess_json_twin_returns_the_assessment_and_the_omnibus_diff(server: Server) -> None:
    r = server.request("POST", "/assess?as_of=2026-11-25", json.dumps(HIGH_RISK),
                       {"Content-Type": "application/json", "Accept": "application/json"})  # fmt: skip
    assert r.status == 200
    body = r.json()
    a = body["assessment"]
    assert a["schema"] == "aidesk/assessment/v1" and a["risk_class"] == "high_risk"
    assert a["high_risk_grounds"] == ["Annex III 4(a)"] and a["as_of"] == "2026-11-25"
    moved = {o["id"]: (o["from"], o["to"]) for o in body["omnibus"]["obligations_moved"]}
    assert moved["risk_management"] == ("2026-08-02", "2027-12-02")


def test_a_bad_profile_is_422_with_one_problem_per_key(server: Server) -> None:
    bad = {**HIGH_RISK, "roles": ["provider", "boss"], "organisation": {"country": "XX"}}
    r = server.request(
        "POST", "/assess", json.dumps(bad), {"Content-Type": "application/json", "Accept": "application/json"}
    )
    assert r.status == 422 and r.headers["content-type"].startswith("application/problem+json")
    paths = {p["path"] for p in r.json()["problems"]}
    assert {"roles[1]", "organisation.country"} <= paths
    # The HTML form: the problems again, next to their fields.
    form = urlencode(
        {"name": "X", "roles": "provider", "organisation.country": "", "placed_on_market": "2026-02-30"}
    )
    r = server.request("POST", "/assess", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 422
    assert 'id="p-placed_on_market"' in r.text and 'aria-invalid="true"' in r.text
    pasted = urlencode({"profile_text": "name: X\nkind: robot\n"})
    r = server.request("POST", "/assess", pasted, {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 422 and "kind" in r.text and "name: X" in r.text


def test_the_form_redirects_to_a_bookmarkable_result(server: Server) -> None:
    form = urlencode(
        [("name", "Chatbot"), ("roles", "provider"), ("transparency.interacts_with_natural_persons", "on"),
         ("organisation.country", "DE"), ("location.established_in_eu", "yes"), ("as_of", "2026-09-01")]
    )  # fmt: skip
    r = server.request("POST", "/assess", form, {"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 303
    location = r.headers["location"]
    assert location.startswith("/assess/result?") and parse_qs(urlsplit(location).query)["as_of"] == [
        "2026-09-01"
    ]
    result = server.get(location)
    assert result.status == 200 and "class-transparency" in result.text and "<svg" in result.text
    twin = server.get(location + "&format=json").json()
    assert twin["assessment"]["transparency_obligations"] == ["Art. 50(1)"]
    assert server.get("/assess/result?p=not-a-profile").status == 422


def test_an_uploaded_profile_file_is_assessed(server: Server) -> None:
    boundary = "----aidesk"
    yaml_text = "name: Upload\nroles: [deployer]\nannex_iii: ['5(b)']\n"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.yaml"\r\n'
        f"Content-Type: application/yaml\r\n\r\n{yaml_text}\r\n--{boundary}--\r\n"
    )
    r = server.request("POST", "/assess", body, {"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status == 303
    assert "class-high_risk" in server.get(r.headers["location"]).text


def test_directory_filters_map_and_entries(server: Server) -> None:
    data = server.get("/directory?country=FR&kind=ai_factory&format=json").json()
    assert data["total"] >= 1 and all("FR" in e["countries"] for e in data["results"])
    assert all(e["kind"] == "ai_factory" for e in data["results"])
    assert len(data["counts"]) == 27
    html = server.get("/directory?kind=ai_factory").text
    assert html.count('class="tile-link"') == 27 and 'aria-label="France: ' in html
    assert server.get("/directory?country=ZZ").status == 422
    entry = server.get("/directory/aifa-ch").text
    assert "badge-unverified" in entry and "https://" in entry
    assert server.get("/directory/no-such-entry").status == 404


def test_errors_are_pages_in_the_users_language(server: Server) -> None:
    r = server.get("/nope", Cookie="aidesk_lang=fr")
    assert r.status == 404 and "Page introuvable" in r.text
    assert server.get("/nope?format=json").json()["status"] == 404
    assert server.get("/law/article/999").status == 404


def test_static_files_are_local_and_no_page_loads_from_elsewhere(server: Server) -> None:
    assert server.get("/static/htmx.min.js").status == 200
    assert server.get("/static/aidesk.css").status == 200
    for path in ("/", "/law/article/5", "/assess", "/directory"):
        html = server.get(path).text
        for src in re.findall(r'<(?:script|link|img)[^>]+(?:src|href)="([^"]+)"', html):
            assert src.startswith("/"), (path, src)


def test_the_service_desk_answers_with_cited_highlighted_passages(server: Server) -> None:
    r = server.get("/desk?" + urlencode({"q": "Who must carry out a fundamental rights impact assessment?"}))
    assert r.status == 200
    assert '<a class="cite" href="/law/article/27#art-27-' in r.text
    assert "<mark>" in r.text
    twin = server.get(
        "/desk?" + urlencode({"q": "fundamental rights impact assessment", "format": "json"})
    ).json()
    refs = [h["ref"] for h in twin["answer"]["passages"]] + [h["ref"] for h in twin["results"]]
    assert any(ref.startswith("Art. 27") for ref in refs)
    assert all(h["href"] for h in twin["answer"]["passages"])
    assert server.get("/desk").status == 200
