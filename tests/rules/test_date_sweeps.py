"""Date sweeps (STYLE.md 2): for every date in the regimes, the day before and the day of.

The sweep corpus is every example profile and every scenario profile. For each regime and each date an
obligation applies from, `in_force` must be false the day before and true on the day; the risk class
must not depend on `as_of`. Every application date of the regimes must be exercised by some profile.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from aidesk.rules.engine import assess
from aidesk.rules.profile import Profile, load_profile, parse_text, profile_from_data
from aidesk.rules.regimes import REGIME_IDS, load_regime

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = Path(__file__).parent / "scenarios"


@cache
def corpus() -> tuple[Profile, ...]:
    profiles = [load_profile(p) for p in sorted((REPO / "examples" / "profiles").glob("*.yaml"))]
    for path in sorted(SCENARIOS.glob("*.yaml")):
        data: Any = parse_text(path.read_text(encoding="utf-8"), "yaml")
        raw = dict(data["profile"])
        raw.setdefault("name", path.stem)
        raw.setdefault("organisation", {"country": "FR", "size": "large"})
        raw.setdefault(
            "location", {"established_in_eu": True, "placed_on_eu_market": True, "output_used_in_eu": True}
        )
        profiles.append(profile_from_data(raw))
    return tuple(profiles)


def _dates(regime: str) -> set[date]:
    found: set[date] = set()
    for profile in corpus():
        a = assess(profile, regime, date(2026, 11, 25))
        found |= {ob.applies_from for ob in a.obligations if ob.applies_from is not None}
    return found


@pytest.mark.parametrize("regime", REGIME_IDS)
def test_in_force_flips_on_the_day_of_every_date(regime: str) -> None:
    dates = sorted(_dates(regime))
    assert len(dates) >= 5
    for day in dates:
        before = day - timedelta(days=1)
        for profile in corpus():
            a0 = assess(profile, regime, before)
            a1 = assess(profile, regime, day)
            assert a0.risk_class == a1.risk_class
            for o0, o1 in zip(a0.obligations, a1.obligations, strict=True):
                assert (o0.id, o0.role, o0.applies_from) == (o1.id, o1.role, o1.applies_from)
                if o1.applies_from == day:
                    assert not o0.in_force and o1.in_force, (profile.name, o1.id, day)
                elif o1.applies_from is not None and o1.applies_from < before:
                    assert o0.in_force and o1.in_force


@pytest.mark.parametrize("regime", REGIME_IDS)
def test_every_application_date_of_the_regime_is_exercised(regime: str) -> None:
    reg = load_regime(regime)
    wanted = {
        reg.date(n)
        for n in (
            "date.chapters_i_ii",
            "date.gpai_governance_penalties",
            "date.general",
            "date.high_risk_annex_iii",
            "date.high_risk_annex_i",
            "legacy.public_authority_deadline",
        )
    }
    wanted.add(reg.value("legacy.gpai")["deadline"])
    if reg.has("date.new_prohibitions"):
        wanted.add(reg.date("date.new_prohibitions"))
    if reg.has("legacy.art_50_2"):
        wanted.add(reg.value("legacy.art_50_2")["deadline"])
    assert wanted <= _dates(regime), sorted(wanted - _dates(regime))


@pytest.mark.parametrize("regime", REGIME_IDS)
def test_risk_class_does_not_depend_on_as_of(regime: str) -> None:
    for profile in corpus():
        classes = {
            assess(profile, regime, d).risk_class
            for d in (date(2024, 8, 1), date(2027, 1, 1), date(2031, 1, 1))
        }
        assert len(classes) == 1, profile.name
