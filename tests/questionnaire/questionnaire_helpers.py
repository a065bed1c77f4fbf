"""Shared helpers for the questionnaire tests: the development set and a simulated person."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aidesk.rules import vocab
from aidesk.rules.model import Assessment
from aidesk.rules.profile import Profile, ProfileError, parse_text, profile_from_data
from aidesk.rules.questionnaire import Question, Result, next_question
from aidesk.rules.questionnaire.bank import load_bank
from aidesk.rules.questionnaire.prefill import answer_from

REPO = Path(__file__).resolve().parents[2]
DEVSET = REPO.parent / "shared" / "devsets" / "profiles.yaml"
AS_OF = date(2026, 11, 25)


def devset_cases() -> list[Any]:
    if not DEVSET.exists():
        return []
    data = parse_text(DEVSET.read_text(encoding="utf-8"), "yaml")
    assert isinstance(data, list)
    return [pytest.param(case, id=case["id"]) for case in data]


def simulate(profile: Profile, lang: str = "en", as_of: date = AS_OF) -> tuple[Result, list[Question]]:
    """A person who answers, from `profile`, only the questions the interview asks, one at a time."""
    bank = load_bank()
    answers: dict[str, object] = {}
    asked: list[Question] = []
    while True:
        step = next_question(answers, lang, as_of=as_of)
        if isinstance(step, Result):
            return step, asked
        assert step.id not in answers, f"{step.id} asked twice"
        asked.append(step)
        assert len(asked) < 40, "the interview does not end"
        answers[step.id] = answer_from(bank.by_id[step.id], profile)


def comparable(a: Assessment) -> dict[str, Any]:
    """What an interview must reproduce: everything but the open questions, notes and trace, which
    differ because the interview records a "no" where a profile is silent."""
    data = a.to_json_dict()
    for key in ("open_questions", "notes", "trace"):
        data.pop(key)
    return data


def random_profile(seed: int) -> Profile | None:
    """A random valid profile (None when the draw contradicts itself)."""
    rnd = random.Random(seed)
    kind = rnd.choice(["ai_system"] * 3 + ["gpai_system", "gpai_model"])
    roles = [r.value for r in vocab.Role]
    d: dict[str, Any] = {"name": f"random {seed}", "kind": kind}
    d["roles"] = sorted(rnd.sample(roles, rnd.choice([1, 1, 1, 2])), key=roles.index)
    org: dict[str, Any] = {}
    if rnd.random() < 0.7:
        org["country"] = rnd.choice(["FR", "DE", "US", "BR", "NO"])
    if rnd.random() < 0.7:
        org["size"] = rnd.choice([s.value for s in vocab.Size])
    d["organisation"] = org
    d["location"] = {
        k: v
        for k in ("established_in_eu", "placed_on_eu_market", "output_used_in_eu")
        if (v := rnd.choice([True, True, True, False, None])) is not None
    }
    dates = ["2024-05-01", "2025-06-01", "2025-09-01", "2026-03-01", "2026-09-01", "2027-06-01", "2028-01-01"]
    if rnd.random() < 0.8:
        d["placed_on_market"] = rnd.choice(dates)
        if rnd.random() < 0.1:
            d["significant_change_after"] = "2028-10-01"
    if rnd.random() < 0.15:
        d["exclusions"] = [rnd.choice([e.value for e in vocab.Exclusion])]
    if kind != "gpai_model":
        if rnd.random() < 0.2:
            d["prohibited_practices"] = [rnd.choice([e.value for e in vocab.Practice])]
        if rnd.random() < 0.15:
            d["prohibited_exceptions"] = [rnd.choice([e.value for e in vocab.PracticeException])]
        if rnd.random() < 0.2:
            d["annex_i"] = {
                "legislation": rnd.choice([e.value for e in vocab.AnnexIAct]),
                "safety_component": rnd.random() < 0.7,
                "third_party_conformity_assessment": rnd.random() < 0.6,
            }
        if rnd.random() < 0.4:
            points = list(vocab.ANNEX_III_POINTS)
            d["annex_iii"] = sorted(rnd.sample(points, rnd.choice([1, 1, 2])), key=points.index)
        if rnd.random() < 0.4:
            keys = [*vocab.ARTICLE_6_3_CONDITIONS, "profiling_of_natural_persons"]
            d["article_6_3"] = {k: rnd.random() < 0.3 for k in keys}
        if rnd.random() < 0.5:
            keys = [
                "interacts_with_natural_persons", "generates_synthetic_content", "emotion_recognition",
                "biometric_categorisation", "deep_fake", "public_interest_text", "human_editorial_review",
            ]  # fmt: skip
            d["transparency"] = {k: rnd.random() < 0.25 for k in keys}
        if rnd.random() < 0.5:
            d["deployer"] = {
                k: rnd.random() < 0.4
                for k in ("public_authority", "provides_public_services", "workplace_use")
            }
    if kind != "ai_system" and rnd.random() < 0.8:
        d["gpai_model"] = {
            "training_compute_flop": rnd.choice([1e23, 5e24, 1e25, 3e25]),
            "open_source": rnd.random() < 0.4,
            "designated_systemic_risk": rnd.random() < 0.15,
        }
    try:
        return profile_from_data(d)
    except ProfileError:
        return None
