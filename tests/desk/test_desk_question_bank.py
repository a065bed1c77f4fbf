"""The question bank (`src/aidesk/desk/data/questions/*.yaml`): every file valid, every citation
resolving in the 2026 text, every article and annex asked about, the shipped vectors current,
and the bank heard in the ranking — with the model and without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from aidesk.desk.dense import ENV_MODEL
from aidesk.desk.question_bank import (
    BANK_VERSION,
    BankError,
    Question,
    bank_dir,
    load_bank,
    read_bank,
    read_entries,
    read_shipped,
    source_digest,
)
from aidesk.desk.search import DeskIndex
from aidesk.law.citations import parse
from aidesk.law.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[2]
BANK_FILES = (
    "ch01_general_prohibited.yaml",
    "ch03a_high_risk.yaml",
    "ch03b_ch05_conformity_transparency_gpai.yaml",
    "ch06_ch13_sandboxes_governance_enforcement.yaml",
)


@pytest.fixture(scope="module")
def corpus() -> Any:
    return load_corpus(BANK_VERSION, "en")


def test_every_bank_file_validates_and_every_cite_resolves(corpus: Any) -> None:
    bank = load_bank()  # raises BankError naming the file and entry
    assert set(BANK_FILES) <= set(bank.files)
    for entry in bank.entries:
        assert str(corpus.resolve(entry.cite).citation) == entry.cite
        assert any(entry.questions.values())
    assert len(bank.questions()) >= 1000


def test_the_bank_asks_about_every_article_and_annex_of_the_2026_text(corpus: Any) -> None:
    missing = load_bank().missing(corpus)
    assert not missing, f"no bank question about: {', '.join(missing)}"


def test_the_shipped_question_vectors_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_desk_questions.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"run tools/build_desk_questions.py: {done.stdout}{done.stderr}"
    shipped = read_shipped()
    assert shipped.digest == source_digest()
    assert all(v.dtype == np.float16 and v.shape == (384,) for v in list(shipped.vectors.values())[:10])


# --- validation: clear errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"cite": "Art. 50(1)", "en": ["q?"], "de": ["Frage?"]}, "unknown keys ['de']"),
        ({"cite": "Art. 50(9)", "en": ["q?"]}, "does not resolve"),
        ({"cite": "Art. 200", "en": ["q?"]}, "does not resolve"),
        ({"cite": "Article 50(1)", "en": ["q?"]}, "canonical way"),
        ({"cite": "Art. 50(1)", "en": []}, "no question"),
        ({"cite": "Art. 50(1)", "en": ["  "]}, "empty or non-text question"),
        ({"cite": "Art. 50(1)", "fr": "une question ?"}, "must be a list"),
        ({"en": ["q?"]}, "'cite' is missing"),
        ("Art. 50(1)", "an entry is a mapping"),
    ],
)
def test_a_bad_entry_is_refused_naming_file_entry_and_fix(data: Any, message: str, corpus: Any) -> None:
    with pytest.raises(BankError, match=r"x\.yaml, entry 1") as err:
        read_entries([data], "x.yaml", corpus)
    assert message in str(err.value)


def test_a_bank_file_is_a_list(corpus: Any) -> None:
    with pytest.raises(BankError, match="a YAML list"):
        read_entries({"cite": "Art. 50"}, "x.yaml", corpus)


def test_entries_for_one_provision_in_two_files_are_merged(tmp_path: Path, corpus: Any) -> None:
    (tmp_path / "a.yaml").write_text('- cite: "Art. 4"\n  en: ["first?", "same?"]\n', encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        '- cite: "Art. 4"\n  en: ["same?"]\n  fr: ["deux ?"]\n', encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("not a bank file", encoding="utf-8")
    bank = read_bank(tmp_path, corpus)
    assert bank.files == ("a.yaml", "b.yaml")
    (entry,) = bank.entries
    assert entry.questions == {"en": ("first?", "same?"), "fr": ("deux ?",)}
    assert entry.sources == ("a.yaml#1", "b.yaml#1")
    assert bank.questions()[-1] == Question("deux ?", "fr", "Art. 4")


def test_the_digest_follows_the_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("[]\n", encoding="utf-8")
    before = source_digest(tmp_path)
    (tmp_path / "a.yaml").write_text("[] # edited\n", encoding="utf-8")
    assert source_digest(tmp_path) != before
    assert source_digest(bank_dir()) == source_digest()


# --- the bank in the ranking ------------------------------------------------------------------


def _group(cite: str) -> str:
    return str(parse(cite).unit)


def _sample(step: int = 97) -> list[Question]:
    """Every `step`-th bank question: a spread over chapters and both languages."""
    return load_bank().questions()[::step]


def test_the_bank_is_loaded_with_its_shipped_vectors(index: DeskIndex) -> None:
    # The questions on recitals rank with the recitals, the others against the rules.
    assert len(index.bank) + len(index.recital_bank) == len(load_bank().questions())
    assert len(index.recital_bank) > 0
    for bank in (index.bank, index.recital_bank):
        assert bank.embedded_now == 0, "run tools/build_desk_questions.py"
        assert bank.matrix is not None
        assert np.allclose(np.linalg.norm(bank.matrix, axis=1), 1.0, atol=1e-3)


def test_a_question_of_the_bank_finds_its_provision(index: DeskIndex) -> None:
    for q in _sample():
        groups = [h.unit for h in index.search(q.text, limit=5).results]
        assert _group(q.cite) in groups, (q, groups)


def test_without_the_model_the_bank_still_ranks_by_its_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MODEL, "off")
    lexical = DeskIndex.build()
    assert lexical.mode == "bm25" and len(lexical.bank) > 0 and lexical.bank.matrix is None
    without = DeskIndex.build(dense=False, questions=())
    better = worse = 0
    # The recitals' questions rank only beside e5 (keywords alone over them pull recitals above the rules).
    for q in (q for q in _sample(53) if not q.cite.startswith("Recital")):
        group = _group(q.cite)
        with_bank = [h.unit for h in lexical.search(q.text, limit=10).results]
        alone = [h.unit for h in without.search(q.text, limit=10).results]
        rank_with = with_bank.index(group) if group in with_bank else 10
        rank_alone = alone.index(group) if group in alone else 10
        better += rank_with < rank_alone
        worse += rank_with > rank_alone
    assert better > 2 * worse, (better, worse)


def test_an_edited_bank_is_read_from_its_yaml_until_rebuilt(monkeypatch: pytest.MonkeyPatch) -> None:
    import aidesk.desk.question_bank as qb

    shipped = read_shipped()
    assert qb.bank_questions(shipped) is shipped.questions  # current: no YAML parsing
    monkeypatch.setattr(qb, "source_digest", lambda directory=None: "edited since the build")
    assert list(qb.bank_questions(shipped)) == load_bank().questions()
