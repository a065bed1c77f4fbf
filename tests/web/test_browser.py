"""The web desk in a real browser: Debian's chromium driven by Playwright, against a real `aidesk serve`.

Scenarios as a user lives them: a high-risk system assessed in French from the home page, a citation
link landing on its point, the directory filtered, the language remembered, keyboard use, the core flows
without JavaScript. The main pages are saved as screenshots into docs/screenshots/ (shown in the README).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from web_support import SCREENSHOTS, Server


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


def test_the_next_steps_sector_select_with_and_without_javascript(browser: Any, server: Server) -> None:
    for javascript in (True, False):
        ctx = browser.new_context(
            base_url=server.base, java_script_enabled=javascript, viewport={"width": 1200, "height": 820}
        )
        try:
            page = ctx.new_page()
            page.goto("/assess/example")
            assert page.locator("#step-sector_tef").get_by_role("link", name="Choose a sector.").is_visible()
            page.get_by_label("Sector", exact=True).select_option("healthcare")
            if not javascript:  # htmx reloads the section on change; without it, the button does
                page.get_by_role("button", name="Show the steps for this sector").click()
            page.wait_for_url(re.compile(r"sector=healthcare"))
            tef = page.locator("#step-sector_tef")
            tef.get_by_role("link", name=re.compile("TEF-Health")).wait_for()
            assert "Choose a sector." not in tef.inner_text()
            assert page.get_by_label("Sector", exact=True).input_value() == "healthcare"
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


# --- the guided wizard, triage, the inventory ----------------------------------------------------------------


def _qid(page: Any) -> str:
    return str(page.locator('input[name="qid"]').get_attribute("value"))


def _submit(page: Any, button: str) -> None:
    """Press a button of the wizard and wait for the next page (htmx swaps it in place)."""
    before = page.locator('input[name="s"]').get_attribute("value")
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_function(
        "(prev) => { const s = document.querySelector('input[name=s]'); return !s || s.value !== prev; }",
        arg=before,
    )


def test_the_guided_wizard_for_a_high_risk_system_in_french(page: Any) -> None:
    page.goto("/assess/wizard?lang=fr")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("progress").is_visible()
    page.get_by_label("Quel est le nom du système", exact=False).fill("Tri de CV")
    _submit(page, "Continuer")
    assert _qid(page) == "q_kind"
    # Back: the first question again, with its answer kept; then forward again.
    _submit(page, "Retour")
    assert _qid(page) == "q_name" and page.locator("#answer").input_value() == "Tri de CV"
    _submit(page, "Continuer")
    plan = {
        "q_kind": ["ai_system"],
        "q_roles": ["provider"],
        "q_annex_iii": ["4"],
        "q_annex_iii_4": ["4(a)"],
        "q_article_6_3_profiling_of_natural_persons": ["yes"],
        "q_location_established_in_eu": ["yes"],
        "q_location_placed_on_eu_market": ["yes"],
        "q_location_output_used_in_eu": ["yes"],
        "q_annex_i_legislation": ["none"],
    }
    unknown_then_back = True
    shot = False
    for _ in range(40):
        if "/assess/result" in page.url:
            break
        qid = _qid(page)
        if qid == "q_roles" and not shot:
            _shot(page, "wizard-fr")
            shot = True
        if qid in plan:
            if unknown_then_back and qid == "q_location_established_in_eu":
                # "I don't know", then back to the same question, still unanswered.
                _submit(page, "Je ne sais pas")
                assert _qid(page) != qid
                _submit(page, "Retour")
                assert _qid(page) == qid
                assert "Vous avez répondu « Je ne sais pas »" in page.locator(".wizard-form").inner_text()
                unknown_then_back = False
            for value in plan[qid]:
                page.locator(f'input[name="answer"][value="{value}"]').check()
            _submit(page, "Continuer")
        elif page.get_by_role("button", name="Je ne sais pas", exact=True).count():
            _submit(page, "Je ne sais pas")
        else:
            _submit(page, "Continuer")
    page.wait_for_url("**/assess/result?**")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".class-badge").first.inner_text() == "Haut risque"
    assert "Annex III 4(a)" in page.locator(".grounds").inner_text()
    assert page.get_by_role("heading", name="Questions ouvertes").is_visible()  # the "I don't know" answers


def test_describe_a_system_then_confirm_it_in_the_wizard(page: Any) -> None:
    page.goto("/describe")
    page.get_by_label("What does your AI system do?").fill(
        "An app that reads the facial expressions of employees during video calls to detect their emotions"
        " and reports their mood to managers"
    )
    page.get_by_role("button", name="Propose a classification").click()
    page.wait_for_selector(".triage")
    assert page.locator(".triage .class-badge").inner_text() == "Prohibited practice"
    assert page.locator(".candidates a.cite", has_text="Art. 5(1)(f)").count() == 1
    _shot(page, "describe")
    page.get_by_role("link", name="Confirm with the guided questions").click()
    page.wait_for_url("**/assess/wizard?p=**")
    assert "proposed from your description" in page.locator(".wizard-form").inner_text()
    for _ in range(40):  # confirm every proposed answer
        if "/assess/result" in page.url:
            break
        if _qid(page) == "q_name":
            page.locator("#answer").fill("Mood monitor")
        field = page.locator("#answer")
        answered = page.locator('input[name="answer"]:checked').count() or (
            field.count() and field.input_value()
        )
        if answered or page.get_by_role("button", name="I don't know", exact=True).count() == 0:
            _submit(page, "Continue")
        else:
            _submit(page, "I don't know")
    page.wait_for_url("**/assess/result?**")
    assert page.locator(".class-badge").first.inner_text() == "Prohibited practice"
    assert "Art. 5(1)(f)" in page.locator(".grounds").inner_text()


def test_inventory_sign_in_save_a_result_reassess_and_export(page: Any) -> None:
    from web_support import ADMIN_EMAIL, PASSWORD

    from aidesk.web.assess import encode_profile

    page.goto("/inventory")
    page.wait_for_url("**/signin?next=%2Finventory")
    page.get_by_label("E-mail").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/inventory")
    name = "Browser CV ranker"
    profile = {"name": name, "roles": ["provider", "deployer"], "annex_iii": ["4(a)"],
               "organisation": {"country": "FR", "size": "medium"}}  # fmt: skip
    page.goto(f"/assess/result?p={encode_profile(profile)}")
    page.get_by_label("Tags (separated by commas, optional)").fill("hr, pilot")
    page.get_by_role("button", name="Save to inventory").click()
    page.wait_for_url(re.compile(r"/inventory/systems/\d+$"))
    assert page.locator("h1").inner_text() == name
    page.get_by_label("Re-assess under").select_option("ai-act-2024")
    page.get_by_role("button", name="Re-assess").click()
    page.wait_for_url(re.compile(r"/inventory/systems/\d+#history-h$"))
    assert page.locator(".history > li").count() == 2
    assert page.locator(".record-diff").first.is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    _shot(page, "inventory-system")
    page.locator(".breadcrumbs a", has_text="Inventory").click()
    page.wait_for_url("**/inventory")
    assert page.locator("svg.risk-mix").is_visible()
    assert page.get_by_role("link", name=name).is_visible()
    page.get_by_label("Tag").select_option("pilot")  # htmx filters in place
    page.wait_for_url(re.compile(r"tag=pilot"))
    page.wait_for_function("() => document.querySelectorAll('table.systems tbody tr').length === 1")
    page.goto("/inventory")
    _shot(page, "inventory")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export (CSV)").click()
    path = download.value.path()
    assert download.value.suggested_filename == "aidesk-inventory.csv"
    assert name in Path(path).read_text(encoding="utf-8")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_role("link", name="Sign in").is_visible()
