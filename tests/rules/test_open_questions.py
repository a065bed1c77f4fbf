"""Open questions (SPEC §2): only unanswered facts that could change the result are asked."""

from __future__ import annotations

from aidesk.rules import assess, parse_profile

SPAM_FILTER = """
name: Spam filter
kind: ai_system
organisation: {name: Mail GmbH, country: DE, size: small}
roles: [provider]
location: {established_in_eu: true, placed_on_eu_market: true, output_used_in_eu: true}
placed_on_market: "2026-09-01"
annex_iii: []
"""


def _fields(profile_text: str) -> set[str]:
    return {q.field for q in assess(parse_profile(profile_text, "yaml")).open_questions}


def test_a_missing_annex_i_answer_is_an_open_question_that_could_make_the_system_high_risk() -> None:
    # Art. 6(1) and Annex I: a product safety component can make a minimal system high-risk.
    assert "annex_i.legislation" in _fields(SPAM_FILTER)


def test_an_explicit_none_of_the_annex_i_acts_is_an_answer_not_an_open_question() -> None:
    assert "annex_i.legislation" not in _fields(SPAM_FILTER + "annex_i: {legislation: null}\n")
