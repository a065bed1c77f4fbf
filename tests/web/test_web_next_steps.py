"""Next steps on the assessment result page (issue 10), over real HTTP: who can help, why, which
provision says so, what the directory's data lacks, and the sector select (a plain GET form)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from web_support import Server

from aidesk.web.assess import encode_profile

SME_FR: dict[str, Any] = {
    "name": "CV screening assistant",
    "kind": "ai_system",
    "roles": ["provider"],
    "organisation": {"country": "FR", "size": "small"},
    "location": {"established_in_eu": True, "placed_on_eu_market": True, "output_used_in_eu": True},
    "annex_iii": ["4(a)"],
    "article_6_3": {"profiling_of_natural_persons": True},
}


def _result(profile: dict[str, Any], **params: str) -> str:
    return "/assess/result?" + urlencode({"p": encode_profile(profile), **params})


class _Section(HTMLParser):
    """The next-steps section: its links, ids, steps, and the sector form (action, fields, options)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.steps: list[str] = []
        self.form: dict[str, str] = {}
        self.fields: dict[str, str] = {}
        self.options: dict[str, bool] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "section" and a.get("id") == "next-steps":
            self.depth = 1
        elif tag == "section" and self.depth:
            self.depth += 1
        if not self.depth:
            return
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "li" and a.get("id", "").startswith("step-"):
            self.steps.append(a["id"].removeprefix("step-"))
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self.form = a
        if tag == "input" and a.get("type") == "hidden":
            self.fields[a["name"]] = a["value"]
        if tag == "option":
            self.options[a["value"]] = "selected" in a

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self.depth:
            self.depth -= 1


def _section(html: str) -> _Section:
    parser = _Section()
    parser.feed(html)
    return parser


def _step_html(html: str, step: str) -> str:
    start = html.index(f'id="step-{step}"')
    return html[start : html.index("</li>\n    <li", start) if "</li>\n    <li" in html[start:] else None]


def test_a_high_risk_sme_provider_in_france_gets_the_authority_sandbox_and_edih_steps(server: Server) -> None:
    reply = server.get(_result(SME_FR))
    assert reply.status == 200
    html = reply.text
    assert "Next steps — who can help" in html
    section = _section(html)
    assert {"market_surveillance_authority", "sandbox_sme_priority", "edih_testing", "service_desk"} <= set(
        section.steps
    )
    # The authority: linked to its directory entry, with the provisions that say so.
    authority = _step_html(html, "market_surveillance_authority")
    assert 'href="/directory/auth-fr"' in authority
    assert 'href="/law/article/70#art-70-2"' in authority
    # The sandbox: none is recorded for France, and the page says so rather than guess.
    sandbox = _step_html(html, "sandbox_sme_priority")
    assert "No AI regulatory sandbox is recorded for FR" in sandbox
    assert 'href="/law/article/57#art-57-5"' in sandbox and 'href="/law/article/62#art-62-1-a"' in sandbox
    assert "<code>aidesk directory search --kind sandbox --country FR</code>" in sandbox
    # EDIHs: the legacy 2022 hubs are marked as the directory marks them, the rest is one link away.
    edihs = _step_html(html, "edih_testing")
    assert "badge-legacy" in edihs and "legacy 2022 data" in edihs
    assert "No current EDIH in FR is listed" in edihs
    assert 'href="/directory?kind=edih&amp;country=FR"' in edihs
    listed = server.get("/directory?kind=edih&country=FR&format=json").json()
    shown = edihs.count('<li><a href="/directory/')
    twin = server.get(_result(SME_FR, format="json")).json()["next_steps"]
    edih_step = next(s for s in twin["steps"] if s["id"] == "edih_testing")
    assert shown == len(edih_step["entries"]) and f"{edih_step['more']} more in the directory" in edihs
    assert listed["total"] >= edih_step["more"] > 0
    # No sector can be derived from Annex III 4(a): the steps of a sector ask for one.
    tef = _step_html(html, "sector_tef")
    assert 'href="#next-steps-sector"' in tef and "Choose a sector." in tef
    assert "--sector" not in tef.split("<code>")[0]  # the page's words, not the command line's


def test_every_link_of_the_next_steps_resolves(server: Server) -> None:
    page = _result(SME_FR, sector="healthcare")
    section = _section(server.get(page).text)
    assert section.links
    for href in sorted(set(section.links)):
        path, _, fragment = href.partition("#")
        if not path:
            assert fragment in section.ids, href  # the sector select, on this page
            continue
        reply = server.get(path)
        assert reply.status == 200, (href, reply.status)
        if fragment:
            assert f'id="{fragment}"' in reply.text, href


def test_the_json_twin_carries_the_services_next_steps(server: Server) -> None:
    twin = server.get(_result(SME_FR, format="json")).json()
    steps = twin["next_steps"]
    assert steps["schema"] == "aidesk/next-steps/v1"
    assert steps["organisation"] == {"country": "FR", "size": "small", "roles": ["provider"]}
    assert {"step": "sandbox_sme_priority", "gap": "No AI regulatory sandbox is recorded for FR in the directory data."} in steps["gaps"]  # fmt: skip
    sandbox = next(s for s in steps["steps"] if s["id"] == "sandbox_sme_priority")
    assert sandbox["citations"] == ["Art. 57(1)", "Art. 57(5)", "Art. 62(1)(a)", "Art. 58(2)(d)"]
    # The same JSON as the API's next steps for this profile.
    api = server.request(
        "POST",
        "/api/v1/directory/next-steps",
        json.dumps(SME_FR),
        {"Content-Type": "application/json", "Accept": "application/json"},
    )
    assert api.status == 200, api.text[:300]
    assert api.json()["steps"] == steps["steps"]


def test_the_sector_select_reloads_the_result_with_the_sector_without_javascript(server: Server) -> None:
    page = _result(SME_FR, regime="ai-act-2024")
    section = _section(server.get(page).text)
    form = section.form
    assert form["method"] == "get" and form["action"] == "/assess/result#next-steps"
    assert set(section.fields) == {"p", "regime"} and section.fields["regime"] == "ai-act-2024"
    assert section.options[""] and "healthcare" in section.options  # "from the profile" is chosen
    # What the browser sends when the form is submitted (no JavaScript needed).
    action = urlsplit(form["action"]).path
    chosen = server.get(f"{action}?{urlencode({**section.fields, 'sector': 'healthcare'})}")
    assert chosen.status == 200
    html = chosen.text
    again = _section(html)
    assert again.options["healthcare"] and not again.options[""]
    assert again.fields == section.fields  # the profile and the regime are kept
    tef = _step_html(html, "sector_tef")
    assert 'href="/directory/tef-health"' in tef and "Choose a sector." not in tef
    assert 'href="/directory/ds-health"' in _step_html(html, "sector_data_spaces")
    assert "Sector: Healthcare (incl. pharmaceuticals) (chosen)." in html
    twin = server.get(
        f"{action}?{urlencode({**section.fields, 'sector': 'healthcare', 'format': 'json'})}"
    ).json()
    assert twin["next_steps"]["sectors"][0]["from"] == "--sector"
    assert twin["next_steps"]["regime_version"] == twin["assessment"]["regime_version"]


def test_the_example_keeps_its_own_address_and_a_bad_sector_is_said(server: Server) -> None:
    section = _section(server.get("/assess/example").text)
    assert section.form["action"] == "/assess/example#next-steps" and not section.fields
    bad = server.get("/assess/example?sector=nowhere")
    assert bad.status == 422
    assert 'role="alert"' in bad.text and "This sector is not known" in bad.text
    assert "sandbox_sme_priority" in _section(bad.text).steps  # the steps are still there


def test_a_derived_sector_and_what_the_profile_lacks(server: Server) -> None:
    # Credit scoring (Annex III 5(b)) belongs to finance: no sector needs choosing.
    credit: dict[str, Any] = {"name": "Credit scoring", "roles": ["provider"], "annex_iii": ["5(b)"],
              "organisation": {"country": "DE", "size": "medium"}}  # fmt: skip
    html = server.get(_result(credit)).text
    assert (
        "Sector: Finance (possible future sector) (from the profile: <code>annex_iii: 5(b)</code>)." in html
    )
    assert "Choose a sector." not in html
    # No country: the national steps say so and point to the profile's editor.
    nowhere: dict[str, Any] = {"name": "Somewhere", "roles": ["provider"], "annex_iii": ["4(a)"]}
    html = server.get(_result(nowhere)).text
    authority = _step_html(html, "market_surveillance_authority")
    assert "Give the organisation&#39;s country in the profile." in authority
    assert "<code>organisation.country</code>" in authority
    edit = re.search(r'<a href="(/assess/edit\?p=[^"]+)">Give the organisation', authority)
    assert edit is not None and server.get(edit.group(1).replace("&amp;", "&")).status == 200


def test_french_next_steps(server: Server) -> None:
    html = server.get(_result(SME_FR, lang="fr")).text
    assert "Prochaines étapes — qui peut vous aider" in html
    assert "Aucun bac à sable réglementaire de l&#39;IA n&#39;est enregistré pour FR" in html
    assert "Choisissez un secteur." in html and "données historiques de 2022" in html
    query = dict(parse_qsl(urlsplit(_result(SME_FR, lang="fr", sector="healthcare")).query))
    twin = server.get("/assess/result?" + urlencode({**query, "format": "json"})).json()
    assert twin["next_steps"]["lang"] == "fr"
    assert twin["next_steps"]["sectors"][0]["label"] == "Santé (y compris pharmaceutique)"


def test_under_the_2024_regime_the_steps_cite_the_text_they_were_written_for(server: Server) -> None:
    html = server.get(_result(SME_FR, regime="ai-act-2024")).text
    literacy = _step_html(html, "ai_literacy")
    assert 'href="/law/article/4#art-4-1"' in literacy  # Art. 4(1) exists in the 2026 text only
    assert "version=2024" not in literacy
