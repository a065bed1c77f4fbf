"""The development set `../shared/devsets/profiles.yaml` as a data-driven test (comparison rules: its header).

The file lives beside the clone (`<repo>/../shared`); the test is skipped when it is absent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from aidesk.law.citations import parse
from aidesk.rules.engine import assess
from aidesk.rules.model import Assessment
from aidesk.rules.profile import parse_text, profile_from_data

REPO = Path(__file__).resolve().parents[2]
DEVSET = REPO.parent / "shared" / "devsets" / "profiles.yaml"
AS_OF = date(2026, 11, 25)


def _cases() -> list[Any]:
    if not DEVSET.exists():
        return []
    data = parse_text(DEVSET.read_text(encoding="utf-8"), "yaml")
    assert isinstance(data, list)
    return [pytest.param(case, id=case["id"]) for case in data]


CASES = _cases()


def satisfies(cited: str, wanted: str) -> bool:
    """`wanted` is satisfied by the same citation or a more specific one ("Art. 26" by "Art. 26(7)")."""
    return parse(wanted).covers(parse(cited))


def _obligations_citing(a: Assessment, wanted: str) -> list[Any]:
    return [ob for ob in a.obligations if any(satisfies(c, wanted) for c in ob.citations)]


def _ground_date(a: Assessment, ground: str) -> set[date | None]:
    """The date a ground's consequences apply: the applies_from of the obligations that cite it, or,
    for a high-risk ground, of the high-risk obligations (dated with the ground)."""
    direct = {ob.applies_from for ob in _obligations_citing(a, ground)}
    if direct:
        return direct
    deadlines = {d.date for d in a.deadlines if ground in d.citations}
    return set(deadlines)


@pytest.mark.skipif(not CASES, reason="../shared/devsets/profiles.yaml not present")
@pytest.mark.parametrize("case", CASES)
def test_devset_case(case: dict[str, Any]) -> None:
    expect = case["expect"]
    a = assess(profile_from_data(case["profile"]), "ai-act-2026", AS_OF)
    assert a.risk_class == expect["risk_class"]
    assert a.in_scope == expect["in_scope"]
    assert set(a.prohibited_practices) == set(expect["prohibited_practices"])
    assert set(a.high_risk_grounds) == set(expect["high_risk_grounds"])
    assert set(a.transparency_obligations) == set(expect["transparency_obligations"])
    assert a.gpai.systemic_risk == expect["gpai_systemic"]
    for wanted in expect["must_cite"]:
        assert _obligations_citing(a, wanted), f"no obligation cites {wanted}"
    for citation, when in expect["applies_from"].items():
        expected = date.fromisoformat(when)
        if citation.startswith("Annex III") or citation == "Art. 6(1)" or citation.startswith("Art. 5(1)("):
            dates = _ground_date(a, citation)
        else:
            dates = {ob.applies_from for ob in _obligations_citing(a, citation)}
        assert expected in dates, f"{citation}: expected {expected}, got {dates}"
    if not expect["in_scope"]:
        assert a.obligations == [] and a.deadlines == [] and a.penalties == []
