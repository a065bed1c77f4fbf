"""The compute planner page (issue 10) over real HTTP: the form without JavaScript, the plan in plain
words with its citations and access routes linked, the profile snippet download, the JSON twin, bad
input, and the French page (no English UI text, every link and anchor answering)."""

from __future__ import annotations

import json
import re
from html import unescape
from io import StringIO
from urllib.parse import urldefrag, urlencode

import pytest
from ruamel.yaml import YAML
from test_i18n import _assert_french, _english_ui_strings
from test_links import _Links
from web_support import Server

from aidesk.rules.profile import profile_from_data
from aidesk.web.compute import parse_number, sci, yaml_float

PAGE = "/directory/compute"
SEVEN_B = {"params": "7B", "tokens": "2e12", "accelerator": "h100", "utilisation": "40"}
FRONTIER = {"params": "1e12", "tokens": "3e13", "accelerator": "mi250x", "utilisation": "35", "country": "FI"}


def _url(query: dict[str, str], **extra: str) -> str:
    return f"{PAGE}?{urlencode({**query, **extra})}"


def test_the_directory_links_to_the_planner_and_its_form_needs_no_javascript(server: Server) -> None:
    assert f'href="{PAGE}"' in server.get("/directory").text
    reply = server.get(PAGE)
    assert reply.status == 200
    html = reply.text
    form = re.search(r'<form action="/directory/compute" method="get">(.*?)</form>', html, re.S)
    assert form, "a plain GET form"
    for name in ("params", "tokens", "accelerator", "utilisation", "country"):
        assert f'name="{name}"' in form.group(1)
    assert "hx-" not in form.group(1)
    for acc in ("h100", "gh200", "a100", "mi250x"):
        assert f'<option value="{acc}"' in html
    assert 'id="result"' not in html  # no plan until asked


def test_a_plan_in_plain_words_with_citations_routes_and_snippet(server: Server) -> None:
    reply = server.get(_url(SEVEN_B))
    assert reply.status == 200
    html = unescape(reply.text)
    assert "Training compute: about 8.4 × 10²² FLOP" in html
    assert "Guidelines C(2025) 5045 para 132" in html and "Kaplan" in html
    assert "About 58,982 accelerator-hours" in html and "2.5 days on 1,000 accelerators" in html
    # Citations into the law view; the guidelines paragraph is named.
    assert 'href="/law/article/51#art-51-2"' in html and 'href="/law/article/51#art-51-1-b"' in html
    assert "Guidelines C(2025) 5045 para 17" in html
    assert html.count(">not above<") == 2
    # Access routes linked to their directory entries.
    assert (
        'href="/directory/edih-network"' in html and 'href="/directory/prog-eurohpc-ai-data-access"' in html
    )
    # The snippet and the CLI line.
    assert "training_compute_flop: 8.4e+22" in html
    assert "aidesk compute plan --params 7e+09 --tokens 2e+12" in html
    snippet_href = re.search(r'href="(/directory/compute/profile\.yaml\?[^"]+)"', html)
    assert snippet_href
    download = server.get(snippet_href.group(1))
    assert download.status == 200
    assert download.headers["content-type"].startswith("application/yaml")
    assert 'filename="training-compute.yaml"' in download.headers["content-disposition"]
    snippet = YAML(typ="safe").load(StringIO(download.text))
    assert snippet == {"kind": "gpai_model", "gpai_model": {"training_compute_flop": 8.4e22}}
    profile = profile_from_data({"name": "Our 7B model", "roles": ["provider"], **snippet})
    assert profile.gpai_model.training_compute_flop == 8.4e22


def test_a_frontier_plan_is_presumed_systemic_and_lists_the_gigafactories(server: Server) -> None:
    html = unescape(server.get(_url(FRONTIER)).text)
    assert "Training compute: about 1.8 × 10²⁶ FLOP" in html
    assert html.count(">above<") == 2
    assert "presumed to have high-impact capabilities" in html
    assert 'href="/law/article/52#art-52-1"' in html
    assert 'href="/directory/gigafactory-investai"' in html and "/directory/edih-network" not in html
    # Finland first: its AI Factory before the others.
    routes = re.findall(r'<h3><a href="/directory/([^"]+)">', html)
    assert routes[0] == "aif-fi-lumi", routes[:3]


def test_the_json_twin_has_the_plan(server: Server) -> None:
    by_query = server.get(_url(SEVEN_B, format="json"))
    by_accept = server.get(_url(SEVEN_B), Accept="application/json")
    assert by_query.status == by_accept.status == 200
    assert by_query.headers["content-type"].startswith("application/json")
    data = by_query.json()
    assert data == by_accept.json()
    plan = data["plan"]
    assert plan["training_compute_flop"] == pytest.approx(8.4e22)
    assert {t["id"]: t["above"] for t in plan["thresholds"]} == {
        "gpai_indicative": False,
        "systemic_risk_presumption": False,
    }
    assert all(r["href"] == f"/directory/{r['id']}" for r in plan["routes"])
    # The same numbers as the API.
    api = server.get(plan["api_href"]).json()
    assert api["training_compute_flop"] == plan["training_compute_flop"]
    assert api["accelerator_hours"] == pytest.approx(plan["accelerator_hours"])
    assert [r["id"] for r in api["routes"]] == [r["id"] for r in plan["routes"]]
    # The empty form's twin: options, no plan.
    empty = server.get(f"{PAGE}?format=json").json()
    assert empty["plan"] is None and empty["errors"] == {}
    assert [a["value"] for a in empty["options"]["accelerators"]] == ["a100", "gh200", "h100", "mi250x"]


@pytest.mark.parametrize(
    ("query", "fields"),
    [
        ({"params": "-7e9", "tokens": "2e12"}, {"params"}),
        ({"params": "0", "tokens": "0"}, {"params", "tokens"}),
        ({"params": "nan", "tokens": "inf"}, {"params", "tokens"}),
        ({"params": "1e30", "tokens": "2e12"}, {"params"}),
        ({"params": "seven billion", "tokens": "2e12"}, {"params"}),
        ({"params": "7e9", "tokens": "2e12", "utilisation": "0.4"}, {"utilisation"}),
        ({"params": "7e9", "tokens": "2e12", "utilisation": "140"}, {"utilisation"}),
        ({"params": "7e9", "tokens": "2e12", "accelerator": "tpu"}, {"accelerator"}),
        ({"params": "7e9", "tokens": "2e12", "country": "ZZ"}, {"country"}),
        ({"params": "7e9"}, {"tokens"}),
    ],
)
def test_bad_input_is_a_422_page_naming_the_fields(
    server: Server, query: dict[str, str], fields: set[str]
) -> None:
    reply = server.get(_url(query))
    assert reply.status == 422
    for name in fields:
        assert f'id="{name}"' in reply.text and f'aria-describedby="e-{name}"' in reply.text
    twin = server.get(_url(query, format="json"))
    assert twin.status == 422 and twin.headers["content-type"].startswith("application/problem+json")
    assert set(twin.json()["errors"]) == fields and twin.json()["plan"] is None
    download = server.get(f"{PAGE}/profile.yaml?{urlencode(query)}")
    assert download.status == 422 and download.headers["content-type"].startswith("text/html")


def test_the_download_without_a_plan_goes_back_to_the_form(server: Server) -> None:
    reply = server.get(f"{PAGE}/profile.yaml")
    assert reply.status == 303 and reply.headers["location"] == PAGE


def test_the_french_page_is_french_and_its_numbers_too(server: Server) -> None:
    english = _english_ui_strings()
    for path in (PAGE, _url(SEVEN_B), _url(FRONTIER)):
        _assert_french(server, path, english)
    bad = server.get(_url({"params": "-1", "tokens": "x"}), Cookie="aidesk_lang=fr")
    assert bad.status == 422 and '<html lang="fr">' in bad.text
    assert "Certaines valeurs ne sont pas valides" in bad.text
    assert "Indiquez le nombre de paramètres" in unescape(bad.text)
    html = unescape(server.get(_url(SEVEN_B), Cookie="aidesk_lang=fr").text)
    assert "Calcul d'entraînement : environ 8,4 × 10²² FLOP" in html
    assert (
        "Environ 58\u202f982 heures d'accélérateur" in html or "Environ 58 982 heures d'accélérateur" in html
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_link_and_anchor_of_a_plan_answers(server: Server, lang: str) -> None:
    for query in (SEVEN_B, FRONTIER):
        page = server.get(_url(query, lang=lang))
        links = _Links()
        links.feed(page.text)
        checked = 0
        for href in set(links.links):
            if not href.startswith("/") or href.startswith(
                ("/static/", "/lang/", "/docs", "/signin", "/inventory")
            ):
                continue
            target, fragment = urldefrag(unescape(href))
            reply = server.get(target)
            assert reply.status == 200, (href, reply.status)
            if fragment:
                assert f'id="{fragment}"' in reply.text, href
            checked += 1
        assert checked > 15


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7e9", 7e9),
        ("7B", 7e9),
        ("2T", 2e12),
        ("7 000 000 000", 7e9),
        ("7\u202f000\u202f000\u202f000", 7e9),
        ("7,000,000,000", 7e9),
        ("7,5e9", 7.5e9),
        ("7.5e9", 7.5e9),
        ("7×10^9", 7e9),
        ("10^23", 1e23),
        ("10^999", float("inf")),
        ("40", 40.0),
        ("", None),
        ("seven", None),
    ],
)
def test_numbers_are_read_as_people_write_them(text: str, value: float | None) -> None:
    assert parse_number(text) == value


def test_numbers_are_shown_and_written_for_people_and_for_yaml() -> None:
    assert sci(8.4e22, "en") == "8.4 × 10²²" and sci(8.4e22, "fr") == "8,4 × 10²²"
    assert sci(1e25, "en") == "10²⁵"
    assert yaml_float(1e23) == "1.0e+23" and yaml_float(8.4e22) == "8.4e+22"
    for value in (1e23, 8.4e22, 1.2345678e26):
        assert json.loads(yaml_float(value)) == pytest.approx(value, rel=1e-6)
