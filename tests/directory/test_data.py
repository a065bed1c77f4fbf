"""The shipped directory data: every record valid, sourced, with ISO country codes."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from importlib import resources
from pathlib import Path

import pycountry
import pytest

from aidesk.directory.schema import LEGACY_LABEL, Entry, Kind, normalise_country
from aidesk.directory.service import _packaged

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "ecosystem"


@pytest.fixture(scope="module")
def raw() -> dict:
    return json.loads(resources.files("aidesk.directory").joinpath("data/directory.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def entries() -> tuple[Entry, ...]:
    return _packaged()[0]


def test_every_shipped_record_validates_against_the_schema(raw: dict) -> None:
    assert raw["schema"] == "aidesk/directory/v1"
    for record in raw["entries"]:
        Entry.model_validate(record)


def test_ids_are_unique(entries: tuple[Entry, ...]) -> None:
    dupes = [i for i, n in Counter(e.id for e in entries).items() if n > 1]
    assert dupes == []


def test_every_country_is_an_iso_3166_alpha_2_code(entries: tuple[Entry, ...]) -> None:
    iso = {c.alpha_2 for c in pycountry.countries}
    for e in entries:
        for code in [*e.countries, *e.partner_countries]:
            # XK (Kosovo) is the one user-assigned code, used by EU institutions
            assert code in iso or code == "XK", (e.id, code)


def test_eu_usage_codes_el_and_uk_never_appear_and_are_mapped_on_import(entries: tuple[Entry, ...]) -> None:
    assert not any({"EL", "UK"} & set(e.countries) for e in entries)
    assert normalise_country("el") == "GR"
    assert normalise_country("UK") == "GB"
    entry = Entry(
        id="x-test", kind=Kind.antenna, name="X", countries=["EL", "UK"], sources=["s"], confidence="low"
    )
    assert entry.countries == ["GR", "GB"]


def test_every_record_has_a_source(entries: tuple[Entry, ...]) -> None:
    assert all(e.sources and all(s.strip() for s in e.sources) for e in entries)


def test_related_ids_resolve(entries: tuple[Entry, ...]) -> None:
    ids = {e.id for e in entries}
    assert [(e.id, r) for e in entries for r in e.related if r not in ids] == []


def test_the_research_counts_are_all_there(entries: tuple[Entry, ...]) -> None:
    kinds = Counter(e.kind for e in entries if not e.legacy)
    assert kinds[Kind.ai_factory] == 19  # "19 AI Factories in 16 Member States"
    assert len({e.countries[0] for e in entries if e.kind == Kind.ai_factory}) == 16
    assert kinds[Kind.antenna] == 13
    assert kinds[Kind.data_space] == 14
    assert kinds[Kind.eu_body] == 6
    assert sum(e.legacy for e in entries) == 701


def test_the_legacy_hub_list_is_labelled_seed_data(entries: tuple[Entry, ...]) -> None:
    legacy = [e for e in entries if e.legacy]
    assert all(e.kind == Kind.edih and e.confidence == "low" for e in legacy)
    assert "seed data" in LEGACY_LABEL
    assert all("legacy" in (e.status or "") for e in legacy)


def test_unverified_fields_from_the_report_are_marked(entries: tuple[Entry, ...]) -> None:
    by_id = {e.id: e for e in entries}
    assert "host" in by_id["aifa-ch"].unverified  # CSCS as lead of HEARTS
    assert "summary" in by_id["eu-advisory-forum"].unverified  # CEN/CENELEC/ETSI
    assert "related" in by_id["aifa-rs"].unverified  # link inferred from country names


def test_the_unsourced_access_tiers_are_not_shipped(entries: tuple[Entry, ...]) -> None:
    text = json.dumps([e.model_dump(mode="json") for e in entries])
    assert "Playground" not in text and "Fast Lane" not in text


def test_missing_national_authorities_are_recorded_as_gaps() -> None:
    coverage = _packaged()[1]["authority"]
    assert "GR" in coverage["countries_without_data"]
    assert "FR" in coverage["countries_with_data"]


def test_sources_note_ships_with_the_data() -> None:
    text = resources.files("aidesk.directory").joinpath("data/SOURCES.md").read_text("utf-8")
    assert "seed data only" in text and "ISO 3166-1" in text


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared/data/ecosystem not beside the repository")
def test_packaged_file_is_what_the_build_script_makes() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_directory.py"), "--check", "--src", str(SHARED)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
