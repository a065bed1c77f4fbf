"""Alembic environment for the inventory: run by `aidesk db upgrade` (see `aidesk.inventory.db`).

The caller hands over an open connection in `config.attributes["connection"]`; run from the `alembic`
command line instead, the URL comes from `-x url=…`, else from `AIDESK_DATABASE_URL` / the default.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from aidesk.inventory.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite changes tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from aidesk.inventory.db import create_engine_for
    from aidesk.settings import get_settings

    url = context.get_x_argument(as_dictionary=True).get("url") or get_settings().database_url
    engine = create_engine_for(url)
    try:
        with engine.connect() as conn:
            _run(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("aidesk migrations run online only: use `aidesk db upgrade`")
run_migrations_online()
