"""The guided questionnaire (issue 5): plain questions, in English or French, that ask only for the facts
the assessment still depends on, and end with the engine's assessment of the profile they make.

- `questions.yaml`: each question as data — the profile key(s) it sets, its kind, its options mapped
  to profile values, the citations it derives from; `text/<lang>.yaml`: its wording and help.
- `resolver.next_question(answers, lang)`: the next `Question`, or the `Result` (profile + assessment).
- `api.interview_step(answers, lang)`: the same as JSON-serialisable models, for the web and HTTP API.
- `prefill.answers_from(profile)`: the answers an existing profile gives.

Pure core (STYLE.md 7): nothing here imports the web, the database or the CLI.
"""

from __future__ import annotations

from aidesk.rules.questionnaire.answers import UNKNOWN, AnswerError
from aidesk.rules.questionnaire.api import (
    InterviewStep,
    interview_back,
    interview_question,
    interview_step,
    profile_document,
)
from aidesk.rules.questionnaire.bank import QuestionnaireError, load_bank
from aidesk.rules.questionnaire.prefill import answers_from
from aidesk.rules.questionnaire.resolver import Option, Progress, Question, Result, next_question, previous

__all__ = [
    "UNKNOWN",
    "AnswerError",
    "InterviewStep",
    "Option",
    "Progress",
    "Question",
    "QuestionnaireError",
    "Result",
    "answers_from",
    "interview_back",
    "interview_question",
    "interview_step",
    "load_bank",
    "next_question",
    "previous",
    "profile_document",
]
