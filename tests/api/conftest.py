"""Fixtures for the HTTP API: the real application (`aidesk.app.create_app`, web desk included) over a
real database — every test that takes `db` runs on a SQLite file and on the PostgreSQL server of this
machine (127.0.0.1:5432), like the inventory's tests (whose helpers it reuses)."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "inventory"))
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")

from api_support import ApiClient, make_client  # noqa: E402
from inventory_support import (  # noqa: E402
    PG_ADMIN_URL,
    Tenant,
    create_pg_database,
    drop_pg_database,
    make_tenant,
    pg_conninfo,
)

from aidesk.inventory.db import Database  # noqa: E402


def _unavailable(message: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set: the API tests must run on PostgreSQL too)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def api_pg_url() -> Iterator[str]:
    try:
        import psycopg
    except ImportError:
        _unavailable("psycopg is not installed: pip install -e '.[postgres]'")
    try:
        with psycopg.connect(pg_conninfo(PG_ADMIN_URL), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        _unavailable(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {str(exc).strip().splitlines()[0]}")
    url = create_pg_database(PG_ADMIN_URL, prefix="aidesk_api_test")
    try:
        database = Database(url)
        database.upgrade()
        database.dispose()
        yield url
    finally:
        drop_pg_database(PG_ADMIN_URL, url)


@pytest.fixture(params=("sqlite", "postgresql"))
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite+pysqlite:///{tmp_path / 'aidesk.db'}")
        database.upgrade()
    else:
        database = Database(str(request.getfixturevalue("api_pg_url")))
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    database = Database(f"sqlite+pysqlite:///{tmp_path / 'aidesk.db'}")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def client(db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiClient]:
    with make_client(db, tmp_path, monkeypatch) as c:
        yield c


@pytest.fixture
def tenant(db: Database) -> Tenant:
    return make_tenant(db, "Acme")


@pytest.fixture
def other_tenant(db: Database) -> Tenant:
    return make_tenant(db, "Globex")
