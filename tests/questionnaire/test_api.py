"""The interview as a stateless API for the web wizard and the HTTP API: JSON in, JSON out."""

from __future__ import annotations

import json

import pytest
from questionnaire_helpers import AS_OF

from aidesk.rules.engine import assess
from aidesk.rules.profile import profile_from_data
from aidesk.rules.questionnaire import (
    AnswerError,
    InterviewStep,
    interview_back,
    interview_question,
    interview_step,
)

SPAM = {
    "q_name": "MailShield spam filter", "q_kind": "ai_system", "q_roles": ["provider", "deployer"],
    "q_location_established_in_eu": "yes", "q_location_placed_on_eu_market": "yes", "q_exclusions": [],
    "q_prohibited_practices": [], "q_annex_i_legislation": "none", "q_annex_iii": [], "q_transparency": [],
    "q_organisation_size": "small_midcap",
}  # fmt: skip


def roundtrip(step: InterviewStep) -> dict[str, object]:
    data = json.loads(json.dumps(step.model_dump(mode="json", by_alias=True)))
    assert InterviewStep.model_validate(data) == step
    return data


def test_a_step_is_the_next_question_in_the_requested_language() -> None:
    step = interview_step({"q_name": "CV screening", "q_kind": "ai_system"}, lang="fr", as_of=AS_OF)
    data = roundtrip(step)
    assert data["schema"] == "aidesk/interview/v1" and data["done"] is False
    question = data["question"]
    assert isinstance(question, dict)
    assert question["id"] == "q_roles" and question["text"].startswith("Quel est votre rôle")
    assert question["options"][0] == {"key": "provider", "label": question["options"][0]["label"]}
    assert question["citations"] and question["progress"]["stage"] == "who"
    assert data["asked"] == ["q_name", "q_kind"] and data["can_go_back"] is True


def test_the_last_step_has_the_profile_and_the_assessment() -> None:
    step = interview_step(SPAM, as_of=AS_OF)
    data = roundtrip(step)
    assert data["done"] is True and data["question"] is None
    profile = data["profile"]
    assessment = data["assessment"]
    assert isinstance(profile, dict) and isinstance(assessment, dict)
    assert profile["schema"] == "aidesk/profile/v1" and profile["roles"] == ["provider", "deployer"]
    assert assessment["schema"] == "aidesk/assessment/v1" and assessment["risk_class"] == "minimal"
    assert assessment == assess(profile_from_data(profile), "ai-act-2026", AS_OF).to_json_dict()


def test_back_and_forth() -> None:
    answers = dict(SPAM)
    back = interview_back(answers, as_of=AS_OF)
    assert "q_organisation_size" not in back
    step = interview_step(back, as_of=AS_OF)
    assert step.question is not None and step.question.id == "q_organisation_size"


def test_an_open_question_of_the_assessment_can_be_asked_later() -> None:
    step = interview_step({**SPAM, "q_transparency": "unknown"}, as_of=AS_OF)
    assert step.done and step.unknown == ["q_transparency"]
    assert step.assessment is not None
    ids = {q["question"] for q in step.assessment["open_questions"]}
    assert "q_transparency_interacts_with_natural_persons" in ids
    question = interview_question("q_transparency_interacts_with_natural_persons", "fr")
    assert question.kind == "yes_no" and question.text.startswith("Le système interagit")


def test_bad_input() -> None:
    with pytest.raises(AnswerError):
        interview_step({"q_name": "x", "q_kind": "robot"})
    with pytest.raises(ValueError, match="language"):
        interview_step({}, lang="de")
    with pytest.raises(ValueError, match="regime"):
        interview_step({}, regime="ai-act-1999")
    with pytest.raises(KeyError):
        interview_question("q_nope")
