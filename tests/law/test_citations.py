"""Citations (SPEC §3): one canonical form, read from the many ways people write them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aidesk.law.citations import Citation, CitationError, Kind, format_citation, parse
from aidesk.law.corpus import load_corpus

CANONICAL = [
    "Art. 5(1)(f)",
    "Art. 6(3)",
    "Art. 113",
    "Recital 53",
    "Annex III 4(a)",
    "Annex IV",
    "Art. 3(14)",
    "Art. 113(3)(c)",
    "Art. 5(1)(h)(i)",
    "Annex I Section B 21",
    "Annex VIII Section B 7",
    "Art. 4a",
    "Art. 5(1)(ba)",
    "Art. 5(1a)",
    "Art. 6(1c)",
    "Art. 75a",
    "Reg. 2026/1744 Recital 40",
    "Annex XIII (a)",
    "Annex VII 3.1(a)",
]


@pytest.mark.parametrize("text", CANONICAL)
def test_canonical_citations_format_as_they_are_written(text: str) -> None:
    assert format_citation(parse(text)) == text


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Article 5(1)(f)", "Art. 5(1)(f)"),
        ("art. 5 para 1 point f", "Art. 5(1)(f)"),
        ("Article 5, paragraph 1, point (f)", "Art. 5(1)(f)"),
        ("Article 5(1), first subparagraph, point (h)(iii)", "Art. 5(1)(h)(iii)"),
        ("Annex III, point 4(a)", "Annex III 4(a)"),
        ("annex iii 4 (a)", "Annex III 4(a)"),
        ("article 5, paragraphe 1, point f)", "Art. 5(1)(f)"),
        ("article 5, paragraphe 1, premier alinéa, point h) iii)", "Art. 5(1)(h)(iii)"),
        ("annexe III", "Annex III"),
        ("annexe III, point 4 a)", "Annex III 4(a)"),
        ("considérant 53", "Recital 53"),
        ("Recital (53)", "Recital 53"),
        ("Article 113, third paragraph, point (c)", "Art. 113(3)(c)"),
        ("Annex I, Section B, point 21", "Annex I Section B 21"),
        ("art 6 § 3", "Art. 6(3)"),
        ("Art.\u00a05(1)(f)", "Art. 5(1)(f)"),
        ("Regulation (EU) 2026/1744, recital 40", "Reg. 2026/1744 Recital 40"),
        ("ARTICLE 4A", "Art. 4a"),
    ],
)
def test_common_spellings_read_as_the_canonical_citation(written: str, canonical: str) -> None:
    assert format_citation(parse(written)) == canonical


@pytest.mark.parametrize(
    "text",
    ["", "   ", "hello", "Art.", "Article x", "Annex 3", "Recital 5(1)", "Art. 05", "Chapter III", "x" * 500],
)
def test_unreadable_citations_raise_a_clear_error(text: str) -> None:
    with pytest.raises(CitationError) as info:
        parse(text)
    assert str(info.value)
    assert "\n" not in str(info.value)


def test_a_provision_covers_what_lies_inside_it() -> None:
    assert parse("Art. 26").covers(parse("Art. 26(7)"))
    assert not parse("Art. 53").covers(parse("Art. 5(3)"))
    assert not parse("Art. 53(1)(c)").covers(parse("Art. 53"))
    assert parse("Annex III").covers(parse("Annex III 4(a)"))
    assert parse("Annex I Section B").covers(parse("Annex I Section B 21"))
    assert not parse("Annex I Section A").covers(parse("Annex I Section B 21"))


def _every_citation() -> list[Citation]:
    return [c for lang in ("en", "fr") for c, _ in load_corpus("2024", lang).provisions()]


ALL = sorted(set(_every_citation()), key=format_citation)


def _spellings(c: Citation) -> list[str]:
    """Ways a person or the Official Journal writes the same provision."""
    if c.kind is Kind.RECITAL:
        return [f"recital {c.number}", f"considérant {c.number}", f"Recital ({c.number})"]
    if c.kind is Kind.ARTICLE:
        parts = list(c.path)
        out = [f"Article {c.number}" + "".join(f"({p})" for p in parts)]
        if parts:
            fr = f"article {c.number}, paragraphe {parts[0]}"
            if len(parts) > 1:
                fr += ", point " + " ".join(f"{p})" for p in parts[1:])
            out.append(fr)
            out.append(f"art. {c.number} para {parts[0]}" + "".join(f" point {p}" for p in parts[1:]))
        return out
    section = f", Section {c.section}" if c.section else ""
    if not c.path:
        return [f"annexe {c.number}{section}", f"ANNEX {c.number}{section}"]
    head, *rest = c.path
    point = f"{head}" + "".join(f"({p})" for p in rest) if head[0].isdigit() else f"({head})"
    return [f"Annex {c.number}{section}, point {point}", f"annexe {c.number}{section} point {point}"]


@given(st.sampled_from(ALL))
def test_every_provision_of_the_corpus_round_trips(citation: Citation) -> None:
    text = format_citation(citation)
    assert parse(text) == citation
    for spelling in _spellings(citation):
        assert parse(spelling) == citation, spelling


def test_every_provision_round_trips_exhaustively() -> None:
    # Hypothesis samples; this walks all of them once, so no provision is ever skipped.
    assert len(ALL) > 1400
    bad = [format_citation(c) for c in ALL if parse(format_citation(c)) != c]
    assert bad == []
