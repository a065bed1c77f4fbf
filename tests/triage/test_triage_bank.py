"""The description bank is consistent: grounds, citations, questions, profile patches and shipped vectors."""

from __future__ import annotations

import pytest

from aidesk.desk.dense import key_of, load_embedder
from aidesk.desk.triage.bank import EFFECTS, load_bank
from aidesk.desk.triage.questions import known
from aidesk.desk.triage.service import Scored, Triager, draft_data
from aidesk.desk.triage.vectors import shipped_store
from aidesk.law.citations import format_citation, parse
from aidesk.law.corpus import load_corpus
from aidesk.rules.engine import classify
from aidesk.rules.profile import profile_from_data
from aidesk.rules.regimes import load_regime
from aidesk.rules.vocab import ANNEX_III_POINTS, AnnexIAct, Practice

BANK = load_bank()


def test_every_kind_of_ground_the_spec_lists_is_a_candidate() -> None:
    grounds = {g.ground for g in BANK.grounds}
    assert {f"Annex III {p}" for p in ANNEX_III_POINTS} <= grounds
    assert {"Art. 2(3)", "Art. 2(4)", "Art. 2(6)", "Art. 2(8)", "Art. 2(10)", "Art. 2(12)"} <= grounds
    assert {f"Art. 5(1)({p})" for p in ("a", "b", "ba", "bb", "c", "d", "e", "f", "g", "h")} <= grounds
    assert {
        "Art. 6(1)",
        "Art. 50(1)",
        "Art. 50(2)",
        "Art. 50(3)",
        "Art. 50(4)",
        "Art. 51",
        "Art. 51(2)",
    } <= grounds


def test_every_prohibited_practice_and_annex_i_act_has_a_ground() -> None:
    practices = {p for g in BANK.grounds for p in g.profile.get("prohibited_practices", [])}
    assert practices == {p.value for p in Practice}
    acts = {g.annex_i for g in BANK.grounds if g.annex_i}
    # vehicle_general_safety products are described with the motor vehicles they equip
    assert acts | {"vehicle_general_safety"} == {a.value for a in AnnexIAct}


@pytest.mark.parametrize("ground", BANK.grounds, ids=lambda g: g.key)
def test_a_ground_has_english_and_french_descriptions_and_a_known_effect(ground) -> None:  # type: ignore[no-untyped-def]
    langs = {lang for lang, _ in ground.positives}
    assert langs == {"en", "fr"}
    assert ground.effect in EFFECTS
    assert ground.label.get("en") and ground.label.get("fr")


def test_every_citation_a_candidate_can_show_resolves_in_the_corpus(triager: Triager) -> None:
    corpus = load_corpus()
    for g in BANK.grounds:
        for citation in [g.ground, *triager._citations[g.key]]:
            assert format_citation(parse(citation)) == citation
            assert corpus.resolve(citation).full_text.strip(), citation


def test_every_question_a_ground_names_is_a_questionnaire_question() -> None:
    for g in BANK.grounds:
        assert g.questions, g.key
        for qid in g.questions:
            assert known(qid), f"{g.key}: {qid}"


@pytest.mark.parametrize("ground", BANK.grounds, ids=lambda g: g.key)
def test_each_ground_alone_makes_a_valid_draft_of_its_own_class(ground) -> None:  # type: ignore[no-untyped-def]
    flop = 5e25 if ground.effect == "gpai_model_systemic" else None
    data = draft_data("A description.", [Scored(ground, 0.9, 0.1, 1.0)], flop)
    profile = profile_from_data(data)
    assert classify(profile, load_regime()).risk_class == ground.effect


def test_the_shipped_vectors_cover_the_whole_bank() -> None:
    embedder = load_embedder()
    store = shipped_store()
    missing = [t for t in BANK.passages() if key_of(embedder.model_id, t) not in store]
    assert not missing, f"run tools/build_triage_bank.py ({len(missing)} descriptions have no vector)"
