"""The HTTP API over the inventory, served by uvicorn on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inventory_support import Tenant, make_tenant, profile

from aidesk.inventory import systems, tokens
from aidesk.inventory.db import Database

uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("fastapi")


class Api:
    def __init__(self, base: str) -> None:
        self.base = base

    def __call__(
        self, method: str, path: str, token: str | None = None, body: Any = None
    ) -> tuple[int, dict[str, str], Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                raw = response.read()
                return response.status, dict(response.headers), json.loads(raw) if raw else None
        except urllib.error.HTTPError as err:
            raw = err.read()
            return err.code, dict(err.headers), json.loads(raw) if raw else None


def make_app(db: Database, data_dir: Path) -> Any:
    """The application behind `aidesk serve` (web desk and API), over the test's database."""
    from aidesk.app import create_app
    from aidesk.settings import Settings

    return create_app(Settings(data_dir=data_dir, database_url=db.url))


@pytest.fixture
def api(db: Database, tmp_path: Path) -> Iterator[Api]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    config = uvicorn.Config(
        make_app(db, tmp_path), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield Api(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)


def token_for(db: Database, tenant: Tenant, scopes: tuple[str, ...] = ("read", "write")) -> str:
    with db.transaction() as s:
        return tokens.create_token(s, tenant.editor, "api test", scopes).secret


def test_healthz_and_systems_crud_with_a_token(api: Api, db: Database, tenant: Tenant) -> None:
    status, _, body = api("GET", "/healthz")
    assert status == 200 and body["status"] == "ok"
    status, _, spec = api("GET", "/openapi.json")
    assert status == 200 and {"/healthz", "/api/v1/systems", "/api/v1/systems/{system_id}"} <= set(
        spec["paths"]
    )
    token = token_for(db, tenant)
    status, headers, body = api(
        "POST", "/api/v1/systems", token, {"profile": profile("Via API"), "tags": ["api"]}
    )
    assert status == 201, body
    system_id = body["id"]
    assert (body["name"], body["tags"], body["version"]) == ("Via API", ["api"], 1)
    status, _, body = api("GET", "/api/v1/systems?tag=api", token)
    assert status == 200 and body["total"] == 1 and body["items"][0]["id"] == system_id
    status, _, body = api("PATCH", f"/api/v1/systems/{system_id}", token, {"owner": "Legal", "version": 1})
    assert status == 200 and body["owner"] == "Legal" and body["version"] == 2
    status, headers, body = api(
        "PATCH", f"/api/v1/systems/{system_id}", token, {"owner": "Stale", "version": 1}
    )
    assert status == 409 and headers["content-type"] == "application/problem+json"
    status, _, _ = api("DELETE", f"/api/v1/systems/{system_id}", token)
    assert status == 204
    assert api("GET", f"/api/v1/systems/{system_id}", token)[0] == 404


def test_bad_input_is_a_422_problem_naming_the_field_and_nothing_is_written(
    api: Api, db: Database, tenant: Tenant
) -> None:
    token = token_for(db, tenant)
    for body in ({"profile": {"name": "X", "colour": "red"}}, {"profile": profile("Y"), "status": "live"},
                 {"profile": profile("Z"), "unknown": 1}, {"profile": "not a mapping"}, [1, 2, 3]):  # fmt: skip
        status, headers, problem = api("POST", "/api/v1/systems", token, body)
        assert status == 422 and headers["content-type"] == "application/problem+json", problem
        assert problem["status"] == 422 and problem["errors"] and problem["detail"]
    assert api("GET", "/api/v1/systems", token)[2]["total"] == 0
    status, headers, _ = api("GET", "/api/v1/systems")
    assert status == 401 and headers.get("www-authenticate") == "Bearer"
    assert api("GET", "/api/v1/systems", "aidk_" + "x" * 43)[0] == 401
    read_only = token_for(db, tenant, ("read",))
    assert api("POST", "/api/v1/systems", read_only, {"profile": profile("No")})[0] == 403


def test_every_system_route_answers_404_for_another_organisation_s_system(
    api: Api, db: Database, tenant: Tenant, tmp_path: Path
) -> None:
    other = make_tenant(db, "Other")
    with db.transaction() as s:
        theirs = systems.create_system(s, other.editor, profile("Theirs"))
    token = token_for(db, tenant)
    routes = [
        (method.upper(), path)
        for path, operations in make_app(db, tmp_path).openapi()["paths"].items()
        if "{system_id}" in path
        for method in sorted(operations)
    ]
    assert len(routes) >= 3
    for method, path in routes:
        status, _, problem = api(
            method, path.replace("{system_id}", str(theirs.id)), token, {} if method == "PATCH" else None
        )
        assert status == 404, (method, path, problem)
    with db.transaction(write=False) as s:
        assert systems.get_system(s, other.viewer, theirs.id).version == 1
