"""For every profile of the development set, a person who answers from it reaches the same assessment as
`assess` on it, and is asked only questions that matter to it (few, in the natural order).

The development set lives beside the clone (`<repo>/../shared/devsets/profiles.yaml`); these tests are
skipped when it is absent.
"""

from __future__ import annotations

from typing import Any

import pytest
from questionnaire_helpers import AS_OF, comparable, devset_cases, simulate

from aidesk.rules.engine import assess
from aidesk.rules.profile import profile_from_data
from aidesk.rules.questionnaire.bank import load_bank

CASES = devset_cases()
needs_devset = pytest.mark.skipif(not CASES, reason="../shared/devsets/profiles.yaml not present")

# The most questions a profile of each family may take (the prefix of its id: SPEC §7, the devset header).
BUDGET = {"p": 16, "a1": 14, "h": 16, "d": 15, "t": 14, "m": 12, "o": 10, "g": 10}


@needs_devset
@pytest.mark.parametrize("case", CASES)
def test_a_person_answering_from_the_profile_reaches_the_same_assessment(case: dict[str, Any]) -> None:
    profile = profile_from_data(case["profile"])
    result, asked = simulate(profile)
    expected = assess(profile, "ai-act-2026", AS_OF)
    assert comparable(result.assessment) == comparable(expected)
    assert result.assessment.risk_class == case["expect"]["risk_class"]
    # The result is the engine's assessment of the profile the answers make.
    assert result.assessment.to_json_dict() == assess(result.profile, "ai-act-2026", AS_OF).to_json_dict()
    family = case["id"].split("-")[0]
    assert len(asked) <= BUDGET[family], [q.id for q in asked]


@needs_devset
@pytest.mark.parametrize("case", CASES)
def test_no_question_irrelevant_to_the_profile_is_asked(case: dict[str, Any]) -> None:
    profile = profile_from_data(case["profile"])
    result, asked = simulate(profile)
    ids = [q.id for q in asked]
    stages = [q.stage for q in asked]
    risk_class = result.assessment.risk_class
    # Who it is and what it is come first.
    assert ids[:3] == ["q_name", "q_kind", "q_roles"]
    if risk_class == "prohibited":
        assert not {"product_safety", "use_areas", "derogation", "transparency"} & set(stages), ids
    if risk_class == "out_of_scope":
        # Nothing about obligations: no dates, no size, no deployer details.
        assert "details" not in stages, ids
    if not profile.annex_iii:
        assert "derogation" not in stages, ids
        assert not [i for i in ids if i.startswith("q_annex_iii_")], ids
    if profile.kind.value != "gpai_model":
        assert "q_gpai_model_open_source" not in ids, ids
    if profile.kind.value == "ai_system":
        assert "gpai" not in stages, ids
    if profile.kind.value == "gpai_model":
        # A model is no AI system: no Art. 5, Annex I/III or Art. 50 questions.
        assert not {"prohibited", "product_safety", "use_areas", "derogation", "transparency"} & set(
            stages
        ), ids
    if not profile.prohibited_practices:
        assert "q_prohibited_exceptions" not in ids, ids
    if not profile.transparency.public_interest_text:
        assert "q_transparency_human_editorial_review" not in ids, ids
    if profile.annex_i.legislation is None:
        assert "q_annex_i_safety_component" not in ids, ids
    # Only the points of the areas the system is used in.
    areas = {p.split("(")[0] for p in profile.annex_iii}
    assert {i.removeprefix("q_annex_iii_") for i in ids if i.startswith("q_annex_iii_")} <= areas


@needs_devset
def test_a_spam_filter_takes_at_most_twelve_questions() -> None:
    case = next(c.values[0] for c in CASES if c.values[0]["id"] == "m-spam-filter")
    result, asked = simulate(profile_from_data(case["profile"]))
    assert result.assessment.risk_class == "minimal"
    assert len(asked) <= 12


@needs_devset
def test_questions_come_in_the_natural_order_of_stages_except_late_facts() -> None:
    """Stages follow the natural order; a fact of an earlier stage may be asked late only when a later
    answer made it matter (e.g. the place of establishment of a high-risk system's provider)."""
    bank = load_bank()
    late = {"q_location_established_in_eu", "q_location_placed_on_eu_market", "q_location_output_used_in_eu",
            "q_annex_i_legislation", "q_organisation_country"}  # fmt: skip
    for param in CASES:
        _, asked = simulate(profile_from_data(param.values[0]["profile"]))
        order = [bank.stage_index[q.stage] for q in asked if q.id not in late]
        assert order == sorted(order), [q.id for q in asked]


@needs_devset
def test_the_interview_in_french_reaches_the_same_assessment() -> None:
    for param in CASES[::5]:
        profile = profile_from_data(param.values[0]["profile"])
        result_fr, asked_fr = simulate(profile, "fr")
        result_en, asked_en = simulate(profile, "en")
        assert [q.id for q in asked_fr] == [q.id for q in asked_en]
        assert (
            comparable(result_fr.assessment)["risk_class"] == comparable(result_en.assessment)["risk_class"]
        )
        assert result_fr.assessment.lang == "fr"
