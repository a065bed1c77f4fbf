"""Search as a service: direct references, cross-lingual hits, EN/FR merging, guidance, limits."""

from __future__ import annotations

import numpy as np
import pytest

from aidesk.desk.search import MAX_QUERY_CHARS, DeskIndex, QueryError
from aidesk.desk.text import glossary_terms, guess_lang
from aidesk.desk.units import LAW


def refs(index: DeskIndex, query: str, **kw: object) -> list[str]:
    return [h.ref for h in index.search(query, **kw).results]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("what does article 27 say", "Art. 27"),
        ("Art. 5(1)(f)", "Art. 5(1)(f)"),
        ("annexe III point 4", "Annex III 4"),
        ("Que dit l’annexe III, point 4 a) ?", "Annex III 4(a)"),
        ("considérant 53", "Recital 53"),
        ("article 5, paragraphe 1, point f)", "Art. 5(1)(f)"),
        ("Annex I Section B point 20", "Annex I Section B 20"),
    ],
)
def test_a_named_provision_comes_first(index: DeskIndex, query: str, first: str) -> None:
    hits = index.search(query, limit=5).results
    assert hits[0].ref == first
    assert hits[0].direct
    assert len({h.unit for h in hits}) == len(hits)


def test_a_named_provision_that_does_not_exist_is_not_invented(index: DeskIndex) -> None:
    hits = index.search("what does article 200 say", limit=5).results
    assert not any(h.direct for h in hits)


def test_state_of_the_art_is_not_an_article(index: DeskIndex) -> None:
    hits = index.search("state of the art 2 cybersecurity measures", limit=5).results
    assert not any(h.direct for h in hits)


def test_the_issue_examples_find_their_provisions(index: DeskIndex) -> None:
    assert "Art. 50" in [
        h.unit for h in index.search("do I have to tell people they are talking to a bot?", limit=3).results
    ]
    assert "Art. 27" in [
        h.unit for h in index.search("qui doit réaliser une analyse d'impact ?", limit=3).results
    ]


def test_results_are_one_per_provision_whatever_the_language(index: DeskIndex) -> None:
    for query in (
        "emotion recognition at the workplace",
        "reconnaissance des émotions sur le lieu de travail",
    ):
        hits = index.search(query, limit=20).results
        units = [h.unit for h in hits]
        assert len(units) == len(set(units)), units
        assert len({h.ref for h in hits}) == len(hits)


def test_snippets_and_titles_follow_the_requested_language(index: DeskIndex) -> None:
    fr = index.search("emotion recognition at the workplace", limit=3, lang="fr").results
    assert all(h.lang == "fr" for h in fr)
    assert any("émotions" in h.snippet for h in fr)
    en = index.search("reconnaissance des émotions sur le lieu de travail", limit=3, lang="en").results
    assert all(h.lang == "en" for h in en)


def test_an_article_is_reported_with_its_best_paragraph(index: DeskIndex) -> None:
    hit = next(h for h in index.search("AI literacy of staff", limit=5).results if h.unit == "Art. 4")
    assert hit.title == "AI literacy"
    hit = next(
        h
        for h in index.search("machine-readable marking of synthetic content", limit=5).results
        if h.unit == "Art. 50"
    )
    assert hit.ref.startswith("Art. 50(")


def _one_language(index: DeskIndex, lang: str) -> DeskIndex:
    units = [u for u in index.units if u.collection != LAW or u.lang == lang]
    return DeskIndex(index.texts, units, index.embedder, index.dense_error)


def test_a_french_question_finds_english_only_provisions(index: DeskIndex) -> None:
    english_only = _one_language(index, "en")
    hits = english_only.search(
        "Puis-je porter plainte auprès d'une autorité de surveillance du marché ?", limit=5
    ).results
    assert "Art. 85" in [h.unit for h in hits]
    assert all(h.lang == "en" for h in hits)


def test_an_english_question_finds_french_only_provisions(index: DeskIndex) -> None:
    french_only = _one_language(index, "fr")
    hits = french_only.search("Who must carry out a fundamental rights impact assessment?", limit=5).results
    assert "Art. 27" in [h.unit for h in hits]


def test_guidance_is_only_included_on_request_and_labelled_non_binding(index: DeskIndex) -> None:
    query = "emotion recognition in the workplace"
    assert all(h.collection == "law" for h in index.search(query, limit=10).results)
    hits = index.search(query, limit=10, include_guidance=True).results
    guidance = [h for h in hits if h.collection == "guidance"]
    assert guidance
    for h in guidance:
        assert h.ref.startswith("Guidelines ")
        assert " para " in h.ref
        assert h.source["binding"] is False
        assert h.source["status"] in {"final", "draft"}


@pytest.mark.parametrize("query", ["", "   ", "\n\t "])
def test_an_empty_query_is_refused(index: DeskIndex, query: str) -> None:
    with pytest.raises(QueryError, match="empty query"):
        index.search(query)


def test_a_huge_query_is_refused_with_the_limit(index: DeskIndex) -> None:
    with pytest.raises(QueryError, match=str(MAX_QUERY_CHARS)):
        index.search("risk " * 5000)


def test_a_query_of_stopwords_or_symbols_returns_without_error(index: DeskIndex) -> None:
    for query in ("???", "the of and", "§§§ ¿¡ 😀"):
        result = index.search(query, limit=5)
        assert len(result.results) <= 5


def test_limit_is_checked(index: DeskIndex) -> None:
    with pytest.raises(QueryError):
        index.search("fines", limit=0)
    assert len(index.search("fines", limit=3).results) == 3


def test_language_guess_and_glossary() -> None:
    assert guess_lang("qui doit réaliser une analyse d'impact ?") == "fr"
    assert guess_lang("do I have to tell people they are talking to a bot?") == "en"
    assert any(
        "interact directly with natural persons" in t for t in glossary_terms("a support chatbot", ["en"])
    )
    assert glossary_terms("a foundation model", ["en"]) == ["general-purpose AI model"]
    assert any("hypertrucage" in t for t in glossary_terms("un deepfake", ["fr"]))
    assert glossary_terms("robotics", ["en"]) == []  # whole words only


def test_a_query_searched_twice_is_embedded_once(index: DeskIndex) -> None:
    index.forget_queries()
    first = index.query_vector("who keeps the logs of a high-risk AI system?")
    assert index.query_vector("who keeps the logs of a high-risk AI system?") is first
    index.forget_queries()
    again = index.query_vector("who keeps the logs of a high-risk AI system?")
    assert again is not first and first is not None and np.allclose(first, again, atol=1e-4)
