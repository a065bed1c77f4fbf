"""Empty, one-word, very long and non-AI texts: a clear answer with questions, never a traceback; the draft
profile always validates; the JSON has exactly the keys of SPEC §5."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aidesk.desk.triage import TriageError
from aidesk.desk.triage.questions import DESCRIPTION_QUESTION
from aidesk.desk.triage.service import RISK_CLASSES, Triager
from aidesk.rules.profile import profile_from_data

SPEC_KEYS = {"text", "risk_class", "confidence", "candidates", "questions", "draft_profile"}


def _check(result_json: dict[str, object]) -> None:
    assert set(result_json) == SPEC_KEYS
    assert result_json["risk_class"] in RISK_CLASSES
    assert result_json["confidence"] in ("high", "medium", "low")
    for c in result_json["candidates"]:  # type: ignore[attr-defined]
        assert set(c) == {"ground", "score", "citations"}
        assert 0.0 <= c["score"] <= 1.0 and c["citations"]
    scores = [c["score"] for c in result_json["candidates"]]  # type: ignore[attr-defined]
    assert scores == sorted(scores, reverse=True)
    profile_from_data(result_json["draft_profile"])
    json.dumps(result_json)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_an_empty_description_is_an_error_that_says_what_to_do(triager: Triager, text: str) -> None:
    with pytest.raises(TriageError, match="describe"):
        triager.triage(text)


@pytest.mark.parametrize("text", ["chatbot", "CV", "IA", "recrutement", "face recognition"])
def test_one_or_two_words_are_not_enough_information(triager: Triager, text: str) -> None:
    result = triager.triage(text, llm=False)
    assert result.risk_class == "minimal"
    assert result.confidence == "low"
    assert result.questions[0]["id"] == DESCRIPTION_QUESTION
    assert any("not enough information" in n for n in result.notes)
    _check(result.to_json())


@pytest.mark.parametrize(
    "text",
    [
        "The weather in Lyon was lovely this weekend and we went for a walk by the river.",
        "A spreadsheet macro that adds up the invoices of the month and prints the total.",
        "Nous avons repeint la salle de réunion en bleu et acheté de nouvelles chaises.",
    ],
)
def test_non_ai_texts_are_minimal_with_questions(triager: Triager, text: str) -> None:
    result = triager.triage(text, llm=False)
    assert result.risk_class == "minimal"
    assert result.confidence in ("low", "medium")
    assert result.questions
    assert not any(s.confident for s in result.candidates)
    _check(result.to_json())


def test_a_very_long_description_is_triaged_and_its_draft_is_valid(triager: Triager) -> None:
    text = (
        "Our platform ranks job applicants and shortlists candidates for recruiters. " * 800
    )  # ~60 000 chars
    result = triager.triage(text, llm=False)
    assert result.risk_class == "high_risk"
    assert len(result.draft_profile["description"]) <= 20000
    assert len(result.draft_profile["name"]) <= 80
    _check(result.to_json())


def test_gpai_compute_is_read_from_the_text(triager: Triager) -> None:
    big = triager.triage(
        "We pre-train a general-purpose language model with 3 × 10^25 FLOP and sell API access.", llm=False
    )
    small = triager.triage(
        "We pre-train a general-purpose language model with 2e23 FLOP and sell API access.", llm=False
    )
    assert big.risk_class == "gpai_model_systemic"
    assert big.draft_profile["gpai_model"]["training_compute_flop"] == pytest.approx(3e25)
    assert small.risk_class == "gpai_model"


def test_the_class_follows_the_engine_precedence_over_confident_candidates(triager: Triager) -> None:
    text = "Our chatbot interviews job applicants, scores their answers and rejects the weakest candidates."
    result = triager.triage(text, llm=False)
    confident = {s.ground.ground for s in result.candidates if s.confident}
    assert {"Annex III 4(a)", "Art. 50(1)"} <= confident
    assert result.risk_class == "high_risk"
    assert result.draft_profile["transparency"]["interacts_with_natural_persons"] is True


def test_questions_propose_the_drafts_answers(triager: Triager) -> None:
    result = triager.triage(
        "The bank decides from applicants' income and debts whether they get a personal loan."
    )
    by_id = {q["id"]: q for q in result.questions}
    assert by_id["q_annex_iii_5"]["proposed"] == ["5(b)"]
    assert by_id["q_annex_iii_5"]["sets"] == ["annex_iii"]
    assert "Annex III 5(b)" in by_id["q_annex_iii_5"]["about"]


def test_lexical_mode_without_the_model_still_answers() -> None:
    lexical = Triager(dense=False)
    assert lexical.mode == "lexical"
    result = lexical.triage("Our tool screens CVs and ranks job applicants for the recruiters.")
    assert result.risk_class == "high_risk"
    assert any("keyword cues only" in n for n in result.notes)
    _check(result.to_json())


@settings(max_examples=30, deadline=None)
@given(st.text(min_size=1, max_size=400))
def test_any_text_gets_a_valid_answer_and_a_valid_draft(triager: Triager, text: str) -> None:
    if not text.strip():
        with pytest.raises(TriageError):
            triager.triage(text, llm=False)
        return
    _check(triager.triage(text, llm=False).to_json())


@pytest.mark.parametrize(
    ("text", "flop"),
    [
        ("trained with 3 x 10^25 FLOP", 3e25),
        ("entraîné avec 1,5 × 10^25 FLOP", 1.5e25),
        ("about 2e26 FLOPs of compute", 2e26),
        ("10²⁵ floating-point operations", 1e25),
        ("more than 10^25 FLOP", 1.001e25),
        ("we have 500 employees and 3 offices", None),
    ],
)
def test_training_compute_figures(text: str, flop: float | None) -> None:
    from aidesk.desk.triage.service import training_compute

    assert training_compute(text) == (pytest.approx(flop) if flop is not None else None)


def test_a_model_said_to_be_above_the_threshold_is_presumed_systemic(triager: Triager) -> None:
    text = "Our general-purpose model was trained with compute above the systemic-risk threshold; we sell API access."
    result = triager.triage(text, llm=False)
    assert result.risk_class == "gpai_model_systemic"
    assert result.draft_profile["gpai_model"]["training_compute_flop"] > 1e25
    assert "q_gpai_model_training_compute_flop" in [q["id"] for q in result.questions]
    plain = triager.triage(
        "We pre-train a general-purpose foundation model and offer it to developers.", llm=False
    )
    assert plain.risk_class == "gpai_model"


@pytest.mark.parametrize(
    "text",
    [
        "A camera counts visitors at the museum entrance; it does not identify anyone and stores no faces.",
        "Le capteur compte les passages en magasin, sans reconnaissance faciale ni analyse des émotions.",
    ],
)
def test_a_ground_the_text_says_does_not_apply_is_not_confident(triager: Triager, text: str) -> None:
    result = triager.triage(text, llm=False)
    assert result.risk_class == "minimal"
    assert not any(s.confident for s in result.candidates)
