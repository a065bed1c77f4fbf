"""Filters, search (EN/FR) and the questions next-steps rules will ask."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from aidesk.directory import DirectoryError, Kind, Sector, load
from aidesk.directory.search import analyse, rrf
from aidesk.directory.service import Directory


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load()


def ids(entries: Sequence[object]) -> list[str]:
    return [getattr(e, "entry", e).id for e in entries]  # type: ignore[attr-defined]


def test_filter_by_country_and_kind(directory: Directory) -> None:
    assert ids(directory.filter(country="FR", kind="ai_factory")) == ["aif-fr-ai2f"]
    assert set(ids(directory.filter(country="PL", kind=Kind.ai_factory))) == {"aif-pl-piast", "aif-pl-gaia"}


def test_filter_accepts_eu_usage_country_codes(directory: Directory) -> None:
    assert ids(directory.filter(country="EL", kind="ai_factory")) == ["aif-gr-pharos"]
    assert ids(directory.filter(country="uk", kind="antenna")) == ["aifa-gb"]


def test_filter_by_sector(directory: Directory) -> None:
    assert ids(directory.filter(kind="tef", sector="healthcare")) == ["tef-health"]
    assert ids(directory.filter(kind="tef", sector=Sector.agrifood)) == ["tef-agrifood"]


def test_partner_countries_only_when_asked(directory: Directory) -> None:
    assert "aif-es-bsc" not in ids(directory.filter(country="PT", kind="ai_factory"))
    assert "aif-es-bsc" in ids(directory.filter(country="PT", kind="ai_factory", include_partners=True))


def test_legacy_hubs_can_be_left_out(directory: Directory) -> None:
    assert any(e.legacy for e in directory.filter(country="DE"))
    assert not any(e.legacy for e in directory.filter(country="DE", include_legacy=False))


@pytest.mark.parametrize(
    ("value", "flag"), [("ZZ", "--country"), ("factory", "--kind"), ("cooking", "--sector")]
)
def test_bad_filter_values_are_bad_input_naming_the_option(
    directory: Directory, value: str, flag: str
) -> None:
    option = flag.removeprefix("--")
    with pytest.raises(DirectoryError, match=flag):
        directory.filter(**{option: value})


def test_french_query_finds_the_french_ai_factory(directory: Directory) -> None:
    hits = directory.search("usine d'IA en France", limit=3)
    assert ids(hits)[0] == "aif-fr-ai2f"


def test_french_query_finds_regulatory_sandboxes(directory: Directory) -> None:
    hits = directory.search("bac à sable réglementaire", limit=5)
    assert {h.entry.kind for h in hits} == {Kind.sandbox}


def test_accents_and_languages_meet(directory: Directory) -> None:
    assert ids(directory.search("santé", kind="tef")) == ids(directory.search("sante", kind="tef"))
    assert ids(directory.search("santé", kind="tef"))[0] == "tef-health"
    assert ids(directory.search("health", kind="tef"))[0] == "tef-health"


def test_english_query_with_country_filter(directory: Directory) -> None:
    hits = directory.search("robotics healthcare", country="DE", limit=5)
    assert hits and all("DE" in h.entry.countries for h in hits)
    assert "dih-legacy-4423" in ids(hits)  # Aachen DIH Center for Robotics in Healthcare (legacy)


def test_current_entries_outrank_legacy_ones_on_equal_terms(directory: Directory) -> None:
    hits = directory.search("health", limit=10)
    assert not hits[0].entry.legacy


def test_no_query_lists_current_entries_before_legacy(directory: Directory) -> None:
    hits = directory.search(None, country="FR", limit=None)
    flags = [h.entry.legacy for h in hits]
    assert flags == sorted(flags) and flags[0] is False and flags[-1] is True


def test_no_match_is_an_empty_result(directory: Directory) -> None:
    assert directory.search("xylophone zeppelin", limit=5) == []


def test_the_analyser_stems_in_english_and_french() -> None:
    assert set(analyse("hospitals")) & set(analyse("hospital"))
    assert set(analyse("réglementaires")) & set(analyse("réglementaire"))
    assert "ai" in analyse("IA")  # French abbreviation meets the English one


class _Boost:
    """A second scorer, as the desk's dense retriever will be: it likes one entry only."""

    name = "boost"

    def __init__(self, directory: Directory, target: str) -> None:
        self._scores = [1.0 if e.id == target else 0.0 for e in directory.entries]

    def score(self, query: str) -> Sequence[float]:
        return self._scores


def test_more_scorers_are_fused_by_reciprocal_rank(directory: Directory) -> None:
    from aidesk.directory.search import Bm25Scorer

    bm25 = Bm25Scorer(directory.entries)
    hits = directory.search("health", scorers=[bm25, _Boost(directory, "eu-ai-office")], limit=None)
    by_id = {h.entry.id: h for h in hits}
    assert set(by_id["eu-ai-office"].scores) == {"bm25", "boost"}
    assert by_id["eu-ai-office"].scores["boost"] == 1.0
    assert hits[0].entry.id in {"eu-ai-office", "tef-health", "ds-health"}


def test_rrf_arithmetic() -> None:
    fused = rrf([[3.0, 0.0, 1.0], [0.0, 5.0, 2.0]], k=60)
    assert fused[0] == pytest.approx(1 / 61)
    assert fused[1] == pytest.approx(1 / 61)
    assert fused[2] == pytest.approx(1 / 62 + 1 / 62)


# --------------------------------------------------------------------------- rule-facing questions
def test_authorities_in_a_country(directory: Directory) -> None:
    found = directory.authorities("FR")
    assert ids(found.entries) == ["auth-fr"] and found.gap is None


def test_missing_authority_data_is_said_not_guessed(directory: Directory) -> None:
    found = directory.authorities("EL")
    assert found.entries == [] and found.gap and "GR" in found.gap
    assert "Art. 77" in (directory.authorities("BG").gap or "")


def test_sandboxes_in_a_country(directory: Directory) -> None:
    assert ids(directory.sandboxes("ES").entries) == ["sb-es"]
    assert directory.sandboxes("FR").gap


def test_edihs_offering_testing_fall_back_to_labelled_seed_data(directory: Directory) -> None:
    found = directory.edihs("FR", service="test")
    assert found.entries[0].id == "edih-network"
    assert all(e.legacy for e in found.entries[1:]) and len(found.entries) > 1
    assert found.gap and "legacy" in found.gap


def test_tef_for_a_sector(directory: Directory) -> None:
    assert ids(directory.tefs("manufacturing").entries) == ["tef-ai-matters"]
    assert directory.tefs("finance").gap


def test_ai_factories_with_access_put_the_country_first(directory: Directory) -> None:
    found = directory.ai_factories(country="BE", sector="healthcare")
    assert ids(found.entries)[0] == "aifa-be"  # the Belgian antenna, then the factories it links to
    assert set(ids(found.entries)[1:3]) == {"aif-de-jaif", "aif-fi-lumi"}
    assert all(e.access for e in found.entries if e.kind == Kind.ai_factory)


def test_eu_bodies(directory: Directory) -> None:
    assert "eu-ai-act-service-desk" in ids(directory.eu_bodies().entries)
