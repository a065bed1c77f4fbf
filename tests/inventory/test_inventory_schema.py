"""The schema comes from the migrations, on both databases, and matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from inventory_support import create_pg_database, drop_pg_database, make_tenant, profile
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from aidesk.inventory import systems
from aidesk.inventory.db import Database, head_revision, open_database
from aidesk.inventory.models import AuditEvent, Base

TABLES = {
    "organisations", "users", "memberships", "api_tokens", "ai_systems", "system_tags", "system_roles",
    "assessment_records", "audit_events", "alembic_version",
}  # fmt: skip


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'new' / 'aidesk.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = create_pg_database(server, "aidesk_empty")
    yield url
    drop_pg_database(server, url)


def test_migrations_upgrade_an_empty_database_to_head_and_match_the_models(empty_url: str) -> None:
    db = Database(empty_url)
    try:
        assert db.schema_state().current is None
        state = db.upgrade()
        assert state.current == head_revision() and state.up_to_date
        assert set(inspect(db.engine).get_table_names()) >= TABLES
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
        assert diff == []
        assert db.upgrade().up_to_date  # running it again changes nothing
    finally:
        db.dispose()


def test_the_embedded_database_is_created_on_first_use_with_wal_and_foreign_keys(
    tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AIDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AIDESK_DATABASE_URL", raising=False)
    db = open_database()
    try:
        assert (tmp_path / "data" / "aidesk.db").exists()
        assert db.schema_state().up_to_date
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        db.dispose()


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(DBAPIError), db.transaction() as s:
        s.execute(
            text(
                "INSERT INTO memberships (organisation_id, user_id, role, created_at) VALUES (999999, 999999, 'viewer', :t)"
            ),
            {"t": "2026-01-01 00:00:00"},
        )


def test_the_audit_log_is_append_only_in_the_database(db: Database) -> None:
    tenant = make_tenant(db)
    with db.transaction() as s:
        systems.create_system(s, tenant.editor, profile("Audited"))
    for statement in ("UPDATE audit_events SET actor = 'mallory'", "DELETE FROM audit_events"):
        with pytest.raises(DBAPIError, match="append-only"), db.transaction() as s:
            s.execute(text(statement))
    with db.transaction(write=False) as s:
        assert s.query(AuditEvent).filter_by(organisation_id=tenant.organisation_id).count() >= 1
