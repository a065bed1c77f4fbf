"""The web desk's labels cite the law correctly: every citation they show resolves in the corpus, and
every value of the profile schema has a label (so the form offers all of them)."""

from __future__ import annotations

from aidesk.law.citations import parse
from aidesk.law.corpus import load_corpus
from aidesk.rules import vocab
from aidesk.rules.model import RISK_CLASSES
from aidesk.web import labels
from aidesk.web.links import anchor, law_href


def test_every_citation_in_the_labels_resolves_in_the_2026_text() -> None:
    corpus = load_corpus("2026", "en")
    groups = [labels.EXCLUSIONS, labels.PRACTICES, labels.PRACTICE_EXCEPTIONS, labels.ARTICLE_6_3,
              labels.TRANSPARENCY, labels.GPAI, labels.DEPLOYER]  # fmt: skip
    for group in groups:
        for _label, ref in group.values():
            corpus.resolve(ref)


def test_every_schema_value_has_a_label() -> None:
    assert set(labels.RISK_CLASSES) == set(RISK_CLASSES) == set(labels.RISK_CLASS_EXPLAINED)
    assert set(labels.KINDS) == {k.value for k in vocab.Kind}
    assert set(labels.ROLES) == {r.value for r in vocab.Role}
    assert set(labels.SIZES) == {s.value for s in vocab.Size}
    assert set(labels.EXCLUSIONS) == {e.value for e in vocab.Exclusion}
    assert set(labels.PRACTICES) == {p.value for p in vocab.Practice}
    assert set(labels.PRACTICE_EXCEPTIONS) == {p.value for p in vocab.PracticeException}
    assert set(labels.ANNEX_I_ACTS) == {a.value for a in vocab.AnnexIAct}


def test_citation_links_and_anchors() -> None:
    assert law_href("Art. 5(1)(f)") == "/law/article/5#art-5-1-f"
    assert law_href("Art. 5") == "/law/article/5"
    assert law_href("Art. 5(1)(f)", "2024") == "/law/article/5?version=2024#art-5-1-f"
    assert law_href("Annex III 4(a)") == "/law/annex/III#annex-iii-4-a"
    assert law_href("Annex I Section B 21") == "/law/annex/I#annex-i-sb-21"
    assert law_href("Recital 53") == "/law/recitals#rec-53"
    assert law_href("Reg. 2026/1744 Recital 40") == "/law/amending#rec-40"
    assert law_href("Guidelines C(2025) 5052 para 123") is None
    assert anchor(parse("Art. 113(3)(c)(i)")) == "art-113-3-c-i"
