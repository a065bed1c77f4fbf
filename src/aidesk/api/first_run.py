"""The first run: a database without users needs its first admin.

`aidesk serve` calls `first_run_message()` before it starts the server: on an empty database it returns
what to tell the operator — the `aidesk users create` command, and a one-time setup token for
`POST /api/v1/setup` (the web desk's first-run page uses it). The token is kept in
`<data dir>/setup_token` (mode 0600) until an admin exists; it only works while the database has no user.
"""

from __future__ import annotations

import hmac
import os
import secrets
import sys
from pathlib import Path

from sqlalchemy import func, select

from aidesk.inventory.db import Database
from aidesk.inventory.models import User
from aidesk.settings import Settings, get_settings

SETUP_TOKEN_FILE = "setup_token"


def has_users(db: Database) -> bool:
    with db.transaction(write=False) as s:
        return bool(s.scalar(select(func.count()).select_from(User)))


def setup_token_path(settings: Settings) -> Path:
    return settings.data_dir / SETUP_TOKEN_FILE


def ensure_setup_token(settings: Settings) -> str:
    """The setup token, created (0600) if there is none yet."""
    path = setup_token_path(settings)
    try:
        existing = path.read_text(encoding="ascii").strip()
        if existing:
            return existing
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(token + "\n")
    return token


def check_setup_token(settings: Settings, given: str) -> bool:
    try:
        expected = setup_token_path(settings).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return False
    return bool(expected) and hmac.compare_digest(expected.encode(), given.strip().encode())


def forget_setup_token(settings: Settings) -> None:
    setup_token_path(settings).unlink(missing_ok=True)


def first_run_message(settings: Settings | None = None, *, base_url: str | None = None) -> str | None:
    """What `aidesk serve` should print before starting, or None when all is set up.

    On SQLite the database is created and migrated here; on PostgreSQL a schema that is not up to date
    is reported (run `aidesk db upgrade`), never migrated implicitly."""
    from sqlalchemy.exc import SQLAlchemyError

    from aidesk.inventory.db import open_database

    settings = settings or get_settings()
    try:
        db = open_database(settings.database_url)
    except SQLAlchemyError as exc:
        return f"Cannot open the database {settings.database_url.split('@')[-1]}: {str(exc).splitlines()[0]}"
    try:
        state = db.schema_state()
        if not state.up_to_date:
            return (
                f"The database {db.display_url()} is at schema revision {state.current or 'none'}, "
                f"not {state.head}: run `aidesk db upgrade` first (with the same AIDESK_DATABASE_URL)."
            )
        if has_users(db):
            forget_setup_token(settings)
            return None
    except SQLAlchemyError as exc:
        return f"Cannot read the database {db.display_url()}: {str(exc).splitlines()[0]}"
    finally:
        db.dispose()
    token = ensure_setup_token(settings)
    where = base_url.rstrip("/") if base_url else "http://HOST:PORT"
    # Name the running executable, so the command works from a venv that is not on PATH (`make run`).
    executable = Path(sys.argv[0]).resolve() if sys.argv and sys.argv[0].endswith("aidesk") else None
    aidesk = str(executable) if executable is not None else "aidesk"
    return (
        "No user yet: create the first admin, either\n"
        f"  - in the browser:  {where}/signin (with the setup token below)\n"
        f"  - now, in another terminal:  {aidesk} users create you@example.org --org your-org "
        '--org-name "Your organisation"\n'
        f"  - or through the API:  POST {where}/api/v1/setup with "
        f'{{"setup_token": "{token}", "organisation": "…", "email": "…", "password": "…"}}\n'
        f"(the setup token is also in {setup_token_path(settings)}; it works until the first user exists)"
    )
