"""Helpers for the API tests (imported by name: `from api_support import …`)."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from inventory_support import Tenant

from aidesk.inventory import tokens
from aidesk.inventory.actor import Actor
from aidesk.inventory.db import Database
from aidesk.settings import Settings

ApiClient = TestClient
_hosts = itertools.count(1)


@contextmanager
def make_client(
    db: Database, data_dir: Path, monkeypatch: pytest.MonkeyPatch, *, address: str | None = None, **env: str
) -> Iterator[TestClient]:
    """The application behind `aidesk serve` over `db`, with `AIDESK_*` settings from `env`. Each client
    comes from its own address (the PostgreSQL database is shared by the tests: so are failed logins)."""
    from aidesk.app import create_app

    monkeypatch.setenv("AIDESK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AIDESK_DATABASE_URL", db.url)
    monkeypatch.setenv("AIDESK_EMBED_MODEL", "off")  # the desk's BM25 mode: fast and deterministic
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    app = create_app(Settings(data_dir=data_dir, database_url=db.url))
    host = address or f"10.{next(_hosts) % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    with TestClient(app, raise_server_exceptions=False, client=(host, 50000)) as client:
        yield client


def token_for(db: Database, actor: Actor, scopes: tuple[str, ...] = ("read", "write")) -> str:
    with db.transaction() as s:
        return tokens.create_token(s, actor, "api test", scopes).secret


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def editor_headers(db: Database, tenant: Tenant) -> dict[str, str]:
    return bearer(token_for(db, tenant.editor))


def admin_headers(db: Database, tenant: Tenant) -> dict[str, str]:
    return bearer(token_for(db, tenant.admin, ("read", "write", "admin")))


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"], body
    return dict(body)


def profile(name: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "kind": "ai_system", "roles": ["provider"]}
    data.update(extra)
    return data


HIGH_RISK = {
    "name": "CV screening assistant",
    "kind": "ai_system",
    "organisation": {"name": "Acme Recrutement SAS", "country": "FR", "size": "small"},
    "roles": ["provider"],
    "location": {"established_in_eu": True, "placed_on_eu_market": True, "output_used_in_eu": True},
    "placed_on_market": "2028-01-15",
    "annex_iii": ["4(a)"],
    "article_6_3": {"profiling_of_natural_persons": True},
    "transparency": {"interacts_with_natural_persons": True},
}
