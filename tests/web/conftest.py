"""Fixtures of the web desk tests: a real `aidesk serve` on a free loopback port (one per session), with
the members of a test organisation, and Debian's chromium driven by Playwright (never
`playwright install`). The helpers are in `web_support`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web_support import (
    ADMIN_EMAIL,
    CHROMIUM,
    CHROMIUM_ARGS,
    EDITOR_EMAIL,
    ORG,
    PASSWORD,
    Server,
    _free_port,
)


def _create_members(env: dict[str, str]) -> None:
    for email, role in ((ADMIN_EMAIL, "admin"), (EDITOR_EMAIL, "editor")):
        subprocess.run(
            [sys.executable, "-m", "aidesk", "users", "create", email, "--org", ORG, "--org-name", "Acme SAS",
             "--role", role, "--password-stdin"],
            input=PASSWORD + "\n", env=env, check=True, capture_output=True, text=True, timeout=60,
        )  # fmt: skip


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = _free_port()
    data_dir = tmp_path_factory.mktemp("aidesk-data")
    env = {**os.environ, "AIDESK_DATA_DIR": str(data_dir)}
    env.pop("AIDESK_DATABASE_URL", None)
    _create_members(env)
    log = (data_dir / "serve.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aidesk",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    srv = Server(f"http://127.0.0.1:{port}", "127.0.0.1", port)
    deadline = time.monotonic() + 60
    while True:
        if proc.poll() is not None:
            log.close()
            raise RuntimeError(f"aidesk serve exited early:\n{(data_dir / 'serve.log').read_text()}")
        try:
            if srv.get("/healthz").status == 200:
                break
        except OSError:
            pass
        if time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError("aidesk serve did not answer /healthz within 60 s")
        time.sleep(0.2)
    try:
        yield srv
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: CI installs Debian's chromium (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture()
def context(browser: Any, server: Server) -> Iterator[Any]:
    ctx = browser.new_context(base_url=server.base, viewport={"width": 1200, "height": 820}, locale="en-GB")
    ctx.set_default_timeout(15_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture()
def page(context: Any) -> Any:
    return context.new_page()
