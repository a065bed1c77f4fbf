"""Hypothesis: random valid profiles never crash, and the precedence invariants of SPEC §2 hold."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from aidesk.rules import all_citations
from aidesk.rules.engine import assess
from aidesk.rules.model import RISK_CLASSES, Assessment
from aidesk.rules.profile import Profile, profile_from_data
from aidesk.rules.vocab import (
    ANNEX_III_POINTS,
    ARTICLE_6_3_CONDITIONS,
    AnnexIAct,
    Exclusion,
    Practice,
    PracticeException,
    Role,
    Size,
)

SPEC_KEYS = [
    "schema", "profile", "regime", "regime_version", "as_of", "in_scope", "risk_class", "prohibited_practices",
    "high_risk_grounds", "transparency_obligations", "gpai", "obligations", "deadlines", "penalties",
    "open_questions", "notes", "trace",
]  # fmt: skip
CITATIONS = all_citations()

maybe_bool = st.one_of(st.none(), st.booleans())
dates = st.dates(min_value=date(2023, 1, 1), max_value=date(2032, 12, 31))


def _flags(keys: list[str] | tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries({}, optional={k: st.booleans() for k in keys})


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    kind = draw(st.sampled_from(["ai_system", "gpai_model", "gpai_system"]))
    data: dict[str, Any] = {"name": "random", "kind": kind}
    data["organisation"] = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "country": st.sampled_from(["FR", "DE", "US", "NO", "CH", "IE"]),
                "size": st.sampled_from([s.value for s in Size]),
            },
        )
    )
    data["roles"] = draw(st.lists(st.sampled_from([r.value for r in Role]), max_size=3, unique=True))
    data["location"] = draw(
        st.fixed_dictionaries(
            {},
            optional={
                k: maybe_bool for k in ("established_in_eu", "placed_on_eu_market", "output_used_in_eu")
            },
        )
    )
    placed = draw(st.one_of(st.none(), dates))
    if placed is not None:
        data["placed_on_market"] = placed.isoformat()
        if draw(st.booleans()):
            data["significant_change_after"] = draw(
                st.dates(min_value=placed, max_value=date(2033, 1, 1))
            ).isoformat()
    data["exclusions"] = draw(
        st.lists(st.sampled_from([e.value for e in Exclusion]), max_size=2, unique=True)
    )
    if kind == "gpai_model":
        data["gpai_model"] = draw(
            st.fixed_dictionaries(
                {},
                optional={
                    "training_compute_flop": st.one_of(
                        st.none(), st.sampled_from([1e23, 1e25, 1.0000001e25, 4e25])
                    ),
                    "open_source": st.booleans(),
                    "designated_systemic_risk": st.booleans(),
                },
            )
        )
        return profile_from_data(data)
    data["prohibited_practices"] = draw(
        st.lists(st.sampled_from([p.value for p in Practice]), max_size=2, unique=True)
    )
    data["prohibited_exceptions"] = draw(
        st.lists(st.sampled_from([e.value for e in PracticeException]), max_size=2, unique=True)
    )
    data["annex_i"] = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "legislation": st.sampled_from([a.value for a in AnnexIAct]),
                "safety_component": maybe_bool,
                "third_party_conformity_assessment": maybe_bool,
            },
        )
    )
    data["annex_iii"] = draw(st.lists(st.sampled_from(ANNEX_III_POINTS), max_size=2, unique=True))
    data["article_6_3"] = draw(_flags([*ARTICLE_6_3_CONDITIONS, "profiling_of_natural_persons"]))
    data["transparency"] = draw(
        _flags(
            [
                "interacts_with_natural_persons",
                "generates_synthetic_content",
                "emotion_recognition",
                "biometric_categorisation",
                "deep_fake",
                "public_interest_text",
                "human_editorial_review",
            ]
        )
    )
    data["deployer"] = draw(_flags(["public_authority", "provides_public_services", "workplace_use"]))
    if kind == "gpai_system":
        data["gpai_model"] = draw(_flags(["open_source", "designated_systemic_risk"]))
    return profile_from_data(data)


@given(profiles(), st.sampled_from(["ai-act-2024", "ai-act-2026"]), dates, st.sampled_from(["en", "fr"]))
def test_random_valid_profiles_never_crash_and_respect_the_contract(
    p: Profile, regime: str, as_of: date, lang: str
) -> None:
    a = assess(p, regime, as_of, lang)
    payload = a.to_json_dict()
    assert list(payload) == SPEC_KEYS
    # The output validates strictly against the model, and round-trips unchanged.
    full = a.model_dump(by_alias=True)
    assert Assessment.model_validate(full, strict=True).model_dump(by_alias=True) == full
    assert all(a.notes) and all(step.result for step in a.trace)  # no empty note or result
    assert a.risk_class in RISK_CLASSES
    # Out of scope beats everything, and leaves nothing behind.
    if not a.in_scope:
        assert a.risk_class == "out_of_scope"
        assert not (
            a.prohibited_practices or a.high_risk_grounds or a.transparency_obligations or a.obligations
        )
    elif p.kind == "gpai_model":
        assert a.risk_class == ("gpai_model_systemic" if a.gpai.systemic_risk else "gpai_model")
        assert not (a.prohibited_practices or a.high_risk_grounds or a.transparency_obligations)
    else:
        # Prohibited beats high-risk beats transparency beats minimal.
        if a.prohibited_practices:
            assert a.risk_class == "prohibited"
        elif a.high_risk_grounds:
            assert a.risk_class == "high_risk"
        elif a.transparency_obligations:
            assert a.risk_class == "transparency"
        else:
            assert a.risk_class == "minimal"
        # Art. 6(3) never applies with profiling; an exception never implies an Annex III point.
        annex_iii_grounds = {g for g in a.high_risk_grounds if g.startswith("Annex III")}
        if p.annex_iii and p.article_6_3.profiling_of_natural_persons:
            assert annex_iii_grounds == {f"Annex III {pt}" for pt in p.annex_iii}
            assert not any(ob.id == "document_not_high_risk_assessment" for ob in a.obligations)
        assert annex_iii_grounds <= {f"Annex III {pt}" for pt in p.annex_iii}
        # Art. 50 duties are owed only by the roles they bind.
        for cit in a.transparency_obligations:
            assert cit in {"Art. 50(1)", "Art. 50(2)", "Art. 50(3)", "Art. 50(4)"}
    assert a.gpai.is_gpai_model == (p.kind == "gpai_model")
    # Every obligation is dated consistently with as_of, and for a role of the profile.
    for ob in a.obligations:
        assert ob.in_force == (ob.applies_from is not None and as_of >= ob.applies_from)
        assert ob.role in p.roles
        assert ob.title
    # Every citation the engine emits is one the corpus test will check.
    emitted = {c for ob in a.obligations for c in ob.citations}
    emitted |= {c for d in a.deadlines for c in d.citations} | {
        c for pen in a.penalties for c in pen.citations
    }
    emitted |= {c for step in a.trace for c in step.citations}
    emitted |= set(a.prohibited_practices) | set(a.transparency_obligations)
    emitted |= {g for g in a.high_risk_grounds}
    assert emitted <= CITATIONS, sorted(emitted - CITATIONS)
    assert [d.date for d in a.deadlines] == sorted({d.date for d in a.deadlines})


@given(profiles(), dates, dates)
def test_the_risk_class_does_not_depend_on_as_of(p: Profile, d1: date, d2: date) -> None:
    assert assess(p, "ai-act-2026", d1).risk_class == assess(p, "ai-act-2026", d2).risk_class


@given(profiles())
def test_military_exclusion_beats_everything(p: Profile) -> None:
    excluded = p.model_copy(update={"exclusions": [Exclusion.military_defence_national_security]})
    a = assess(excluded, "ai-act-2026", date(2027, 1, 1))
    assert a.risk_class == "out_of_scope" and a.obligations == [] and a.penalties == []


_ART_50_KEYS = (
    "interacts_with_natural_persons",
    "generates_synthetic_content",
    "emotion_recognition",
    "biometric_categorisation",
    "deep_fake",
    "public_interest_text",
)


@given(profiles())
def test_an_open_transparency_question_says_what_answering_yes_really_does(p: Profile) -> None:
    # Art. 50(1)-(4): the engine answers these open questions without re-running the rules; check
    # its claim against a real assessment of the profile with the key set to true.
    before = assess(p)
    for question in before.open_questions:
        part, _, key = question.field.partition(".")
        if part != "transparency" or key not in _ART_50_KEYS:
            continue
        after = assess(p.model_copy(update={"transparency": p.transparency.model_copy(update={key: True})}))
        changed = (after.risk_class, after.transparency_obligations) != (
            before.risk_class,
            before.transparency_obligations,
        )
        assert changed, question.field
        expected = [after.risk_class] if after.risk_class != before.risk_class else []
        assert question.could_change_to == expected, question.field
