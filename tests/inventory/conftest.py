"""Fixtures for the inventory: every test that takes `db` runs twice, on a real SQLite file and on the
real PostgreSQL server of this machine (127.0.0.1:5432, user `postgres`).

PostgreSQL: one database, named uniquely for this test session, is created at the start and dropped at
the end. If the server does not answer, the PostgreSQL half FAILS when the `CI` environment variable is
set (CI must test both) and is skipped otherwise. `AIDESK_TEST_PG_ADMIN_URL` overrides the server URL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from inventory_support import (
    PG_ADMIN_URL,
    Tenant,
    create_pg_database,
    drop_pg_database,
    make_tenant,
    pg_conninfo,
)

from aidesk.inventory.db import Database

BACKENDS = ("sqlite", "postgresql")


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set: the inventory tests must run on PostgreSQL too)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """Admin URL of a reachable PostgreSQL server."""
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed: pip install -e '.[postgres]'")
    try:
        with psycopg.connect(pg_conninfo(PG_ADMIN_URL), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {str(exc).strip().splitlines()[0]}")
    yield PG_ADMIN_URL


@pytest.fixture(scope="session")
def pg_url(pg_server: str) -> Iterator[str]:
    """A database of this test session, migrated to head; dropped at the end."""
    url = create_pg_database(pg_server)
    try:
        database = Database(url)
        database.upgrade()
        database.dispose()
        yield url
    finally:
        drop_pg_database(pg_server, url)


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+pysqlite:///{tmp_path / 'aidesk.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    if database.dialect == "sqlite":
        database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def tenant(db: Database) -> Tenant:
    return make_tenant(db, "Acme")


@pytest.fixture
def other_tenant(db: Database) -> Tenant:
    return make_tenant(db, "Globex")
