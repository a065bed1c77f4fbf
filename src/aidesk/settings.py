"""Configuration by environment (SPEC §5): where aidesk keeps its data and which database it uses.

- `AIDESK_DATA_DIR`: the data directory; default: the platform's user data dir
  (e.g. `~/.local/share/aidesk` on Linux).
- `AIDESK_DATABASE_URL`: a SQLAlchemy URL; default: the SQLite file `aidesk.db` in the data dir.
  PostgreSQL: `postgresql+psycopg://user:password@host:5432/dbname` (driver in the `postgres` extra);
  `postgresql://…` and `postgres://…` are read as psycopg 3 URLs.

Settings are read from the environment each time `get_settings()` is called, so tests and
subprocesses can change them with environment variables alone.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "aidesk"
DATABASE_FILE = "aidesk.db"


@dataclass(frozen=True, slots=True)
class Settings:
    data_dir: Path
    database_url: str

    @property
    def is_default_sqlite(self) -> bool:
        return self.database_url == sqlite_url(self.data_dir / DATABASE_FILE)


def sqlite_url(path: Path) -> str:
    return f"sqlite+pysqlite:///{path}"


def normalise_database_url(url: str) -> str:
    """Accept the URL forms people paste (`postgres://`, `postgresql://`) and pick the psycopg 3 driver."""
    url = url.strip()
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def get_settings(environ: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    raw_dir = env.get("AIDESK_DATA_DIR", "").strip()
    if raw_dir:
        data_dir = Path(raw_dir).expanduser()
    else:
        from platformdirs import user_data_dir

        data_dir = Path(user_data_dir(APP_NAME, appauthor=False))
    raw_url = env.get("AIDESK_DATABASE_URL", "").strip()
    database_url = normalise_database_url(raw_url) if raw_url else sqlite_url(data_dir / DATABASE_FILE)
    return Settings(data_dir=data_dir, database_url=database_url)
