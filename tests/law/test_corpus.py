"""The bundled AI Act corpus (Regulation (EU) 2024/1689, 2024 text) in English and French."""

from __future__ import annotations

import pytest

from aidesk.law.citations import CitationError, parse
from aidesk.law.corpus import Corpus, load_corpus, locate
from aidesk.law.model import Annex, Article, Point, Recital
from aidesk.law.validate import validate_corpora

LANGS = ("en", "fr")


def plain(text: str) -> str:
    """The corpus keeps the Official Journal's no-break spaces; compare on plain spaces."""
    return text.replace("\u00a0", " ")


# The points of Annex III as printed in the Official Journal (OJ L 2024/1689, Annex III).
ANNEX_III_POINTS = {
    "1": "abc",
    "2": "",
    "3": "abcd",
    "4": "ab",
    "5": "abcd",
    "6": "abcde",
    "7": "abcd",
    "8": "ab",
}


@pytest.fixture(params=LANGS)
def corpus(request: pytest.FixtureRequest) -> Corpus:
    return load_corpus("2024", request.param)


def test_the_2024_act_has_180_recitals_113_articles_and_13_annexes(corpus: Corpus) -> None:
    assert len(corpus.recitals) == 180
    assert len(corpus.articles) == 113
    assert list(corpus.annexes) == [
        "I",
        "II",
        "III",
        "IV",
        "V",
        "VI",
        "VII",
        "VIII",
        "IX",
        "X",
        "XI",
        "XII",
        "XIII",
    ]


def test_english_and_french_share_one_skeleton_of_articles_paragraphs_and_points() -> None:
    en, fr = (load_corpus("2024", lang) for lang in LANGS)
    assert set(en.index) == set(fr.index)


@pytest.mark.parametrize("area", sorted(ANNEX_III_POINTS))
def test_every_annex_iii_point_resolves_in_both_languages(area: str) -> None:
    for lang in LANGS:
        corpus = load_corpus("2024", lang)
        letters = ANNEX_III_POINTS[area]
        refs = [f"Annex III {area}({x})" for x in letters] if letters else [f"Annex III {area}"]
        for ref in refs:
            node = corpus.resolve(ref)
            assert isinstance(node, Point)
            assert node.text
        area_node = corpus.resolve(f"Annex III {area}")
        assert isinstance(area_node, Point)
        assert [p.id for p in area_node.points] == list(letters)


def test_annex_iii_4_a_is_recruitment_and_selection() -> None:
    # Annex III point 4(a): recruitment or selection of natural persons.
    assert "recruitment or selection" in plain(load_corpus("2024", "en").text("Annex III 4(a)"))
    assert "recrutement ou la sélection" in plain(load_corpus("2024", "fr").text("Annex III 4(a)"))


def test_annex_iii_1_a_keeps_its_exclusion_of_biometric_verification() -> None:
    # Annex III 1(a), second sentence: biometric verification is not remote identification.
    text = load_corpus("2024", "en").text("Annex III 1(a)")
    assert text.startswith("(a) remote biometric identification systems.")
    assert "biometric verification" in text


def test_annex_i_lists_twelve_section_a_acts_and_eight_section_b_acts(corpus: Corpus) -> None:
    annex = corpus.annexes["I"]
    assert [s.id for s in annex.sections] == ["A", "B"]
    assert [p.id for p in annex.sections[0].points] == [str(n) for n in range(1, 13)]
    assert [p.id for p in annex.sections[1].points] == [str(n) for n in range(13, 21)]
    # Section A point 11 is the Medical Devices Regulation (EU) 2017/745.
    assert "2017/745" in plain(corpus.text("Annex I Section A 11"))
    # Points are numbered across sections, so the section may be left out.
    assert corpus.resolve("Annex I 11") is corpus.resolve("Annex I Section A 11")


@pytest.mark.parametrize(
    ("annex", "section", "count"),
    [("IV", None, 9), ("V", None, 8), ("VIII", "A", 13), ("VIII", "B", 9), ("VIII", "C", 5)],
)
def test_annexes_cited_point_by_point_have_all_their_points(
    corpus: Corpus, annex: str, section: str | None, count: int
) -> None:
    node = corpus.annexes[annex]
    points = node.points if section is None else next(s for s in node.sections if s.id == section).points
    assert [p.id for p in points] == [str(n) for n in range(1, count + 1)]


def test_annex_iv_point_2_has_points_a_to_h(corpus: Corpus) -> None:
    node = corpus.resolve("Annex IV 2")
    assert isinstance(node, Point)
    assert [p.id for p in node.points] == list("abcdefgh")


def test_gpai_annexes_xi_xii_xiii_are_structured(corpus: Corpus) -> None:
    assert [s.id for s in corpus.annexes["XI"].sections] == ["1", "2"]
    assert corpus.resolve("Annex XI Section 1 1(f)")
    assert corpus.resolve("Annex XI Section 2 3")
    assert [p.id for p in corpus.annexes["XII"].points] == ["1", "2"]
    assert [p.id for p in corpus.annexes["XIII"].points] == list("abcdefg")


def test_definitions_are_points_of_article_3(corpus: Corpus) -> None:
    # Art. 3(1) defines 'AI system'; Art. 3 has 68 definitions.
    article = corpus.articles["3"]
    assert isinstance(article, Article)
    assert article.points_directly
    assert len(article.paragraphs[0].points) == 68
    assert "AI system" in corpus.text("Art. 3(1)") or "système d’IA" in corpus.text("Art. 3(1)")


def test_unnumbered_paragraphs_are_counted() -> None:
    # Art. 113, third paragraph, point (c): Art. 6(1) applies from 2 August 2027.
    assert "2 August 2027" in plain(load_corpus("2024", "en").text("Art. 113(3)(c)"))
    assert "2 août 2027" in plain(load_corpus("2024", "fr").text("Art. 113(3)(c)"))
    assert "2 August 2026" in plain(load_corpus("2024", "en").text("Art. 113(2)"))


def test_sub_points_resolve(corpus: Corpus) -> None:
    # Art. 5(1)(h)(i): targeted search for victims.
    node = corpus.resolve("Art. 5(1)(h)(i)")
    assert isinstance(node, Point)
    assert node.id == "i"


def test_points_printed_in_a_later_subparagraph_belong_to_the_paragraph(corpus: Corpus) -> None:
    # Art. 6(3), second subparagraph, lists conditions (a) to (d).
    assert [p.id for p in corpus.resolve("Art. 6(3)").points] == list("abcd")  # type: ignore[union-attr]


def test_recitals_resolve(corpus: Corpus) -> None:
    node = corpus.resolve("Recital 53")
    assert isinstance(node, Recital)
    assert node.number == 53


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("Art. 5(9)", "Art. 5 has no paragraph 9 (paragraphs: 1, 2, 3, 4, 5, 6, 7, 8)"),
        ("Art. 114", "has no article 114: it has articles 1–113"),
        ("Recital 181", "has no recital 181: it has recitals 1–180"),
        ("Annex XIV", "has no annex XIV"),
        ("Annex III 4(z)", "Annex III 4 has no point z (points: a, b)"),
        ("Annex III 9", "Annex III has no point 9"),
        ("Annex VIII 1", "ambiguous"),
        ("Annex I Section C 1", "Annex I has no Section C (sections: A, B)"),
        ("Art. 3(69)", "Art. 3 has no point 69 (points: 1 to 68)"),
        ("Reg. 2026/1744 Recital 1", "not a provision of Regulation (EU) 2024/1689"),
    ],
)
def test_bad_citations_say_precisely_what_is_missing(corpus: Corpus, ref: str, message: str) -> None:
    with pytest.raises(CitationError, match=None) as info:
        corpus.resolve(ref)
    assert message in str(info.value)


def test_locate_gives_headings_and_lead_in() -> None:
    located = locate(load_corpus("2024", "en"), "Annex III 4(a)")
    assert located.headings[0].startswith("Annex III — High-risk AI systems")
    assert located.lead_in[0].startswith("4. Employment")
    located = locate(load_corpus("2024", "en"), "Art. 6(3)")
    assert located.headings == (
        "Chapter III — HIGH-RISK AI SYSTEMS",
        "Section 1 — Classification of AI systems as high-risk",
        "Article 6 — Classification rules for high-risk AI systems",
    )


def test_the_whole_unit_is_reachable_from_any_citation(corpus: Corpus) -> None:
    assert isinstance(corpus.resolve(parse("Annex III 4(a)").unit), Annex)


def test_the_bundled_data_validates() -> None:
    report = validate_corpora()
    assert report.problems == []
    assert report.checks > 5000
