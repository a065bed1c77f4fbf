"""Regime and catalogue data: canonical citations, layering without overwriting, coverage of the profile
vocabulary, and every date checked against the official text it cites."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from aidesk.law.citations import format_citation, parse
from aidesk.rules import all_citations
from aidesk.rules.engine import CONDITIONS, RULES
from aidesk.rules.regimes import DEFAULT_REGIME, REGIME_IDS, list_regimes, load_catalogue, load_regime
from aidesk.rules.vocab import AnnexIAct, Practice, PracticeException

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
OJ_2024 = SHARED / "corpus" / "raw" / "aia_fmx_en.xml"
CONSOLIDATED = SHARED / "corpus" / "raw" / "consolidated" / "CL2024R1689EN0010010.0001.xml"
ENGINE = Path(__file__).resolve().parents[2] / "src" / "aidesk" / "rules" / "engine.py"


def test_every_citation_in_the_rules_data_is_canonical() -> None:
    citations = all_citations()
    assert len(citations) > 150
    for text in citations:
        assert format_citation(parse(text)) == text, text


def test_every_citation_written_in_the_engine_is_known_to_all_citations() -> None:
    known = all_citations()
    pattern = re.compile(r"^(Art\. \d+[a-z]*(\(\w+\))*|Annex [IVX]+( \S+)?)$")
    literals = {
        node.value
        for node in ast.walk(ast.parse(ENGINE.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and pattern.match(node.value)
    }
    assert literals, "expected citation literals in engine.py"
    assert literals <= known, sorted(literals - known)


def test_regime_versions_are_id_plus_revision_date() -> None:
    for regime in list_regimes():
        rid, _, revision = regime.version.partition("+")
        assert rid == regime.id
        date.fromisoformat(revision)
    assert DEFAULT_REGIME == "ai-act-2026" and DEFAULT_REGIME in REGIME_IDS


def test_the_2026_regime_adds_dated_entries_and_overwrites_nothing() -> None:
    base, layer = load_regime("ai-act-2024"), load_regime("ai-act-2026")
    assert layer.base == base.id
    for name, versions in base.history.items():
        assert layer.history[name][: len(versions)] == versions, name
    for name, versions in layer.history.items():
        for version in versions[len(base.history.get(name, ())) :]:
            assert version.layer == "ai-act-2026" and version.since > base.text_date, name
            assert version.since <= layer.text_date
            assert version.amended_by or version.source == "aidesk-interpretation", name


def test_every_profile_key_has_its_provision_in_every_regime() -> None:
    new_in_2026 = {Practice.non_consensual_intimate_imagery, Practice.csam_generation}
    for regime in list_regimes():
        for practice in Practice:
            if regime.id == "ai-act-2024" and practice in new_in_2026:
                assert not regime.has(f"practice.{practice.value}")
            else:
                assert regime.param(f"practice.{practice.value}").title is not None
        for exc in PracticeException:
            assert regime.value(f"exception.{exc.value}")["excepts"] in Practice.__members__
        for act in AnnexIAct:
            assert regime.value(f"annex_i.{act.value}")["section"] in ("A", "B")


def test_machinery_moves_from_section_a_to_section_b() -> None:
    assert load_regime("ai-act-2024").value("annex_i.machinery")["section"] == "A"
    assert load_regime("ai-act-2026").value("annex_i.machinery")["section"] == "B"
    assert load_regime("ai-act-2026").param("annex_i.machinery").citations == ("Annex I Section B 21",)


@pytest.mark.parametrize(
    ("regime", "name", "expected"),
    [
        ("ai-act-2024", "date.chapters_i_ii", date(2025, 2, 2)),
        ("ai-act-2024", "date.gpai_governance_penalties", date(2025, 8, 2)),
        ("ai-act-2024", "date.general", date(2026, 8, 2)),
        ("ai-act-2024", "date.high_risk_annex_iii", date(2026, 8, 2)),
        ("ai-act-2024", "date.high_risk_annex_i", date(2027, 8, 2)),
        ("ai-act-2026", "date.high_risk_annex_iii", date(2027, 12, 2)),
        ("ai-act-2026", "date.high_risk_annex_i", date(2028, 8, 2)),
        ("ai-act-2026", "date.new_prohibitions", date(2026, 12, 2)),
        ("ai-act-2026", "date.national_sandboxes", date(2027, 8, 2)),
        ("ai-act-2024", "date.national_sandboxes", date(2026, 8, 2)),
        ("ai-act-2026", "legacy.public_authority_deadline", date(2030, 8, 2)),
    ],
)
def test_the_dates_of_the_issue(regime: str, name: str, expected: date) -> None:
    assert load_regime(regime).date(name) == expected


def test_thresholds_and_caps() -> None:
    reg = load_regime("ai-act-2026")
    assert reg.value("gpai.systemic_risk_compute") == {"flop": 1e25, "comparison": "greater_than"}
    assert reg.value("fine.prohibited_practices") == {"max_eur": 35_000_000, "max_turnover_pct": 7}
    assert reg.value("fine.operator_obligations") == {"max_eur": 15_000_000, "max_turnover_pct": 3}
    assert reg.value("fine.incorrect_information") == {"max_eur": 7_500_000, "max_turnover_pct": 1}
    assert reg.value("fine.lower_cap.smc")["tiers"] == [
        "fine.operator_obligations",
        "fine.incorrect_information",
    ]
    assert not load_regime("ai-act-2024").has("fine.lower_cap.smc")
    assert load_regime("ai-act-2024").value("legacy.high_risk")["placed_before"] == {
        "annex_iii": date(2026, 8, 2),
        "annex_i": date(2026, 8, 2),
    }


def test_the_catalogue_uses_only_known_conditions_and_parameters() -> None:
    for entry in load_catalogue():
        assert set(entry.when) <= set(CONDITIONS), entry.id
        if entry.param:
            assert any(regime.has(entry.param) for regime in list_regimes()), entry.id
    assert set(RULES)  # every named rule carries citations
    assert all(RULES.values())


def _article_text(xml: str, number: str) -> str:
    m = re.search(rf'<ARTICLE IDENTIFIER="{int(number):03d}">(.*?)</ARTICLE>', xml, re.S)
    assert m, number
    text = re.sub(
        r"<\?CLG\.MDFO[^?]*ACTION=\"DELETED\"[^?]*\?>.*?<\?CLG\.MDFC[^?]*\?>", "", m.group(1), flags=re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", text).replace("\u00a0", " ").split())


def _human(d: date) -> str:
    return f"{d.day} {d.strftime('%B')} {d.year}"


@pytest.mark.skipif(not (OJ_2024.exists() and CONSOLIDATED.exists()), reason="../shared/data not present")
def test_every_literal_date_appears_in_the_article_it_cites() -> None:
    texts = {
        "ai-act-2024": OJ_2024.read_text(encoding="utf-8"),
        "ai-act-2026": CONSOLIDATED.read_text(encoding="utf-8"),
    }
    checked = 0
    for regime in list_regimes():
        for versions in regime.history.values():
            for version in versions:
                values = [version.value] if isinstance(version.value, date) else []
                if isinstance(version.value, dict):
                    values += [v for v in version.value.values() if isinstance(v, date)]
                    values += [
                        v
                        for sub in version.value.values()
                        if isinstance(sub, dict)
                        for v in sub.values()
                        if isinstance(v, date)
                    ]
                articles = [parse(c) for c in version.citations if c.startswith("Art. ")]
                for value in values:
                    if version.name == "date.entry_into_force":
                        continue  # "the twentieth day following publication": a computed date
                    found = any(
                        _human(value) in _article_text(texts[version.layer], a.number) for a in articles
                    )
                    assert found, f"{regime.id} {version.name}: {_human(value)} not in {version.citations}"
                    checked += 1
    assert checked >= 15
