"""Comparing two assessments (`aidesk.rules.compare`): what the AI Omnibus, Reg. (EU) 2026/1744, changes
for a system — the one comparison behind `aidesk diff`, the web result page and the inventory's history.

Each test is a legal sentence about the example profiles (`examples/profiles/`), assessed under
`ai-act-2024` and `ai-act-2026` on 25 Nov 2026; the facts come from `src/aidesk/rules/regimes/`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aidesk.rules.compare import AssessmentChanges, compare
from aidesk.rules.engine import assess
from aidesk.rules.model import Assessment
from aidesk.rules.profile import Profile, load_profile, profile_from_data

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "profiles"
AS_OF = date(2026, 11, 25)


def _profile(name: str) -> Profile:
    return load_profile(EXAMPLES / f"{name}.yaml")


def _both(profile: Profile, as_of: date = AS_OF) -> tuple[Assessment, Assessment]:
    return assess(profile, "ai-act-2024", as_of), assess(profile, "ai-act-2026", as_of)


def _omnibus(name: str) -> AssessmentChanges:
    return compare(*_both(_profile(name)))


def _moved(c: AssessmentChanges) -> dict[str, tuple[date | None, date | None]]:
    return {m.after.id: (m.before.applies_from, m.after.applies_from) for m in c.obligations_moved}


def test_the_omnibus_moves_annex_iii_high_risk_duties_from_2_august_2026_to_2_december_2027() -> None:
    # Art. 113(3)(c)(i) as amended by Reg. (EU) 2026/1744 Art. 1(40)(b); CV screening is Annex III 4(a).
    c = _omnibus("cv-screening-provider")
    assert c.risk_class.before == c.risk_class.after == "high_risk" and not c.risk_class.changed
    moved = _moved(c)
    assert moved["risk_management"] == (date(2026, 8, 2), date(2027, 12, 2))
    assert moved["human_oversight"] == (date(2026, 8, 2), date(2027, 12, 2))
    assert date(2027, 12, 2) in [d.date for d in c.deadlines_added]
    assert c.changed


def test_the_omnibus_moves_annex_i_high_risk_duties_from_2_august_2027_to_2_august_2028() -> None:
    # Art. 113(3)(c)(ii) as amended by Reg. (EU) 2026/1744 Art. 1(40)(b); a medical device (Annex I Section A).
    c = _omnibus("medical-device-ai")
    assert _moved(c)["risk_management"] == (date(2027, 8, 2), date(2028, 8, 2))
    assert [d.date for d in c.deadlines_added] == [date(2028, 8, 2)]


def test_ai_literacy_is_grounded_on_the_new_art_4_1_from_the_same_date_2_february_2025() -> None:
    # Art. 4 replaced by Reg. (EU) 2026/1744 Art. 1(5): a new citation, not a new date (Art. 113(3)(a)).
    c = _omnibus("spam-filter")
    recited = {
        (r.after.id, r.after.role): (r.before.citations, r.after.citations) for r in c.obligations_recited
    }
    assert recited == {
        ("ai_literacy", "provider"): (("Art. 4",), ("Art. 4(1)",)),
        ("ai_literacy", "deployer"): (("Art. 4",), ("Art. 4(1)",)),
    }
    assert not c.obligations_moved
    assert {(r.before.applies_from, r.after.applies_from) for r in c.obligations_recited} == {
        (date(2025, 2, 2), date(2025, 2, 2))
    }


def test_national_sandboxes_move_from_2_august_2026_to_2_august_2027_and_that_date_is_reworded() -> None:
    # Art. 57(1) as amended by Reg. (EU) 2026/1744 Art. 1(22)(a): 2 Aug 2026 stays the general date of
    # application (Art. 113), no longer the sandboxes' date.
    c = _omnibus("customer-chatbot")
    assert [(d.date, d.citations) for d in c.deadlines_added] == [(date(2027, 8, 2), ("Art. 57(1)",))]
    assert not c.deadlines_removed
    (reworded,) = c.deadlines_reworded
    assert reworded.before.date == reworded.after.date == date(2026, 8, 2)
    assert "sandboxes" in reworded.before.what and "sandboxes" not in reworded.after.what


def test_non_consensual_intimate_imagery_becomes_prohibited_from_2_december_2026() -> None:
    # Art. 5(1)(ba), added by Reg. (EU) 2026/1744 Art. 1(7); applies from 2 Dec 2026 (Art. 113(3)(a)).
    profile = profile_from_data(
        {
            "name": "Undressing app",
            "kind": "ai_system",
            "roles": ["provider"],
            "organisation": {"country": "FR", "size": "large"},
            "location": {"established_in_eu": True, "placed_on_eu_market": True, "output_used_in_eu": True},
            "prohibited_practices": ["non_consensual_intimate_imagery"],
        }
    )
    c = compare(*_both(profile))
    assert (c.risk_class.before, c.risk_class.after) == ("minimal", "prohibited")
    assert c.prohibited_practices.added == ("Art. 5(1)(ba)",) and c.grounds.added == ("Art. 5(1)(ba)",)
    banned = next(o for o in c.obligations_added if o.citations == ("Art. 5(1)(ba)",))
    assert banned.applies_from == date(2026, 12, 2) and not banned.in_force
    (deadline,) = c.deadlines_added
    assert deadline.date == date(2026, 12, 2) and "Art. 113(3)(a)" in deadline.citations


def test_machinery_moved_to_annex_i_section_b_keeps_its_class_but_loses_the_chapter_iii_obligations() -> None:
    # Annex I Section B 21 (Reg. (EU) 2026/1744 Art. 1(41)): only the provisions Art. 2(2) lists apply.
    c = _omnibus("machinery-safety-vision")
    assert not c.risk_class.changed and c.risk_class.after == "high_risk"
    removed = {o.id for o in c.obligations_removed}
    assert {"risk_management", "conformity_assessment", "ce_marking"} <= removed
    assert not c.obligations_added and not c.obligations_moved


def test_value_chain_infringements_join_the_art_99_4_fine_tier() -> None:
    # Art. 99(4)(da), added by Reg. (EU) 2026/1744 Art. 1(38): same cap (EUR 15 million or 3 %), one more ground.
    c = _omnibus("cv-screening-provider")
    assert c.penalties.changed
    before, after = c.penalties.before[0], c.penalties.after[0]
    assert (before.max_eur, before.max_turnover_pct) == (15_000_000, 3)
    assert (after.max_eur, after.max_turnover_pct) == (15_000_000, 3)
    assert "Art. 99(4)(da)" in after.citations and "Art. 99(4)(da)" not in before.citations


def test_a_systemic_gpai_model_is_not_changed_by_the_omnibus() -> None:
    # The ai-act-2026 layer adds no version to any parameter of Chapter V (Art. 51-56) or of its fines (Art. 101).
    c = _omnibus("gpai-model-systemic")
    assert not c.changed and not c.gpai.changed and c.gpai.after is not None and c.gpai.after.systemic_risk


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_a_regime_compared_with_itself_changes_nothing(name: str) -> None:
    a = assess(_profile(name), "ai-act-2026", AS_OF)
    assert not compare(a, a).changed


@pytest.mark.parametrize("name", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_a_stored_record_compares_like_the_assessment_it_was_made_from(name: str) -> None:
    # The inventory keeps the JSON object of SPEC §2; comparing records must say what comparing assessments says.
    old, new = _both(_profile(name))
    assert compare(old.to_json_dict(), new.to_json_dict()) == compare(old, new)


@pytest.mark.parametrize("as_of", [date(2026, 8, 1), date(2026, 8, 2), date(2027, 12, 1), date(2027, 12, 2)])
def test_what_the_omnibus_changes_does_not_depend_on_the_day_it_is_asked(as_of: date) -> None:
    # The day before and the day of the 2024 and 2026 Annex III dates (Art. 113(3)(c)): only `in_force` moves.
    c = compare(*_both(_profile("cv-screening-provider"), as_of))
    reference = _omnibus("cv-screening-provider")
    assert _moved(c) == _moved(reference)
    assert [o.id for o in c.obligations_added] == [o.id for o in reference.obligations_added]
    assert c.deadlines_added == reference.deadlines_added


def test_a_first_assessment_adds_everything_and_had_no_class() -> None:
    new = assess(_profile("cv-screening-provider"), "ai-act-2026", AS_OF)
    c = compare(None, new)
    assert (c.risk_class.before, c.risk_class.after) == (None, "high_risk")
    assert c.regime_version.before is None and c.as_of.before is None
    assert len(c.obligations_added) == len(new.obligations) and not c.obligations_removed
    assert [d.date for d in c.deadlines_added] == [d.date for d in new.deadlines]
    assert c.high_risk_grounds.added == ("Annex III 4(a)",)


def test_a_damaged_record_is_read_without_failing() -> None:
    # Records are read back long after they were written: odd entries are passed over, not fatal.
    new = assess(_profile("cv-screening-provider"), "ai-act-2026", AS_OF).to_json_dict()
    damaged: dict[str, Any] = {
        "risk_class": "minimal",
        "obligations": [
            "not an object",
            {"id": "risk_management", "role": "provider", "applies_from": "soon"},
        ],
        "deadlines": [{"date": "2026-02-30", "what": "an impossible date"}, 42],
    }
    c = compare(damaged, new)
    moved = _moved(c)
    assert moved["risk_management"] == (None, date(2027, 12, 2))
    assert not c.deadlines_removed and c.risk_class.changed
