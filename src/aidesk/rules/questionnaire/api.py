"""The interview as a pure, stateless function for the web wizard and the HTTP API.

The client keeps the answers (question id -> answer, see `answers.py`) and sends them all with every
request; the reply is the next question, in the requested language, or the final profile and
assessment. "Back" is `interview_back(answers)`: the answers without the one to the last question
asked. Every reply is a Pydantic model that serialises to JSON (`step.model_dump(mode="json",
by_alias=True)`); `profile` and `assessment` are the SPEC §1 and §2 documents.

    step = interview_step({"q_name": "CV screening", "q_kind": "ai_system"}, lang="fr")
    step.question.text   # "Quel est votre rôle pour ce système ? ..."
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from aidesk.rules.profile import PROFILE_SCHEMA, Profile
from aidesk.rules.questionnaire.answers import AnswerError
from aidesk.rules.questionnaire.resolver import Question, Result, previous, question, resolve
from aidesk.rules.regimes import DEFAULT_REGIME

INTERVIEW_SCHEMA: Literal["aidesk/interview/v1"] = "aidesk/interview/v1"


class InterviewStep(BaseModel):
    """One step of an interview: the next question, or (`done`) the profile and its assessment."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: Literal["aidesk/interview/v1"] = Field(default=INTERVIEW_SCHEMA, alias="schema")
    lang: str
    regime: str
    done: bool
    question: Question | None = None
    asked: list[str]  # the questions answered on the way, in the order asked ("back" drops the last)
    can_go_back: bool
    unknown: list[str] = []  # answered "I don't know": see the assessment's open_questions
    ignored: list[str] = []  # answers to questions the interview did not reach
    profile: dict[str, Any] | None = None  # aidesk/profile/v1
    assessment: dict[str, Any] | None = None  # aidesk/assessment/v1


def profile_document(profile: Profile) -> dict[str, Any]:
    """The profile as a SPEC §1 document: the schema first, then only the keys the answers set."""
    data = profile.model_dump(mode="json", by_alias=True, exclude_unset=True)
    data.pop("schema", None)
    return {"schema": PROFILE_SCHEMA, **data}


def interview_step(
    answers: Mapping[str, object],
    lang: str = "en",
    regime: str = DEFAULT_REGIME,
    as_of: date | None = None,
) -> InterviewStep:
    """Given the answers so far, the next question or the final assessment.

    Raises `AnswerError` for an answer that does not fit its question (an HTTP API answers 422 with
    its one-line message) and `ValueError` for an unknown language or regime."""
    step, asked = resolve(answers, lang, regime, as_of)
    if isinstance(step, Question):
        return InterviewStep(
            lang=lang,
            regime=regime,
            done=False,
            question=step,
            asked=list(asked),
            can_go_back=bool(asked),
        )
    assert isinstance(step, Result)
    return InterviewStep(
        lang=lang,
        regime=regime,
        done=True,
        asked=list(asked),
        can_go_back=bool(asked),
        unknown=list(step.unknown),
        ignored=list(step.ignored),
        profile=profile_document(step.profile),
        assessment=step.assessment.to_json_dict(),
    )


def interview_back(
    answers: Mapping[str, object], regime: str = DEFAULT_REGIME, as_of: date | None = None
) -> dict[str, object]:
    """The answers without the one to the last question asked (unchanged at the first question)."""
    return previous(answers, regime, as_of)


def interview_question(qid: str, lang: str = "en") -> Question:
    """Any question by id, e.g. one an assessment lists under `open_questions[].question`, to answer
    it later. Raises `KeyError` for an unknown id."""
    return question(qid, lang)


__all__ = [
    "INTERVIEW_SCHEMA",
    "AnswerError",
    "InterviewStep",
    "interview_back",
    "interview_question",
    "interview_step",
    "profile_document",
]
