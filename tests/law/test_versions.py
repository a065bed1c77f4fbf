"""The AI Act as in force today (2026 consolidated text, Reg. (EU) 2026/1744) beside the 2024 text:
defaults, amendment markers, the French composition, `law changes` and `law diff`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from aidesk.law.citations import CitationError, parse
from aidesk.law.corpus import available_versions, default_version, load_corpus, locate
from aidesk.law.model import Point


def plain(text: str | None) -> str:
    return " ".join((text or "").replace("\u00a0", " ").split())


def aidesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aidesk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )


def test_the_law_as_in_force_today_is_the_default_version() -> None:
    assert available_versions() == ("2024", "2026")
    assert default_version() == "2026"
    assert load_corpus().version == "2026"


def test_both_versions_are_reachable_in_both_languages() -> None:
    for version in ("2024", "2026"):
        en, fr = load_corpus(version, "en"), load_corpus(version, "fr")
        assert set(en.index) == set(fr.index)


def test_art_113_3_c_reads_2_december_2027_and_2_august_2028_in_2026() -> None:
    # Art. 113, third paragraph, point (c), as replaced by Reg. (EU) 2026/1744, Art. 1 point 40(b).
    text = plain(load_corpus("2026", "en").text("Art. 113(3)(c)"))
    assert "2 December 2027" in text
    assert "2 August 2028" in text
    assert "2 August 2027" in plain(load_corpus("2024", "en").text("Art. 113(3)(c)"))


def test_a_deleted_provision_is_gone_and_says_where_it_went() -> None:
    # Art. 10(5) was deleted by Reg. (EU) 2026/1744; it stays readable in the 2024 text.
    with pytest.raises(CitationError, match=r"Art\. 10\(5\) was deleted by Reg\. \(EU\) 2026/1744"):
        load_corpus("2026", "en").resolve("Art. 10(5)")
    assert load_corpus("2024", "en").resolve("Art. 10(5)")
    with pytest.raises(CitationError, match="deleted"):
        load_corpus("2026", "en").resolve("Annex I Section A 1")


def test_unchanged_provisions_stay_fully_french() -> None:
    # Annex III 4(a) and Art. 26(1) were not amended: the French 2026 text is the French 2024 text.
    for ref in ("Annex III 4(a)", "Art. 26(1)", "Art. 5(1)(f)", "Recital 53"):
        fr_2026 = load_corpus("2026", "fr")
        assert fr_2026.text(ref) == load_corpus("2024", "fr").text(ref)
        assert parse(ref) not in fr_2026.english_fallback


def test_amended_provisions_in_french_show_the_english_text_and_the_earlier_french_wording() -> None:
    # Art. 3(14) (safety component) was replaced by Reg. (EU) 2026/1744, Art. 1 point 4(a).
    located = locate(load_corpus("2026", "fr"), "Art. 3(14)")
    assert located.shown_in_english
    assert located.text == load_corpus("2026", "en").text("Art. 3(14)")
    assert located.earlier_wording == load_corpus("2024", "fr").text("Art. 3(14)")
    assert [ch.amending_point for ch in located.amendments] == ["Reg. (EU) 2026/1744, Art. 1 point 4(a)"]


def test_a_paragraph_around_an_inserted_point_keeps_its_french_words() -> None:
    # Art. 5(1) gained points (ba) and (bb): its lead-in and points (a)-(h) stay French.
    fr = load_corpus("2026", "fr")
    paragraph = fr.resolve("Art. 5(1)")
    assert parse("Art. 5(1)") not in fr.english_fallback
    assert paragraph.full_text.startswith("Les pratiques en matière d’IA suivantes sont interdites")
    ids = [p.id for p in paragraph.points]  # type: ignore[union-attr]
    assert ids[:4] == ["a", "b", "ba", "bb"]
    ba = fr.resolve("Art. 5(1)(ba)")
    assert isinstance(ba, Point)
    assert parse("Art. 5(1)(ba)") in fr.english_fallback
    assert fr.resolve("Art. 5(1)(a)") == load_corpus("2024", "fr").resolve("Art. 5(1)(a)")


def test_every_english_fallback_lies_under_a_change() -> None:
    fr = load_corpus("2026", "fr")
    for citation in fr.english_fallback:
        assert fr.changes_covering(citation), citation


def test_law_show_prints_the_new_prohibition_with_its_amending_point() -> None:
    # Art. 5(1)(ba), inserted by Reg. (EU) 2026/1744, Art. 1 point 7(a): non-consensual intimate imagery.
    result = aidesk("law", "show", "Art. 5(1)(ba)")
    assert result.returncode == 0, result.stderr
    out = plain(result.stdout.replace("│", " "))
    assert "Amended (inserted) by Reg. (EU) 2026/1744, Art. 1 point 7(a)" in out
    assert "intimate parts" in out


def test_law_show_version_2024_has_no_new_prohibition() -> None:
    result = aidesk("law", "show", "Art. 5(1)(ba)", "--version", "2024")
    assert result.returncode == 2
    assert "Art. 5(1) has no point ba" in result.stderr


def test_law_show_in_french_marks_the_english_text_of_an_amended_provision() -> None:
    result = aidesk("law", "show", "Art. 4", "--lang", "fr", "--json")
    payload = json.loads(result.stdout)
    assert payload["text_lang"] == "en"
    assert payload["amendments"][0]["amending_point"] == "Reg. (EU) 2026/1744, Art. 1 point 5"
    assert payload["earlier_wording"].startswith("Les fournisseurs et les déployeurs de systèmes d’IA")


def test_law_changes_lists_at_least_the_provisions_the_omnibus_inserted_replaced_and_deleted() -> None:
    result = aidesk("law", "changes", "--json")
    assert result.returncode == 0, result.stderr
    changes = {(c["ref"], c["kind"]) for c in json.loads(result.stdout)}
    expected = {
        ("Art. 4", "replaced"),
        ("Art. 4a", "inserted"),
        ("Art. 5(1)(ba)", "inserted"),
        ("Art. 5(1)(bb)", "inserted"),
        ("Art. 5(1a)", "inserted"),
        ("Art. 5(1b)", "inserted"),
        ("Art. 6(1a)", "inserted"),
        ("Art. 6(1b)", "inserted"),
        ("Art. 6(1c)", "inserted"),
        ("Art. 60a", "inserted"),
        ("Art. 75a", "inserted"),
        ("Art. 75b", "inserted"),
        ("Art. 75c", "inserted"),
        ("Art. 75d", "inserted"),
        ("Annex XIV", "inserted"),
        ("Art. 111(2)", "replaced"),
        ("Art. 111(4)", "inserted"),
        ("Art. 113(3)(a)", "replaced"),
        ("Art. 113(3)(c)", "replaced"),
        ("Art. 113(3)(d)", "inserted"),
        ("Art. 10(5)", "deleted"),
        ("Annex I Section A 1", "deleted"),
    }
    assert expected <= changes
    for ref, _ in changes:
        assert str(parse(ref)) == ref


def test_law_diff_shows_old_and_new_wording() -> None:
    result = aidesk("law", "diff", "Art. 113(3)(c)", "--json")
    payload = json.loads(result.stdout)
    assert payload["from"] == "2024"
    assert payload["to"] == "2026"
    assert payload["changed"] is True
    assert "2 August 2027" in plain(payload["old"])
    assert "2 December 2027" in plain(payload["new"])
    assert payload["amendments"][0]["amending_point"] == "Reg. (EU) 2026/1744, Art. 1 point 40(b)"


def test_law_diff_of_an_inserted_provision_has_no_old_wording() -> None:
    payload = json.loads(aidesk("law", "diff", "Art. 4a", "--json").stdout)
    assert payload["old"] is None
    assert payload["new"]


def test_the_amending_acts_recitals_are_citable() -> None:
    # Reg. (EU) 2026/1744, recital 40: the reasons for the new application dates of Art. 113.
    result = aidesk("law", "show", "Reg. 2026/1744 Recital 40", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["ref"] == "Reg. 2026/1744 Recital 40"
    assert "Article 113" in payload["text"]
    missing = aidesk("law", "show", "Reg. 2026/1744 Recital 48")
    assert missing.returncode == 2
    assert "has no recital 48: it has recitals 1–47" in missing.stderr


def test_an_inserted_article_in_french_sits_under_french_chapter_titles() -> None:
    # Art. 4a (inserted by Reg. (EU) 2026/1744) is English text in Chapter I, whose title stays French.
    fr = load_corpus("2026", "fr")
    article = fr.articles["4a"]
    assert parse("Art. 4a") in fr.english_fallback
    assert article.chapter_title == load_corpus("2024", "fr").articles["4"].chapter_title
