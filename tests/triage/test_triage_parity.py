"""English and French descriptions of the same system get the same answer (translated pairs, cases.yaml)."""

from __future__ import annotations

import pytest
from triage_cases import load_cases

from aidesk.desk.triage.service import Triager

CASES = load_cases()


def _matches(candidate: str, expected: str) -> bool:
    return candidate == expected or candidate.startswith(expected + "(")


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_english_and_french_agree_and_are_right(triager: Triager, case: dict[str, str]) -> None:
    en = triager.triage(case["en"], llm=False)
    fr = triager.triage(case["fr"], llm=False)
    assert en.risk_class == fr.risk_class == case["risk_class"]
    if case["ground"]:
        for result in (en, fr):
            assert any(_matches(s.ground.ground, case["ground"]) for s in result.candidates[:3])


def test_questions_follow_the_language(triager: Triager) -> None:
    case = CASES[0]
    en = triager.triage(case["en"], llm=False)
    fr = triager.triage(case["fr"], llm=False)
    assert [q["id"] for q in en.questions][:1] == [q["id"] for q in fr.questions][:1]
    assert en.questions[0]["question"] != fr.questions[0]["question"]
    assert (
        triager.triage(case["en"], lang="fr", llm=False).questions[0]["question"]
        == fr.questions[0]["question"]
    )
