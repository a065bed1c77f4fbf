"""Database connections and schema migrations.

- SQLite (the embedded default): one file in the data dir, created on first run, with WAL journaling
  (readers never wait for the writer), foreign keys enforced, and a 30 s busy timeout. aidesk takes over
  transaction control from the `sqlite3` module so that a transaction really starts at `BEGIN`: write
  transactions start with `BEGIN IMMEDIATE` (they take the write lock first, then read, so two writers
  queue instead of one failing or losing the other's update); read transactions start with `BEGIN`.
- PostgreSQL: any `postgresql+psycopg://` URL. Write paths lock the rows they change (`FOR UPDATE`),
  and every system carries a version number checked on UPDATE.

The schema is created and changed only by the Alembic migrations shipped in `migrations/`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
WRITE_OPTION = "aidesk_write"
SQLITE_BUSY_TIMEOUT_S = 30
# Serialises concurrent `upgrade` runs on PostgreSQL (any constant; "aidesk" in ASCII).
_PG_MIGRATION_LOCK = 0x61696465736B


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's BEGIN (below) start transactions instead of sqlite3's implicit, late BEGIN.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: a crash loses no committed data
    finally:
        cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def create_engine_for(url: str, **kwargs: Any) -> Engine:
    """An engine for a SQLAlchemy URL, set up as described above. Creates the SQLite file's directory."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin)
        return engine
    return create_engine(parsed, pool_pre_ping=True, **kwargs)


def alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@dataclass(frozen=True, slots=True)
class SchemaState:
    current: str | None
    head: str | None

    @property
    def up_to_date(self) -> bool:
        return self.current == self.head


class Database:
    """An engine, a session factory, and the schema operations for one database URL."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = create_engine_for(url, **engine_kwargs)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def display_url(self) -> str:
        """The URL without its password, for messages."""
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """A session inside one transaction: committed when the block ends, rolled back on an exception."""
        with self.sessions() as session, session.begin():
            session.connection(execution_options={WRITE_OPTION: write})
            yield session

    def upgrade(self, revision: str = "head") -> SchemaState:
        """Bring the schema to `revision` (default: the newest), in one transaction."""
        from alembic import command

        cfg = alembic_config()
        with self.engine.connect() as conn:
            conn = conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
        return self.schema_state()

    def schema_state(self) -> SchemaState:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        return SchemaState(current=current, head=head_revision())

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str | None = None, *, upgrade: bool = True) -> Database:
    """The configured database (`AIDESK_DATABASE_URL`, default SQLite in the data dir).

    With `upgrade`, an embedded SQLite database is created or brought up to date on first use; other
    databases are never migrated implicitly (run `aidesk db upgrade`).
    """
    from aidesk.settings import get_settings

    settings = get_settings()
    db = Database(url or settings.database_url)
    if upgrade and db.dialect == "sqlite":
        state = db.schema_state()
        if not state.up_to_date:
            db.upgrade()
    return db
