"""Helpers of the web desk tests (imported by name: `from web_support import …`, never `from conftest`,
whose module name other test folders share): the server handle, plain HTTP helpers, the browser flags,
the screenshots folder and the test accounts."""

from __future__ import annotations

import http.client
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("AIDESK_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
# The browser tests photograph the main pages. They refresh the README's pictures in
# docs/screenshots/ when AIDESK_UPDATE_SCREENSHOTS=1 (`make screenshots`); otherwise they write to a
# scratch folder, so that running the tests leaves the work tree as it was.
SCREENSHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("AIDESK_UPDATE_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "aidesk-screenshots"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        import json

        return json.loads(self.body)


@dataclass
class Server:
    base: str
    host: str
    port: int

    def request(
        self,
        method: str,
        path: str,
        body: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """One request, redirects not followed."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            data = body.encode("utf-8") if isinstance(body, str) else body
            conn.request(method, path, body=data, headers=headers or {})
            resp = conn.getresponse()
            raw = resp.read()
            return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, raw)
        finally:
            conn.close()

    def get(self, path: str, **headers: str) -> Reply:
        return self.request("GET", path, headers={k.replace("_", "-"): v for k, v in headers.items()})


# The members of the test organisation, created before the server starts.
ADMIN_EMAIL = "admin@acme.example"
EDITOR_EMAIL = "editor@acme.example"
PASSWORD = "correct horse battery staple"
ORG = "acme"


def login(server: Server, email: str = ADMIN_EMAIL, password: str = PASSWORD) -> dict[str, str]:
    """Sign in through the API: the headers of a signed-in browser (session cookie) and its CSRF token."""
    import json

    reply = server.request(
        "POST",
        "/api/v1/auth/login",
        json.dumps({"email": email, "password": password}),
        {"Content-Type": "application/json"},
    )
    assert reply.status == 200, reply.text
    cookie = reply.headers["set-cookie"].split(";", 1)[0]
    return {"Cookie": cookie, "X-CSRF-Token": reply.json()["csrf_token"]}
