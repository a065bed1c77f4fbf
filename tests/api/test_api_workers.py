"""`aidesk serve --workers N`: the way `aidesk serve` runs uvicorn (`aidesk.api.serving.serve`), with two
worker processes over one database. Whatever worker answers, a session opened on one is valid on the
other (signed cookie, shared key), and the first run tells the operator how to create the admin."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from inventory_support import make_tenant, unique

from aidesk.inventory import accounts
from aidesk.inventory.db import Database
from aidesk.inventory.models import MemberRole, Organisation

PASSWORD = "correct horse battery staple"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _request(
    url: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET", headers=headers or {})
    if data:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"null")
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), json.loads(err.read() or b"null")


@pytest.fixture
def server(db: Database, tmp_path: Path) -> Iterator[dict[str, Any]]:
    port = _port()
    log = tmp_path / "serve.log"
    code = f"from aidesk.api.serving import serve; serve(port={port}, workers=2, log_level='warning')"
    env = {**os.environ, "AIDESK_DATA_DIR": str(tmp_path / "data"), "AIDESK_DATABASE_URL": db.url}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-c", code],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _request(base + "/healthz")[0] == 200 and len(_children(proc.pid)) >= 2:
                    break
            except OSError:
                pass
            assert proc.poll() is None, log.read_text()
            time.sleep(0.2)
        yield {"base": base, "pid": proc.pid, "log": log, "data_dir": tmp_path / "data"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)


def test_two_workers_share_the_database_and_the_session_key(server: dict[str, Any], db: Database) -> None:
    base = server["base"]
    workers = [p for p in _children(server["pid"]) if "python" in Path(f"/proc/{p}/cmdline").read_text()]
    assert len(workers) >= 2, workers
    key = server["data_dir"] / "secret_key"
    deadline = time.monotonic() + 10
    while not key.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    tenant = make_tenant(db, "Workers")
    email = f"{unique('admin')}@workers.example"
    with db.transaction() as s:
        org = s.get(Organisation, tenant.organisation_id)
        assert org is not None
        user = accounts.create_user(s, email, PASSWORD)
        accounts.add_member(s, org, user, MemberRole.admin, actor=None)
    status, headers, me = _request(base + "/api/v1/auth/login", {"email": email, "password": PASSWORD})
    assert status == 200, me
    cookie = headers["set-cookie"].split(";", 1)[0]
    # Fresh connections: the kernel spreads them over both workers; every one accepts the session.
    for _ in range(30):
        status, _, body = _request(base + "/api/v1/auth/me", headers={"Cookie": cookie})
        assert status == 200 and body["user"]["email"] == email
    assert (key.stat().st_mode & 0o777) == 0o600
    status, _, assessment = _request(base + "/api/v1/assess", {"name": "x", "roles": ["deployer"]})
    assert status == 200 and assessment["risk_class"]


def test_serve_on_an_empty_database_tells_how_to_create_the_admin(tmp_path: Path) -> None:
    db = Database(f"sqlite+pysqlite:///{tmp_path / 'empty.db'}")
    db.upgrade()
    port = _port()
    env = {**os.environ, "AIDESK_DATA_DIR": str(tmp_path), "AIDESK_DATABASE_URL": db.url}
    code = f"from aidesk.api.serving import serve; serve(port={port}, workers=1, log_level='warning')"
    proc = subprocess.Popen(
        [sys.executable, "-c", code], env=env, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        assert proc.stderr is not None
        first = proc.stderr.readline()
        rest = [proc.stderr.readline() for _ in range(3)]
        text = first + "".join(rest)
        assert "No user yet" in first and "aidesk users create" in text and "/api/v1/setup" in text, text
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        db.dispose()
