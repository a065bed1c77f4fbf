"""Notes and trace results in the assessment's language, never mixed (rules/notes/<lang>.yaml).

Every message exists in English and French with the same placeholders; every regime note has its French
wording; and an assessment in French contains no English sentence the engine knows, for every example
profile, dev-set profile and scenario, under both regimes, on dates around the application dates.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aidesk.rules.engine import assess
from aidesk.rules.profile import parse_text, profile_from_data
from aidesk.rules.regimes import LANGS, REGIME_IDS, RegimeError, _version, load_regime
from aidesk.rules.wording import messages, placeholders

REPO = Path(__file__).resolve().parents[2]
DEVSET = REPO.parent / "shared" / "devsets" / "profiles.yaml"
DATES = [date(2026, 8, 1), date(2026, 12, 2), date(2027, 12, 2), date(2028, 8, 2), date(2031, 1, 1)]


def test_every_message_has_english_and_french_wording_with_the_same_placeholders() -> None:
    m = messages()
    assert set(m) == set(LANGS)
    assert set(m["en"]) == set(m["fr"])
    for msg, en in m["en"].items():
        fr = m["fr"][msg]
        assert en.strip() and fr.strip(), msg
        assert placeholders(en) == placeholders(fr), msg


def test_every_message_is_worded_differently_in_french() -> None:
    m = messages()
    same = [msg for msg, en in m["en"].items() if en == m["fr"][msg]]
    assert same == []


def test_every_regime_note_has_its_french_wording() -> None:
    for regime_id in REGIME_IDS:
        for versions in load_regime(regime_id).history.values():
            for v in versions:
                assert (v.note is None) == (v.note_fr is None), (regime_id, v.name)
                if v.note is not None:
                    assert v.note_in("en") == v.note and v.note_in("fr") == v.note_fr
                    assert v.note != v.note_fr, (regime_id, v.name)


def test_a_regime_note_without_french_wording_is_a_data_error() -> None:
    raw = {
        "since": date(2024, 8, 1),
        "value": 1,
        "citations": ["Art. 5(1)"],
        "source": "s",
        "confidence": "high",
        "note": "English only",
    }
    with pytest.raises(RegimeError, match="note_fr"):
        _version("x", raw, "ai-act-2024", {"s": {}})
    with pytest.raises(RegimeError, match="note_fr"):
        _version("x", {**raw, "note": None, "note_fr": "français seulement"}, "ai-act-2024", {"s": {}})


def _english_sentences() -> list[str]:
    """The fixed parts of every English message and regime note, long enough to be unambiguous."""
    fragments: set[str] = set()
    for template in messages()["en"].values():
        for part in re.split(r"\{[^}]*\}", template):
            part = part.strip(" :;,.()")
            if len(part) >= 12 and " " in part:
                fragments.add(part)
    for regime_id in REGIME_IDS:
        for versions in load_regime(regime_id).history.values():
            fragments.update(v.note for v in versions if v.note)
    return sorted(fragments)


ENGLISH = _english_sentences()


def _profiles() -> list[Any]:
    out: list[Any] = []
    for path in sorted((REPO / "examples" / "profiles").glob("*.yaml")):
        out.append(pytest.param(parse_text(path.read_text(encoding="utf-8"), "yaml"), id=path.stem))
    if DEVSET.exists():
        for case in parse_text(DEVSET.read_text(encoding="utf-8"), "yaml"):
            out.append(pytest.param(case["profile"], id=case["id"]))
    for path in sorted((REPO / "tests" / "rules" / "scenarios").glob("*.yaml")):
        data = parse_text(path.read_text(encoding="utf-8"), "yaml")
        profile = {"name": path.stem, **data["profile"]}
        out.append(pytest.param(profile, id=f"scenario-{path.stem}"))
    return out


@pytest.mark.parametrize("data", _profiles())
def test_a_french_assessment_has_no_english_note_or_trace_result(data: dict[str, Any]) -> None:
    profile = profile_from_data(data)
    for regime in REGIME_IDS:
        for as_of in DATES:
            fr = assess(profile, regime, as_of, "fr")
            en = assess(profile, regime, as_of, "en")
            texts = [*fr.notes, *(step.result for step in fr.trace)]
            for text in texts:
                found = [s for s in ENGLISH if s in text]
                assert not found, (regime, as_of, text, found)
            # The same notes and steps, only worded in French; the rest of the assessment is unchanged.
            assert len(fr.notes) == len(en.notes)
            assert [(s.step, s.citations) for s in fr.trace] == [(s.step, s.citations) for s in en.trace]
            assert fr.to_json_dict() | {"notes": [], "trace": []} == en.to_json_dict() | {
                "notes": [],
                "trace": [],
                "obligations": fr.to_json_dict()["obligations"],  # titles are in the language too
                "deadlines": fr.to_json_dict()["deadlines"],
            }
            # The check sees English where there is some: the English assessment's notes are found.
            if en.notes:
                assert any(s in text for text in en.notes for s in ENGLISH)


def test_english_notes_and_trace_are_worded_from_the_english_messages() -> None:
    a = assess(
        profile_from_data({"name": "x", "roles": ["deployer"], "organisation": {"country": "FR"}}),
        as_of=date(2026, 11, 25),
    )
    assert a.trace[-1].result == "risk class: minimal"
    assert "location.established_in_eu not given: taken as true from organisation.country FR." in a.notes
    f = assess(
        profile_from_data({"name": "x", "roles": ["deployer"], "organisation": {"country": "FR"}}),
        as_of=date(2026, 11, 25),
        lang="fr",
    )
    assert f.trace[-1].result == "classe de risque : minimal"
