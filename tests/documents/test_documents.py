"""The documents the AI Act asks for: the right set per actor, every point of the law, pre-filled values,
valid PDF/DOCX, French without English template text, hostile strings escaped in every format."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date

import docx
import pytest

from aidesk.documents import (
    FORMATS,
    DocumentError,
    DocumentMeta,
    NotApplicableError,
    applicable_documents,
    build_document,
    list_documents,
    render_document,
    select_documents,
)
from aidesk.documents.model import Document
from aidesk.documents.text import iter_strings, md_escape, strings, user_text
from aidesk.law.corpus import load_corpus
from aidesk.rules.profile import Profile

AS_OF = date(2026, 11, 25)


def kinds(profile: Profile) -> set[str]:
    return {d.kind for d in applicable_documents(profile, as_of=AS_OF)}


def citations(doc: Document) -> set[str]:
    return {s.citation for s in doc.walk() if s.citation}


def field(doc: Document, citation: str, label_part: str = "") -> list:
    return [f for f in doc.fields() if f.citation == citation and label_part.lower() in f.label.lower()]


def docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_text(content: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (Debian's poppler-utils) is missing: .ci/run must install it")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


# --- which documents apply ---------------------------------------------------------------------------------


def test_a_high_risk_provider_gets_annex_iv_v_viii_a_and_its_art_50_notice(provider):
    assert kinds(provider) == {"report", "annex-iv", "annex-v", "annex-viii-a", "notice-chatbot"}


def test_a_public_deployer_gets_a_fria_and_annex_viii_c(public_deployer):
    assert kinds(public_deployer) == {"report", "fria", "annex-viii-c"}


def test_a_gpai_model_provider_gets_annex_xi_xii_and_the_training_summary(gpai_provider):
    assert kinds(gpai_provider) == {"report", "annex-xi", "annex-xii", "training-summary"}


def test_a_chatbot_provider_gets_the_art_50_1_and_50_2_notices(chatbot):
    assert kinds(chatbot) == {"report", "notice-chatbot", "notice-synthetic-content"}


def test_a_derogated_annex_iii_system_registers_under_annex_viii_b(derogated_provider):
    assert kinds(derogated_provider) == {"report", "annex-viii-b"}


def test_a_deployer_of_deep_fakes_and_emotion_recognition_gets_art_50_3_and_50_4_notices(deep_fake_deployer):
    assert kinds(deep_fake_deployer) == {"report", "notice-emotion-recognition", "notice-deep-fake"}


def test_a_prohibited_system_gets_only_the_report_and_says_why(prohibited):
    assert kinds(prohibited) == {"report"}
    with pytest.raises(NotApplicableError, match=r"annex-iv does not apply.*prohibited practice \(Art\. 5\)"):
        select_documents(prohibited, ["annex-iv"], as_of=AS_OF)


def test_asking_for_a_document_that_does_not_apply_says_why(provider):
    with pytest.raises(
        NotApplicableError, match=r"fria does not apply to 'CV screening assistant'.*Art\. 27\(1\)"
    ):
        select_documents(provider, ["fria"], as_of=AS_OF)
    with pytest.raises(NotApplicableError):
        render_document(provider, "annex-xi", "md", as_of=AS_OF)


def test_groups_keep_only_the_documents_that_apply_and_unknown_names_are_errors(provider):
    chosen = [d.kind for d in select_documents(provider, ["registration", "notices"], as_of=AS_OF)]
    assert chosen == ["annex-viii-a", "notice-chatbot"]
    with pytest.raises(DocumentError, match="unknown document 'annex-ix'"):
        select_documents(provider, ["annex-ix"], as_of=AS_OF)


def test_every_document_says_whether_it_applies_and_why_in_both_languages(public_deployer):
    for lang in ("en", "fr"):
        infos = list_documents(public_deployer, lang=lang, as_of=AS_OF)
        assert len(infos) == 14
        assert all(info.reason for info in infos)
    fria = next(i for i in list_documents(public_deployer, lang="fr", as_of=AS_OF) if i.kind == "fria")
    assert fria.applies and fria.reason.startswith("S'applique")


# --- the law, point by point -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_annex_iv_point_is_present_and_quoted(provider, lang):
    corpus = load_corpus(lang=lang)
    points = [p for top in corpus.annexes["IV"].points for p in top.walk()]
    assert len([p for p in corpus.annexes["IV"].points]) == 9
    doc = build_document(provider, "annex-iv", lang=lang, as_of=AS_OF)
    by_cite = {s.citation: s for s in doc.walk()}
    for point in points:
        section = by_cite[str(point.citation)]
        assert point.text in (section.law or "")
    md = render_document(provider, "annex-iv", "md", lang=lang, as_of=AS_OF).content.decode()
    text = docx_text(render_document(provider, "annex-iv", "docx", lang=lang, as_of=AS_OF).content)
    for point in points:
        assert md_escape(str(point.citation)) in md
        assert str(point.citation) in text


def test_annex_iv_notes_the_simplified_form_of_art_11_1_for_smes_and_smcs(provider, gpai_provider):
    doc = build_document(provider, "annex-iv", as_of=AS_OF)
    art_11 = next(s for s in doc.walk() if s.citation == "Art. 11(1)")
    assert "SMCs" in (art_11.law or "")  # the 2026 wording, quoted from the corpus
    assert any("simplified" in p and "Regulation (EU) 2026/1744" in p for p in art_11.paragraphs)
    fr = build_document(provider, "annex-iv", lang="fr", as_of=AS_OF)
    art_11_fr = next(s for s in fr.walk() if s.citation == "Art. 11(1)")
    assert art_11_fr.law_in_english  # amended in 2026: no French text in the corpus, and the document says so


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_art_27_1_element_is_present(public_deployer, lang):
    doc = build_document(public_deployer, "fria", lang=lang, as_of=AS_OF)
    md = render_document(public_deployer, "fria", "md", lang=lang, as_of=AS_OF).content.decode()
    text = docx_text(render_document(public_deployer, "fria", "docx", lang=lang, as_of=AS_OF).content)
    for letter in "abcdef":
        cite = f"Art. 27(1)({letter})"
        assert cite in citations(doc)
        assert any(f.status == "todo" for f in field(doc, cite))
        assert md_escape(cite) in md and cite in text
    assert {"Art. 27(2)", "Art. 27(3)", "Art. 27(4)"} <= citations(doc)


def test_annex_v_has_points_1_to_8_and_annex_viii_sections_follow_the_2026_text(
    provider, public_deployer, derogated_provider
):
    annex_v = build_document(provider, "annex-v", as_of=AS_OF)
    assert {f"Annex V {n}" for n in range(1, 9)} <= citations(annex_v)
    a = build_document(provider, "annex-viii-a", as_of=AS_OF)
    assert {f"Annex VIII Section A {n}" for n in range(1, 14)} <= citations(a)
    c = build_document(public_deployer, "annex-viii-c", as_of=AS_OF)
    assert {f"Annex VIII Section C {n}" for n in range(1, 6)} <= citations(c)
    b = build_document(derogated_provider, "annex-viii-b", as_of=AS_OF)
    # Reg. (EU) 2026/1744 deleted points 7 and 9 of Section B; the document says so.
    assert {f"Annex VIII Section B {n}" for n in (1, 2, 3, 4, 5, 6, 8)} <= citations(b)
    assert not {"Annex VIII Section B 7", "Annex VIII Section B 9"} & citations(b)
    assert any("deleted by Reg. (EU) 2026/1744" in n for s in b.walk() for n in s.notes)
    old = build_document(derogated_provider, "annex-viii-b", regime="ai-act-2024", as_of=AS_OF)
    assert {"Annex VIII Section B 7", "Annex VIII Section B 9"} <= citations(old)


def test_gpai_documents_follow_annex_xi_and_xii(gpai_provider):
    xi = build_document(gpai_provider, "annex-xi", as_of=AS_OF)
    corpus = load_corpus()
    for section in corpus.annexes["XI"].sections:  # systemic risk: both sections
        for point in section.points:
            for p in point.walk():
                assert str(p.citation) in citations(xi)
    xii = build_document(gpai_provider, "annex-xii", as_of=AS_OF)
    for point in corpus.annexes["XII"].points:
        for p in point.walk():
            assert str(p.citation) in citations(xii)
    summary = build_document(gpai_provider, "training-summary", as_of=AS_OF)
    assert "Art. 53(1)(c)" in citations(summary)  # respect of text-and-data-mining opt-outs
    assert sum(1 for s in summary.walk() if s.heading[:2] in ("1.", "2.", "3.")) >= 12


def test_the_report_holds_the_full_result_with_trace_and_citations(provider):
    from aidesk.rules import assess

    result = assess(provider, as_of=AS_OF)
    doc = build_document(provider, "report", as_of=AS_OF)
    tables = {s.heading: s.table for s in doc.walk() if s.table}
    obligations = tables["Obligations"]
    assert obligations is not None and len(obligations.rows) == len(result.obligations)
    trace = tables["Trace of the rules"]
    assert trace is not None
    assert [row[0] for row in trace.rows] == [step.step for step in result.trace]
    assert any("Annex III 4(a)" in row[2] for row in trace.rows)


# --- pre-filled from the profile, the assessment and the inventory ----------------------------------------------


def test_pre_filled_values_match_the_profile(provider, public_deployer, gpai_provider, derogated_provider):
    v = build_document(provider, "annex-v", as_of=AS_OF)
    [name] = field(v, "Annex V 1", "name")
    assert (name.value, name.status) == ("CV screening assistant", "prefilled") and "name" in (
        name.source or ""
    )
    [org] = field(v, "Annex V 2", "name of the provider")
    assert org.value == "Acme Recrutement SAS" and "organisation.name" in (org.source or "")
    [body] = field(v, "Annex V 7")
    assert body.status == "not_applicable" and "Annex VI" in (
        body.guidance or ""
    )  # Annex III 4(a): internal control

    a = build_document(provider, "annex-viii-a", as_of=AS_OF)
    [status] = field(a, "Annex VIII Section A 7")
    assert status.value == "not yet placed on the market (planned: 2028-01-15)"

    fria = build_document(public_deployer, "fria", as_of=AS_OF)
    [use_case] = field(fria, "Annex III 5(a)")
    assert use_case.value == load_corpus().text("Annex III 5(a)")
    assert field(fria, "Art. 26(7)")  # workers affected: deployer.workplace_use

    xi = build_document(gpai_provider, "annex-xi", as_of=AS_OF)
    [compute] = field(xi, "Annex XI Section 1 2(d)", "computational")
    assert compute.value.startswith("3 × 10^25")
    [release] = field(xi, "Annex XI Section 1 1(c)", "release")
    assert release.value == "2026-10-01"

    b = build_document(derogated_provider, "annex-viii-b", as_of=AS_OF)
    [condition] = field(b, "Art. 6(3)(a)")
    assert "narrow procedural task" in (condition.value or "")


def test_inventory_metadata_fills_what_the_profile_does_not_know(provider):
    meta = DocumentMeta(reference="INV-42", version="2.1", status="in_service", member_states=("FR", "DE"))
    a = build_document(provider, "annex-viii-a", meta=meta, as_of=AS_OF)
    [ref] = field(a, "Annex VIII Section A 4", "reference")
    assert ref.value == "INV-42" and ref.status == "prefilled"
    [status] = field(a, "Annex VIII Section A 7")
    assert status.value == "on the market or in service"
    [states] = field(a, "Annex VIII Section A 10")
    assert states.value == "FR, DE"
    iv = build_document(provider, "annex-iv", meta=meta, as_of=AS_OF)
    [version] = field(iv, "Annex IV 1(a)", "version")
    assert version.value == "2.1"


def test_every_todo_says_what_to_write(provider, public_deployer, gpai_provider, chatbot):
    for profile in (provider, public_deployer, gpai_provider, chatbot):
        for info in applicable_documents(profile, as_of=AS_OF):
            doc = build_document(profile, info.kind, as_of=AS_OF)
            for f in doc.fields():
                if f.status == "todo":
                    assert f.guidance, (info.kind, f.label)
                if f.status == "prefilled":
                    assert f.value, (info.kind, f.label)


def test_registration_data_is_machine_readable_json(provider):
    out = render_document(provider, "annex-viii-a", "json", as_of=AS_OF)
    assert out.media_type == "application/json"
    data = json.loads(out.content)
    assert data["schema"] == "aidesk/document/v1" and data["document"] == "annex-viii-a"
    points = {s["citation"] for s in data["sections"]}
    assert {f"Annex VIII Section A {n}" for n in range(1, 14)} <= points
    first = next(s for s in data["sections"] if s["citation"] == "Annex VIII Section A 1")
    assert first["fields"][0] == {
        "citation": "Annex VIII Section A 1",
        "label": "Name, address and contact details of the provider",
        "status": "prefilled",
        "value": "Acme Recrutement SAS",
        "source": "from the profile: organisation.name",
        "guidance": None,
    }


# --- formats ---------------------------------------------------------------------------------------------------


def test_pdfs_are_valid_and_carry_the_headings(provider, public_deployer, tmp_path):
    out = render_document(provider, "annex-iv", "pdf", as_of=AS_OF)
    assert out.content.startswith(b"%PDF-") and out.media_type == "application/pdf"
    text = pdf_text(out.content, tmp_path)
    for heading in (
        "Technical documentation",
        "Annex IV, point by point",
        "Simplified form for SMEs and SMCs",
    ):
        assert heading in text
    for n in range(1, 10):
        assert re.search(rf"Source: Annex IV {n}\b", text)
    fr = render_document(public_deployer, "fria", "pdf", lang="fr", as_of=AS_OF)
    text_fr = pdf_text(fr.content, tmp_path)
    assert "Analyse d'impact sur les droits fondamentaux" in text_fr
    for letter in "abcdef":
        assert f"Art. 27(1)({letter})" in text_fr


def test_docx_opens_with_python_docx_with_headings_and_properties(public_deployer):
    out = render_document(public_deployer, "annex-viii-c", "docx", lang="fr", as_of=AS_OF)
    document = docx.Document(io.BytesIO(out.content))
    headings = [
        p.text
        for p in document.paragraphs
        if p.style is not None and p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == "Enregistrement dans la base de données de l'UE : déployeur public"
    assert any(h.startswith("Section C") for h in headings)
    assert document.core_properties.title == headings[0]
    assert document.core_properties.language == "fr"
    assert "À COMPLÉTER" in docx_text(out.content)


def test_html_is_a_standalone_page_in_the_documents_language(chatbot):
    html = render_document(chatbot, "notice-chatbot", "html", lang="fr", as_of=AS_OF).content.decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="fr">' in html
    assert "Bonjour, je suis Helpdesk copilot" in html
    assert "http" not in html.split("<body>", 1)[1]  # nothing to fetch


# --- French documents --------------------------------------------------------------------------------------------


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)", text))


def test_the_two_strings_files_have_the_same_keys_and_placeholders():
    def walk(node: object, prefix: str = "") -> dict[str, object]:
        out: dict[str, object] = {}
        if isinstance(node, dict):
            for key, value in node.items():
                out.update(walk(value, f"{prefix}.{key}" if prefix else str(key)))
        else:
            out[prefix] = node
        return out

    en, fr = walk(strings("en")), walk(strings("fr"))
    assert en.keys() == fr.keys()
    for key, value in en.items():
        if isinstance(value, str):
            assert _placeholders(value) == _placeholders(str(fr[key])), key


def _template_text(doc: Document, english_law: set[str]) -> str:
    """Everything a document says in its own words: not the quoted law (nor headings taken from law text
    that the corpus has only in English), nor values that come from the profile, nor the rules engine's
    notes, which the report quotes as the engine writes them (in English, and says so)."""
    engine_notes = strings(doc.lang)["docs"]["report"]["notes"]
    parts = [doc.title, doc.subtitle, *doc.intro, *doc.footer, *doc.labels.values()]
    for f in doc.fields():
        parts += [f.label, f.guidance or ""]
        if f.value and not (f.source or "").startswith(("d'après le profil", "from the profile")):
            parts.append(f.value)
    for s in doc.walk():
        if s.citation not in english_law:
            parts.append(s.heading)
        parts += [*s.paragraphs, *s.notes]
        if s.heading != engine_notes:
            parts += list(s.items)
        if s.table:
            parts += list(s.table.headers)
    return "\n".join(parts)


def test_french_documents_contain_no_english_template_text(
    provider, public_deployer, gpai_provider, chatbot, deep_fake_deployer, derogated_provider
):
    en, fr = strings("en"), strings("fr")
    fr_strings = set(iter_strings(fr))
    fragments = set()
    for text in iter_strings(en):
        if text in fr_strings:  # the same in both languages (e.g. "Source", "Version")
            continue
        for piece in re.split(r"\{[^}]*\}", text):
            piece = piece.strip(" .,;:()")
            if len(piece) >= 12 and " " in piece:
                fragments.add(piece)
    assert len(fragments) > 200
    english_law = {str(c) for c in load_corpus(lang="fr").english_fallback}
    for profile in (
        provider,
        public_deployer,
        gpai_provider,
        chatbot,
        deep_fake_deployer,
        derogated_provider,
    ):
        for info in applicable_documents(profile, lang="fr", as_of=AS_OF):
            text = _template_text(build_document(profile, info.kind, lang="fr", as_of=AS_OF), english_law)
            leaked = sorted(f for f in fragments if f in text)
            assert not leaked, (info.kind, leaked[:5])


# --- hostile strings -------------------------------------------------------------------------------------------------


def test_user_text_neutralises_formulas_and_control_characters():
    assert user_text("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert user_text("+SUM(A1)") == "'+SUM(A1)" and user_text("@x") == "'@x" and user_text("-1") == "'-1"
    assert user_text("a\x00b\x1bc") == "abc"
    assert md_escape(r"<b>*x*</b> \input{y} [l](u) a|b") == r"\<b\>\*x\*\</b\> \\input\{y\} \[l\](u) a\|b"
    assert md_escape("1. item") == r"1\. item" and md_escape("- item") == r"\- item"


@pytest.mark.parametrize("kind", ["report", "annex-iv", "annex-v", "annex-viii-a", "fria", "notice-chatbot"])
def test_hostile_strings_are_escaped_in_markdown_html_json_and_docx(hostile, kind):
    md = render_document(hostile, kind, "md", as_of=AS_OF).content.decode()
    assert not re.search(r"(?<!\\)<", md)  # every angle bracket is escaped: no HTML gets through
    assert r"\<script\>" in md
    assert not re.search(r"(?<!\\)\\input", md)  # every LaTeX command's backslash is escaped
    assert "](javascript:" not in md.replace(r"\](javascript:", "")
    assert "**bold**" not in md
    for line in md.splitlines():  # no cell or line that a spreadsheet would run as a formula
        for cell in line.split("|"):
            assert not cell.strip().startswith(("=cmd", "=HYPERLINK"))

    html = render_document(hostile, kind, "html", as_of=AS_OF).content.decode()
    assert "<script>" not in html and "<img" not in html and "<b>Evil" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    raw = render_document(hostile, kind, "json", as_of=AS_OF).content
    assert b"<script>" not in raw and b"<img" not in raw
    data = json.loads(raw)
    values = [
        f["value"] for s in [{"fields": data["header"]}, *data["sections"]] for f in s["fields"] if f["value"]
    ]
    assert all(not v.startswith(("=", "+", "-", "@")) for v in values)

    content = render_document(hostile, kind, "docx", as_of=AS_OF).content
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        xml = z.read("word/document.xml").decode()
    assert "<script>" not in xml and "instrText" not in xml and "fldSimple" not in xml
    text = docx_text(content)
    assert "<script>alert(1)</script>" in text  # shown as text, literally
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text


def test_hostile_strings_in_a_pdf_are_plain_text(hostile, tmp_path):
    out = render_document(hostile, "annex-v", "pdf", as_of=AS_OF)
    text = pdf_text(out.content, tmp_path)
    assert "<script>alert(1)</script>" in text
    assert out.filename == "script-alert-1-script-input-etc-passwd.annex-v.en.pdf"


def test_formats_and_languages_are_checked(provider):
    assert FORMATS == ("md", "html", "pdf", "docx", "json")
    with pytest.raises(DocumentError, match="unknown format 'xls'"):
        render_document(provider, "report", "xls", as_of=AS_OF)
    with pytest.raises(DocumentError, match="unknown language 'de'"):
        render_document(provider, "report", "md", lang="de", as_of=AS_OF)
