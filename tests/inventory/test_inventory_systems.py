"""The register: systems CRUD, filters, pagination, assessment records and their diffs."""

from __future__ import annotations

from datetime import date

import pytest
from inventory_support import Tenant, fake_assessor, profile

from aidesk.inventory import assessments, systems
from aidesk.inventory.db import Database
from aidesk.inventory.errors import Conflict, InvalidInput, NotFound
from aidesk.inventory.systems import SystemFilter


def test_a_system_is_stored_with_its_profile_as_given_owner_tags_and_status(
    db: Database, tenant: Tenant
) -> None:
    data = profile("CV screening", annex_iii=["4(a)"], roles=["provider", "deployer", "provider"])
    with db.transaction() as s:
        created = systems.create_system(s, tenant.editor, data, owner="HR team", tags=["hr", " hr ", "pilot"])
    with db.transaction(write=False) as s:
        got = systems.get_system(s, tenant.viewer, created.id)
        assert (got.name, got.owner, got.status, got.version) == ("CV screening", "HR team", "in_service", 1)
        assert got.tags == ["hr", "pilot"] and got.roles == ["deployer", "provider"]
        # keys left out stay out: "not known" is not "no"
        assert got.profile == {"name": "CV screening", "kind": "ai_system", "roles": ["provider", "deployer"],
                               "annex_iii": ["4(a)"]}  # fmt: skip


def test_bad_profiles_and_duplicates_are_refused_with_the_key_named(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s, pytest.raises(InvalidInput, match="colour"):
        systems.create_system(s, tenant.editor, {"name": "X", "colour": "red"})
    with db.transaction() as s, pytest.raises(InvalidInput, match="status"):
        systems.create_system(s, tenant.editor, profile("Y"), status="live")
    with db.transaction() as s:
        systems.create_system(s, tenant.editor, profile("Twice"))
    with db.transaction() as s, pytest.raises(Conflict, match="Twice"):
        systems.create_system(s, tenant.editor, profile("Twice"))


def test_list_filters_by_class_role_tag_status_and_words_and_paginates(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        for i in range(7):
            p = profile(f"System {i:02d}", roles=["deployer"] if i % 2 else ["provider"],
                        description="Screens job applicants" if i == 3 else "Something else")  # fmt: skip
            if i < 3:
                p["annex_iii"] = ["4(a)"]
            system = systems.create_system(
                s, tenant.editor, p, tags=["hr"] if i < 4 else [], owner=f"Team {i}"
            )
            assessments.assess_system(s, tenant.editor, system.id, assessor=fake_assessor)
    with db.transaction(write=False) as s:

        def names(flt: SystemFilter, **kw: int) -> list[str]:
            return [x.name for x in systems.list_systems(s, tenant.viewer, flt, **kw).items]

        assert names(SystemFilter(risk_class="high_risk")) == ["System 00", "System 01", "System 02"]
        assert names(SystemFilter(role="deployer", tag="hr")) == ["System 01", "System 03"]
        assert names(SystemFilter(search="APPLICANTS")) == ["System 03"]
        assert names(SystemFilter(search="team 5")) == ["System 05"]
        assert names(SystemFilter(search="100%")) == []
        assert names(SystemFilter(status="retired")) == []
        page = systems.list_systems(s, tenant.viewer, SystemFilter(), limit=3, offset=3)
        assert [x.name for x in page.items] == ["System 03", "System 04", "System 05"] and page.total == 7


def test_updates_bump_the_version_and_a_stale_version_is_a_conflict(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        system = systems.create_system(s, tenant.editor, profile("Versioned"))
    with db.transaction() as s:
        updated = systems.update_system(s, tenant.editor, system.id, owner="Ops", expected_version=1)
        assert updated.version == 2
    with db.transaction() as s, pytest.raises(Conflict, match="changed by someone else"):
        systems.update_system(s, tenant.editor, system.id, owner="Stale", expected_version=1)
    with db.transaction() as s:
        renamed = systems.update_system(
            s, tenant.editor, system.id, profile=profile("Renamed"), status="retired"
        )
        assert (renamed.name, renamed.status, renamed.version) == ("Renamed", "retired", 3)
        same = systems.update_system(s, tenant.editor, system.id, owner="Ops")
        assert same.version == 3  # nothing changed, nothing written
    with db.transaction() as s:
        systems.delete_system(s, tenant.editor, system.id, expected_version=3)
    with db.transaction() as s, pytest.raises(NotFound):
        systems.get_system(s, tenant.viewer, system.id)


def test_assessment_records_keep_the_profile_regime_and_result_and_diff(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        system = systems.create_system(s, tenant.editor, profile("Diffed"))
        first = assessments.assess_system(s, tenant.editor, system.id, assessor=fake_assessor)
    with db.transaction() as s:
        systems.update_system(s, tenant.editor, system.id, profile=profile("Diffed", annex_iii=["4(a)"]))
        second = assessments.assess_system(
            s, tenant.editor, system.id, regime="ai-act-2026", as_of=date(2027, 1, 1), assessor=fake_assessor
        )
    with db.transaction(write=False) as s:
        assert [r.id for r in assessments.history(s, tenant.viewer, system.id)] == [second.id, first.id]
        record = assessments.get_record(s, tenant.viewer, second.id)
        assert record.profile["annex_iii"] == ["4(a)"] and "annex_iii" not in first.profile
        assert (record.regime, record.regime_version, record.as_of) == (
            "ai-act-2026",
            "ai-act-2026+test",
            date(2027, 1, 1),
        )
        assert record.actor == tenant.editor.label and record.created_by_id == tenant.editor.user_id
        assert systems.get_system(s, tenant.viewer, system.id).risk_class == "high_risk"
        diff = assessments.diff_records(s, tenant.viewer, first.id, second.id)
        assert diff.risk_class == ("minimal", "high_risk") and diff.changed
        assert diff.obligations_added == ["risk_management (provider)"]
        assert diff.deadlines_added == ["2027-12-02: High-risk requirements apply (Annex III)"]
        assert diff.to_json()["risk_class"]["changed"] is True


def test_the_real_rules_engine_is_used_by_default(db: Database, tenant: Tenant) -> None:
    data = profile(
        "Real", annex_iii=["4(a)"], location={"established_in_eu": True, "placed_on_eu_market": True}
    )
    with db.transaction() as s:
        system = systems.create_system(s, tenant.editor, data)
        record = assessments.assess_system(
            s, tenant.editor, system.id, regime="ai-act-2026", as_of=date(2026, 11, 25)
        )
    assert record.risk_class == "high_risk" and record.result["schema"] == "aidesk/assessment/v1"
    assert record.regime_version.startswith("ai-act-2026")
    with db.transaction() as s, pytest.raises(InvalidInput, match="unknown regime"):
        assessments.assess_system(s, tenant.editor, system.id, regime="ai-act-1999")
