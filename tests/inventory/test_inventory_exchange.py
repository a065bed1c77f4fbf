"""Bulk import (atomic, every bad row reported), export (JSON, CSV without formula injection),
re-assessment of the whole inventory, and the iCalendar feed of its deadlines."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pytest
from icalendar import Calendar
from inventory_support import Tenant, fake_assessor, make_tenant, profile
from sqlalchemy import func, select

from aidesk.inventory import assessments, calendar, exchange, reassess, systems
from aidesk.inventory.db import Database
from aidesk.inventory.errors import InvalidInput
from aidesk.inventory.exchange import FORMULA_PREFIXES, csv_safe, read_items
from aidesk.inventory.models import AISystem, AssessmentRecord, AuditEvent


def count_systems(db: Database, tenant: Tenant) -> int:
    with db.transaction(write=False) as s:
        return int(
            s.scalar(select(func.count()).where(AISystem.organisation_id == tenant.organisation_id)) or 0
        )


def test_a_json_list_is_imported_whole_with_owner_tags_status_and_assessments(
    db: Database, tenant: Tenant
) -> None:
    text = json.dumps([
        profile("Chatbot", transparency={"interacts_with_natural_persons": True}),
        {"profile": profile("CV screening", annex_iii=["4(a)"]), "owner": "HR", "tags": ["hr"], "status": "planned"},
        profile("Fraud detection", roles=["deployer"]),
    ])  # fmt: skip
    items = read_items(text, "json", "systems.json")
    with db.transaction() as s:
        report = exchange.import_systems(
            s, tenant.editor, items, assessor=fake_assessor, source="systems.json"
        )
    assert report.to_json() == {"created": 3, "updated": 0, "assessed": 3}
    with db.transaction(write=False) as s:
        cv = systems.get_system_by_name(s, tenant.viewer, "CV screening")
        assert (cv.owner, cv.tags, cv.status, cv.risk_class) == ("HR", ["hr"], "planned", "high_risk")
        assert (
            s.scalar(select(func.count()).where(AssessmentRecord.organisation_id == tenant.organisation_id))
            == 3
        )
        actions = s.scalars(
            select(AuditEvent.action).where(AuditEvent.organisation_id == tenant.organisation_id)
        )
        assert list(actions).count("system.create") == 3


def test_every_bad_row_is_reported_and_nothing_is_written(db: Database, tenant: Tenant) -> None:
    text = json.dumps([
        profile("Good one"),
        {"name": "Typo", "rolez": ["provider"]},
        profile("Good two"),
        profile("Bad date", placed_on_market="2026-02-30"),
        "not a mapping",
        profile("Good one"),
    ])  # fmt: skip
    with pytest.raises(InvalidInput) as err:
        items = read_items(text, "json", "batch.json")
    where = [(p.item, p.field) for p in err.value.problems]
    assert where == [(2, "rolez"), (4, "placed_on_market"), (5, "")]
    assert err.value.one_line().startswith("batch.json: item 2, rolez: unknown key")
    # names are checked against the file and the inventory before anything is written
    with db.transaction() as s:
        systems.create_system(s, tenant.editor, profile("Existing"))
    items = read_items(json.dumps([profile("New"), profile("Existing"), profile("New")]), "json")
    with pytest.raises(InvalidInput) as err, db.transaction() as s:
        exchange.import_systems(s, tenant.editor, items)
    assert [(p.item, p.field) for p in err.value.problems] == [(3, "name"), (2, "name")]
    assert "--update" in str(err.value)
    assert count_systems(db, tenant) == 1


def test_a_failure_halfway_through_the_writes_rolls_everything_back(db: Database, tenant: Tenant) -> None:
    items = read_items(json.dumps([profile(f"S{i}") for i in range(10)]), "json")

    def explode(done: int, total: int) -> None:
        if done == 6:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError), db.transaction() as s:
        exchange.import_systems(s, tenant.editor, items, progress=explode)
    assert count_systems(db, tenant) == 0


def test_update_existing_replaces_profiles_of_systems_with_the_same_name(
    db: Database, tenant: Tenant
) -> None:
    with db.transaction() as s:
        systems.create_system(s, tenant.editor, profile("Kept"), owner="Old owner")
    items = read_items(
        json.dumps([{"profile": profile("Kept", roles=["deployer"]), "owner": "New owner"}]), "json"
    )
    with db.transaction() as s:
        report = exchange.import_systems(s, tenant.editor, items, update_existing=True)
    assert report.to_json() == {"created": 0, "updated": 1, "assessed": 0}
    with db.transaction(write=False) as s:
        kept = systems.get_system_by_name(s, tenant.viewer, "Kept")
        assert (kept.owner, kept.roles, kept.version) == ("New owner", ["deployer"], 2)


def test_yaml_lists_and_csv_rows_are_read_like_profiles(db: Database, tenant: Tenant) -> None:
    yaml_text = "- name: From YAML\n  organisation: {country: NO}\n  gpai_model: {training_compute_flop: 3e25}\n  kind: gpai_model\n"
    (item,) = read_items(yaml_text, "yaml")
    assert item.profile["organisation"]["country"] == "NO"
    assert item.profile["gpai_model"]["training_compute_flop"] == 3e25
    csv_text = (
        "name,roles,annex_iii,organisation.country,transparency.deep_fake,owner,tags,status\r\n"
        "CSV one,provider; deployer,4(a),FR,true,Legal,hr;pilot,planned\r\n"
        "CSV two,provider,,DE,false,,,\r\n"
    )
    one, two = read_items(csv_text, "csv")
    assert one.profile["roles"] == ["provider", "deployer"] and one.profile["transparency"] == {
        "deep_fake": True
    }
    assert (one.owner, one.tags, one.status) == ("Legal", ("hr", "pilot"), "planned")
    assert "annex_iii" not in two.profile and two.profile["transparency"]["deep_fake"] is False
    bad = "name,roles,colour\r\nA,provider,red\r\n"
    with pytest.raises(InvalidInput, match="colour: unknown CSV column"):
        read_items(bad, "csv", "bad.csv")
    bad_rows = (
        "name,roles,placed_on_market\r\nA,provider,2026-01-01\r\nB,pilot,2026-01-01\r\nC,provider,soon\r\n"
    )
    with pytest.raises(InvalidInput) as err:
        read_items(bad_rows, "csv", "rows.csv")
    assert [(p.item, p.field) for p in err.value.problems] == [
        (2, "roles[0]"),
        (3, "placed_on_market"),
    ]


HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1-555-0100", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_csv_export_neutralises_formulas_and_imports_back_unchanged(db: Database, tenant: Tenant) -> None:
    assert [csv_safe(v)[0] for v in HOSTILE] == ["'"] * len(HOSTILE)
    assert csv_safe("Plain 2024") == "Plain 2024"
    with db.transaction() as s:
        for i, bad in enumerate(HOSTILE):
            systems.create_system(
                s, tenant.editor, profile(f"{bad} {i}", description=bad), owner=bad, tags=[f"{bad}{i}"[:64]]
            )
    with db.transaction(write=False) as s:
        text = exchange.export_csv(s, tenant.viewer)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(HOSTILE)
    for row in rows:
        assert row["name"][:1] == "'" and row["description"][:1] == "'"
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_PREFIXES), (column, cell)  # owners and tags are also stripped
    other = make_tenant(db, "Importer")
    with db.transaction() as s:
        exchange.import_systems(s, other.editor, read_items(text, "csv"))
    with db.transaction(write=False) as s:
        names = sorted(x.name for x in systems.iter_systems(s, other.viewer))
        owners = sorted(x.owner or "" for x in systems.iter_systems(s, other.viewer))
    assert names == sorted(f"{bad} {i}".strip() for i, bad in enumerate(HOSTILE))  # cells are trimmed
    assert owners == sorted(bad.strip() for bad in HOSTILE)


def test_json_export_round_trips_into_another_organisation(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        system = systems.create_system(
            s, tenant.editor, profile("Round trip", annex_iii=["5(b)"]), tags=["credit"]
        )
        assessments.assess_system(s, tenant.editor, system.id, assessor=fake_assessor)
        text = exchange.export_json(s, tenant.viewer)
    (row,) = json.loads(text)
    assert row["risk_class"] == "high_risk" and row["tags"] == ["credit"]
    other = make_tenant(db, "Copy")
    with db.transaction() as s:
        exchange.import_systems(s, other.editor, read_items(text, "json"))
    with db.transaction(write=False) as s:
        copy = systems.get_system_by_name(s, other.viewer, "Round trip")
        assert copy.profile == system.profile and copy.tags == ["credit"] and copy.risk_class is None


def test_reassessment_reports_what_changed_since_the_previous_record(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        high = systems.create_system(s, tenant.editor, profile("High", annex_iii=["4(a)"]))
        low = systems.create_system(s, tenant.editor, profile("Low"))
        for system in (high, low):
            assessments.assess_system(
                s, tenant.editor, system.id, regime="ai-act-2026", assessor=fake_assessor
            )
        systems.create_system(s, tenant.editor, profile("Never assessed"))
    with db.transaction() as s:
        report = reassess.reassess_all(s, tenant.editor, regime="ai-act-2024", assessor=fake_assessor)
    by_name = {d.system_name: d for d in report.diffs}
    assert set(by_name) == {"High", "Low", "Never assessed"}
    assert not by_name["Low"].changed
    change = by_name["High"]
    assert change.changed and not change.class_changed
    assert [(c.id, c.applies_from) for c in change.obligations_changed] == [
        ("risk_management", ("2027-12-02", "2026-08-02"))
    ]
    assert change.deadlines_added == ["2026-08-02: High-risk requirements apply (Annex III)"]
    assert change.deadlines_removed == ["2027-12-02: High-risk requirements apply (Annex III)"]
    assert by_name["Never assessed"].old_record_id is None and by_name["Never assessed"].risk_class == (
        None,
        "minimal",
    )
    assert report.to_json()["changed"] == 2
    with db.transaction(write=False) as s:
        assert len(assessments.history(s, tenant.viewer, high.id)) == 2


def test_the_deadlines_feed_is_valid_icalendar_with_stable_uids_for_this_organisation_only(
    db: Database, tenant: Tenant
) -> None:
    other = make_tenant(db, "Elsewhere")
    with db.transaction() as s:
        for actor, name in (
            (tenant.editor, "CV screening"),
            (tenant.editor, "Credit scoring"),
            (other.editor, "Theirs"),
        ):
            system = systems.create_system(s, actor, profile(name, annex_iii=["4(a)"]))
            assessments.assess_system(s, actor, system.id, assessor=fake_assessor)
    now = datetime(2026, 11, 25, 12, 0).astimezone()
    with db.transaction(write=False) as s:
        first = calendar.deadlines_ics(s, tenant.viewer, now=now)
        again = calendar.deadlines_ics(s, tenant.viewer, now=now)
    assert first == again and first.startswith(b"BEGIN:VCALENDAR\r\n")
    cal = Calendar.from_ical(first)
    assert str(cal["VERSION"]) == "2.0" and cal["PRODID"]
    events = cal.walk("VEVENT")
    assert sorted(str(e["SUMMARY"]) for e in events) == [
        "CV screening: High-risk requirements apply (Annex III)",
        "Credit scoring: High-risk requirements apply (Annex III)",
    ]
    assert len({str(e["UID"]) for e in events}) == 2
    for event in events:
        assert event.decoded("DTSTART") == date(2027, 12, 2)
        assert "Art. 113" in str(event["DESCRIPTION"])
    with db.transaction(write=False) as s:
        assert calendar.deadlines_ics(s, tenant.viewer, since=date(2028, 1, 1)).count(b"BEGIN:VEVENT") == 0
