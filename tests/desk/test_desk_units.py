"""The units the desk indexes: every provision once per language, cited canonically."""

from __future__ import annotations

import pytest

from aidesk.desk.guidance import DOCS, guidance_units, load_paragraphs, split_paragraphs
from aidesk.desk.units import LAW, all_law_units, law_texts
from aidesk.law.citations import parse


@pytest.fixture(scope="module")
def units():  # type: ignore[no-untyped-def]
    return all_law_units(law_texts())


def test_every_law_unit_is_cited_canonically_and_resolves(units) -> None:  # type: ignore[no-untyped-def]
    texts = law_texts()
    for u in units:
        c = parse(u.ref)
        assert str(c) == u.ref
        assert str(c.unit) == u.group
        corpus = texts.en if u.lang == "en" else texts.fr
        assert corpus.resolve(c) is not None


def test_unit_ids_are_unique_and_stable(units) -> None:  # type: ignore[no-untyped-def]
    ids = [u.uid for u in units]
    assert len(ids) == len(set(ids))
    assert "law:en:Art. 5(1)(f)" in ids
    assert "law:fr:Recital 53" in ids


def test_definitions_of_article_3_are_units_of_their_own(units) -> None:  # type: ignore[no-untyped-def]
    deployer = next(u for u in units if u.uid == "law:en:Art. 3(4)")
    assert deployer.kind == "definition"
    assert "‘deployer’ means" in deployer.text
    assert deployer.title.startswith("Article 3 — ")


def test_points_carry_their_lead_in_and_headings(units) -> None:  # type: ignore[no-untyped-def]
    point = next(u for u in units if u.uid == "law:en:Art. 5(1)(f)")
    assert "shall be prohibited" in point.lead
    assert point.context.startswith("Chapter II")
    annex_point = next(u for u in units if u.uid == "law:fr:Annex III 4(a)")
    assert annex_point.kind == "annex_point"
    assert "recrutement" in annex_point.text


def test_french_units_exist_except_where_the_french_text_has_no_french_wording(units) -> None:  # type: ignore[no-untyped-def]
    texts = law_texts()
    en = {u.ref for u in units if u.lang == "en"}
    fr = {u.ref for u in units if u.lang == "fr" and u.display}
    assert fr <= en
    for ref in en - fr:
        c = parse(ref)
        assert c in texts.fr_english or c not in texts.fr.index, ref
    # The older French wording of amended provisions helps find them but is never shown.
    surrogates = [u for u in units if not u.display]
    assert all(u.lang == "fr" and parse(u.ref) in texts.fr_english for u in surrogates)
    if texts.fr_english:
        assert texts.fr_note is not None


def test_guidance_paragraphs_are_cited_by_document_and_number() -> None:
    units = guidance_units()
    assert len(units) > 1000
    refs = {u.ref for u in units}
    assert "Guidelines C(2025) 5052 para 123" in refs
    assert "Guidelines draft 2026-05-19 (high-risk) para 12" in refs
    assert all(u.collection != LAW and u.lang == "en" for u in units)
    assert {d.status for d in DOCS} == {"final", "draft"}


def test_flattened_powers_of_ten_are_restored_in_the_gpai_guidelines() -> None:
    text = " ".join(p.text for p in load_paragraphs() if p.doc == "gpai")
    assert "10^23 FLOP" in text
    assert "1023 FLOP" not in text


def test_paragraph_splitting_follows_the_numbering_not_footnotes() -> None:
    md = "\n".join(
        [
            "# Title",
            "## 1 Background",
            "(1) First paragraph.",
            "(2) Second paragraph ends here. (3) Third was run into the line.",
            "(1) A footnote printed in the body.",
            "continuation of three",
            "(15) (4) Fourth, with a stray number.",
        ]
    )
    paras = split_paragraphs(md)
    assert [p[0] for p in paras] == [1, 2, 3, 4]
    assert paras[2][2] == "Third was run into the line. continuation of three"
    assert paras[3][3] is True  # number uncertain
    assert paras[0][1] == "1 Background"
