"""The web desk in a real browser: Debian's chromium driven by Playwright, against a real `aidesk serve`.

Scenarios as a user lives them: a high-risk system assessed in French from the home page, a citation
link landing on its point, the directory filtered, the language remembered, keyboard use, the core flows
without JavaScript. The main pages are saved as screenshots into docs/screenshots/ (shown in the README).
"""

from __future__ import annotations

import re
from typing import Any

from conftest import SCREENSHOTS, Server


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def _in_viewport(page: Any, selector: str) -> bool:
    return bool(
        page.eval_on_selector(
            selector,
            "el => { const r = el.getBoundingClientRect();"
            " return r.top >= -1 && r.top < window.innerHeight && r.height > 0; }",
        )
    )


def test_a_high_risk_system_assessed_in_french_end_to_end(page: Any) -> None:
    page.goto("/")
    _shot(page, "home")
    page.get_by_role("link", name="Français").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("link", name="Évaluer un système").click()
    page.wait_for_url("**/assess")
    page.get_by_label("Nom du système").fill("Tri de CV")
    page.get_by_label("Fournisseur").check()
    page.get_by_label("Pays", exact=True).select_option("FR")
    page.get_by_label("Taille").select_option("small")
    page.locator("details.area", has_text="4. ").locator("summary").click()
    page.locator("#annex_iii-4\\(a\\)").check()
    page.get_by_text("Dérogation pour les systèmes de l'annexe III").click()  # a closed <details>
    page.get_by_label("Effectue un profilage de personnes physiques", exact=False).check()
    page.get_by_label("Obligations en vigueur à la date du", exact=False).fill("2026-11-25")
    page.get_by_role("button", name="Évaluer").click()
    page.wait_for_url("**/assess/result?**")
    assert page.locator(".class-badge").first.inner_text() == "Haut risque"
    assert page.get_by_role("heading", name="En tant que fournisseur").is_visible()
    assert page.locator("svg.timeline").is_visible()
    assert page.get_by_role("heading", name="Ce que l'omnibus IA a changé").is_visible()
    assert "2 décembre 2027" in page.locator("table.obligations").first.inner_text()
    _shot(page, "assessment-result-fr")
    page.locator(".timeline-figure").screenshot(path=str(SCREENSHOTS / "assessment-timeline-fr.png"))
    # A ground links into the law, on the exact point of Annex III, in French.
    page.locator(".grounds a.cite", has_text="Annex III 4(a)").click()
    page.wait_for_url("**/law/annex/III#annex-iii-4-a")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert _in_viewport(page, "#annex-iii-4-a")
    assert page.eval_on_selector("#annex-iii-4-a", "el => el.matches(':target')")


def test_a_citation_link_lands_on_the_right_point(page: Any) -> None:
    page.goto("/law")
    _shot(page, "law-contents")
    page.get_by_label("Go to a provision").fill("art. 5 para 1 point f")
    page.get_by_role("button", name="Go", exact=True).click()
    page.wait_for_url("**/law/article/5#art-5-1-f")
    assert _in_viewport(page, "#art-5-1-f")
    assert "emotions" in page.locator("#art-5-1-f").inner_text()
    _shot(page, "law-article-point")
    # A search on the service desk: its citation links land on their point too.
    page.goto("/desk")
    page.get_by_label("Ask a question about the AI Act").fill("emotion recognition at the workplace")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**/desk?q=**")
    _shot(page, "service-desk")
    link = page.locator("ol.hits a.cite").first
    href = link.get_attribute("href")
    assert href and "#" in href
    link.click()
    page.wait_for_url("**" + href)
    anchor = "#" + href.split("#", 1)[1]
    assert _in_viewport(page, anchor) and page.eval_on_selector(anchor, "el => el.matches(':target')")
    # The mark of an amended point links to the amending act, on its numbered point.
    page.goto("/law/article/5")
    page.locator("#art-5-1-ba .mark-amended a").first.click()
    page.wait_for_url("**/law/amending#art-1-point-7")
    assert _in_viewport(page, "#art-1-point-7")


def test_the_directory_filters_with_and_without_javascript(page: Any, browser: Any, server: Server) -> None:
    page.goto("/directory")
    total = page.locator("#results-h").inner_text()
    page.get_by_label("Kind").select_option("ai_factory")  # htmx: the results area is replaced in place
    page.wait_for_url(re.compile(r"kind=ai_factory"))
    page.wait_for_function("() => !document.querySelector('#results-h').innerText.startsWith('792')")
    assert page.locator("#results-h").inner_text() != total
    kinds = page.locator(".entry-card .badge").all_inner_texts()
    assert kinds and all(k.startswith("AI Factory") for k in kinds if not k.startswith(("legacy", "partly")))
    page.locator('svg.cartogram a[aria-label^="Germany"]').click()
    page.wait_for_url(re.compile(r"country=DE"))
    page.wait_for_function("() => document.querySelector('#results-h').innerText.includes('Germany')")
    _shot(page, "directory")
    page.locator(".entry-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/directory/[a-z0-9-]+$"))
    assert page.get_by_role("heading", name="Sources").is_visible()

    no_js = browser.new_context(base_url=server.base, java_script_enabled=False)
    try:
        p = no_js.new_page()
        p.goto("/directory")
        p.get_by_label("Sector").select_option("healthcare")
        p.get_by_role("button", name="Show").click()
        p.wait_for_url(re.compile(r"sector=healthcare"))
        assert "792" not in p.locator("#results-h").inner_text()
    finally:
        no_js.close()


def test_the_language_choice_is_remembered(context: Any) -> None:
    page = context.new_page()
    page.goto("/law/article/5")
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/law/article/5")
    assert page.locator("h1").inner_text().endswith("Pratiques interdites en matière d’IA")
    page.get_by_role("link", name="Annuaire").click()
    page.wait_for_url("**/directory")
    assert page.locator("html").get_attribute("lang") == "fr"
    other = context.new_page()  # same browser profile, new tab
    other.goto("/")
    assert other.locator("html").get_attribute("lang") == "fr"
    assert any(c["name"] == "aidesk_lang" and c["value"] == "fr" for c in context.cookies())
    other.get_by_role("link", name="English").click()
    other.wait_for_url("**/")
    assert other.locator("html").get_attribute("lang") == "en"


def test_keyboard_skip_link_and_the_assessment_without_javascript(browser: Any, server: Server) -> None:
    ctx = browser.new_context(
        base_url=server.base, java_script_enabled=False, viewport={"width": 1200, "height": 820}
    )
    try:
        page = ctx.new_page()
        page.goto("/assess")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        page.keyboard.press("Enter")
        assert page.url.endswith("#main")
        _shot(page, "assessment-form")
        # A bad profile: the form comes back with the problem next to the field.
        page.get_by_label("Name of the system").fill("Kiosk")
        page.get_by_label("Placed on the market or put into service on").fill("2026-09-01")
        page.get_by_label("Profile (YAML or JSON)").fill("name: Kiosk\nroles: [provider, boss]\n")
        page.get_by_role("button", name="Assess").click()
        assert page.locator(".error-summary").is_visible()
        assert "roles[1]" in page.locator(".error-summary").inner_text()
        # Fixed: the result, then its twin under the 2024 regime.
        page.get_by_label("Profile (YAML or JSON)").fill(
            "name: Kiosk\nroles: [deployer]\ntransparency: {emotion_recognition: true}\n"
        )
        page.get_by_role("button", name="Assess").click()
        page.wait_for_url("**/assess/result?**")
        assert page.locator(".class-badge").first.inner_text() == "Transparency obligations"
        page.get_by_role("link", name=re.compile("Assess under:")).click()
        page.wait_for_url(re.compile(r"regime=ai-act-2024"))
        assert "ai-act-2024" in page.locator(".facts").inner_text()
    finally:
        ctx.close()


def test_small_screens_get_one_column(browser: Any, server: Server) -> None:
    ctx = browser.new_context(base_url=server.base, viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = ctx.new_page()
        page.goto("/assess/example")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390 + 1, "no horizontal scrolling on a phone"
        _shot(page, "assessment-result-phone")
    finally:
        ctx.close()
