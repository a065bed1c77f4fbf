"""What the API keeps on `app.state`: its settings, the database (opened on first use, per worker) and
the signing key. Nothing else lives in a worker: any worker (or machine) can answer any request."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from fastapi import FastAPI, Request

from aidesk.api.config import ApiSettings, api_settings, load_secret_key
from aidesk.inventory.db import Database
from aidesk.settings import Settings, get_settings

STATE_KEY = "aidesk_api"


@dataclass
class ApiState:
    settings: Settings
    config: ApiSettings
    database: Database | None = None
    _key: bytes | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def db(self) -> Database:
        if self.database is None:
            with self._lock:
                if self.database is None:
                    from aidesk.inventory.db import open_database

                    self.database = open_database(self.settings.database_url)
        return self.database

    @property
    def key(self) -> bytes:
        if self._key is None:
            self._key = load_secret_key(self.settings.data_dir, self.config.secret_key)
        return self._key


def attach(app: FastAPI, database: Database | None = None) -> ApiState:
    settings = getattr(app.state, "settings", None) or get_settings()
    state = ApiState(settings=settings, config=api_settings(), database=database)
    setattr(app.state, STATE_KEY, state)
    return state


def state_of(request: Request) -> ApiState:
    state = getattr(request.app.state, STATE_KEY, None)
    if state is None:  # the API's routers mounted without `install(app)`
        state = attach(request.app)
    assert isinstance(state, ApiState)
    return state
