"""`aidesk law …` as a user runs it: a real process, its output and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def aidesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aidesk", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )


def test_law_show_prints_annex_iii_4_a_in_french() -> None:
    # The "done when": aidesk law show "Annex III 4(a)" --lang fr prints the French text.
    result = aidesk("law", "show", "Annex III 4(a)", "--lang", "fr")
    assert result.returncode == 0, result.stderr
    assert "recrutement ou la sélection de personnes physiques" in result.stdout.replace("\u00a0", " ")
    assert "Annexe III" in result.stdout


def test_law_show_json_names_the_canonical_citation_whatever_the_spelling() -> None:
    result = aidesk("law", "show", "article 5, paragraphe 1, point f)", "--json")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["ref"] == "Art. 5(1)(f)"
    assert payload["kind"] == "article"
    assert payload["text"].startswith("(f) the placing on the market")
    assert payload["lead_in"] == ["1. The following AI practices shall be prohibited:"]


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("Art. 5(9)", "Art. 5 has no paragraph 9"),
        ("nonsense", "cannot read 'nonsense' as a citation"),
        ("Annex III 4(z)", "Annex III 4 has no point z"),
    ],
)
def test_law_show_rejects_bad_citations_with_one_line_and_exit_code_2(ref: str, expected: str) -> None:
    result = aidesk("law", "show", ref)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_law_show_rejects_an_unknown_language_with_exit_code_2() -> None:
    result = aidesk("law", "show", "Art. 5", "--lang", "de")
    assert result.returncode == 2


def test_law_show_rejects_an_unknown_corpus_version_with_exit_code_2() -> None:
    result = aidesk("law", "show", "Art. 5", "--version", "1999")
    assert result.returncode == 2
    assert "unknown corpus version '1999'" in result.stderr


def test_law_toc_lists_chapters_and_annexes() -> None:
    result = aidesk("law", "toc", "--json", "--version", "2024")
    assert result.returncode == 0, result.stderr
    toc = json.loads(result.stdout)
    assert toc["recitals"] == 180
    assert len(toc["chapters"]) == 13
    assert sum(len(ch["articles"]) for ch in toc["chapters"]) == 113
    assert toc["annexes"][2]["ref"] == "Annex III"
    assert (
        toc["annexes"][2]["title"].replace("\u00a0", " ")
        == "High-risk AI systems referred to in Article 6(2)"
    )


def test_law_toc_in_french_prints_french_titles() -> None:
    result = aidesk("law", "toc", "--lang", "fr", "--version", "2024")
    assert result.returncode == 0
    assert "PRATIQUES INTERDITES EN MATIÈRE D’IA" in result.stdout


def test_law_validate_passes_on_the_bundled_data() -> None:
    result = aidesk("law", "validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "checks passed" in result.stdout
