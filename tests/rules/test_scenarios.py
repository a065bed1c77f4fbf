"""Legal scenarios as data (STYLE.md 6): `scenarios/*.yaml`, each file named like the legal sentence it proves.

A scenario has `profile` (missing `organisation` / `location` are filled with an EU company placing its
system on the EU market), optional `regime` (default ai-act-2026) and `as_of` (default 2026-11-25), and
`expect`:

    risk_class, in_scope, gpai_systemic, is_gpai_model            exact values
    high_risk_grounds, prohibited_practices,
    transparency_obligations                                       same set
    cites / not_cites        some / no obligation cites the citation (or a more specific one)
    applies_from             {citation: date or null}: every obligation citing it has that date
    in_force                 {citation: bool}: every obligation citing it
    owed_by                  {citation: [roles]}: the roles of the obligations citing it (same set)
    no_obligations           true: the obligations list is empty
    open_questions           fields that must be among the open questions
    notes_contain            substrings that must appear in some note
    penalties                [{tier: "Art. 99(3)", lower_of: bool}]: a penalty of that tier with that rule
    no_penalty               tiers that must not appear
    deadlines_include        dates that must appear in deadlines
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

SCENARIOS = Path(__file__).parent / "scenarios"
FILES = sorted(SCENARIOS.glob("*.yaml"))


def _citing(a: Assessment, wanted: str) -> list[Any]:
    w = parse(wanted)
    return [ob for ob in a.obligations if any(w.covers(parse(c)) for c in ob.citations)]


def _date(value: Any) -> date | None:
    if value is None:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def run(path: Path) -> tuple[Assessment, dict[str, Any]]:
    data = parse_text(path.read_text(encoding="utf-8"), "yaml")
    assert isinstance(data, dict) and set(data) <= {"profile", "regime", "as_of", "expect", "note"}, path.name
    profile = dict(data["profile"])
    profile.setdefault("name", path.stem.replace("-", " "))
    profile.setdefault("organisation", {"country": "FR", "size": "large"})
    profile.setdefault(
        "location", {"established_in_eu": True, "placed_on_eu_market": True, "output_used_in_eu": True}
    )
    as_of = _date(data.get("as_of")) or date(2026, 11, 25)
    return assess(profile_from_data(profile, path.name), data.get("regime", "ai-act-2026"), as_of), data[
        "expect"
    ]


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_scenario(path: Path) -> None:
    a, expect = run(path)
    for key in ("risk_class", "in_scope"):
        if key in expect:
            assert getattr(a, key) == expect[key], key
    if "gpai_systemic" in expect:
        assert a.gpai.systemic_risk == expect["gpai_systemic"]
    if "is_gpai_model" in expect:
        assert a.gpai.is_gpai_model == expect["is_gpai_model"]
    for key in ("high_risk_grounds", "prohibited_practices", "transparency_obligations"):
        if key in expect:
            assert set(getattr(a, key)) == set(expect[key]), key
    for wanted in expect.get("cites", []):
        assert _citing(a, wanted), f"no obligation cites {wanted}"
    for unwanted in expect.get("not_cites", []):
        assert not _citing(a, unwanted), f"{unwanted} is cited by {[o.id for o in _citing(a, unwanted)]}"
    for cit, when in (expect.get("applies_from") or {}).items():
        obs = _citing(a, cit)
        assert obs, f"no obligation cites {cit}"
        assert {o.applies_from for o in obs} == {_date(when)}, cit
    for cit, flag in (expect.get("in_force") or {}).items():
        obs = _citing(a, cit)
        assert obs and all(o.in_force is flag for o in obs), cit
    for cit, roles in (expect.get("owed_by") or {}).items():
        assert {o.role for o in _citing(a, cit)} == set(roles), cit
    if expect.get("no_obligations"):
        assert a.obligations == []
    fields = {q.field for q in a.open_questions}
    for f in expect.get("open_questions", []):
        assert f in fields, f"open question {f} missing from {sorted(fields)}"
    for text in expect.get("notes_contain", []):
        assert any(text in n for n in a.notes), f"no note contains {text!r}"
    for pen in expect.get("penalties", []):
        tiers = [p for p in a.penalties if p.citations[0] == pen["tier"]]
        assert tiers, f"no penalty tier {pen['tier']}"
        if "lower_of" in pen:
            assert tiers[0].lower_of is pen["lower_of"], pen
    for tier in expect.get("no_penalty", []):
        assert all(p.citations[0] != tier for p in a.penalties), tier
    deadline_dates = {d.date for d in a.deadlines}
    for when in expect.get("deadlines_include", []):
        assert _date(when) in deadline_dates, when


def test_every_scenario_name_reads_like_a_sentence() -> None:
    assert len(FILES) >= 40
    for path in FILES:
        assert len(path.stem.split("-")) >= 4, path.name
