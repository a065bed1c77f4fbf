"""Settings of the HTTP API, read from the environment (like `aidesk.settings`).

| variable | default | what |
|---|---|---|
| `AIDESK_PUBLIC_ENDPOINTS` | `true` | the stateless endpoints (assess, diff, regimes, law, search, ask, directory) answer without a token; `false`: they need an API token or a session, like the inventory |
| `AIDESK_COOKIE_SECURE` | `auto` | the session cookie's `Secure` flag: `auto` sets it when the request came over HTTPS, as uvicorn sees it (directly, or from a proxy it trusts: `X-Forwarded-Proto` from `--forwarded-allow-ips`); `true` always; `false` never |
| `AIDESK_SECRET_KEY` | a random key kept in `<data dir>/secret_key` | signs session cookies and CSRF tokens; set it (same value) on every machine of a multi-machine deployment |
| `AIDESK_SESSION_HOURS` | `12` | lifetime of a session cookie |
| `AIDESK_LOGIN_MAX_FAILURES` | `5` | failed logins allowed per client address and e-mail in the window, before 429 |
| `AIDESK_LOGIN_MAX_FAILURES_PER_IP` | `50` | failed logins allowed per client address (any e-mail) in the window |
| `AIDESK_LOGIN_WINDOW_MINUTES` | `15` | the rate-limit window |
| `AIDESK_MAX_BODY_BYTES` | `1048576` | largest JSON/YAML body of an ordinary request |
| `AIDESK_MAX_IMPORT_BYTES` | `20971520` | largest body of `POST /api/v1/import` |
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

SECRET_FILE = "secret_key"
CookieSecure = Literal["auto", "true", "false"]

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class ConfigError(ValueError):
    """A setting with a value aidesk cannot use; the message names the variable and the fix."""


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r}: use true or false")


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: use a whole number") from None
    if value < minimum:
        raise ConfigError(f"{name}={raw!r}: use a number of at least {minimum}")
    return value


@dataclass(frozen=True, slots=True)
class ApiSettings:
    public_endpoints: bool = True
    cookie_secure: CookieSecure = "auto"
    secret_key: str | None = None  # None: the key file in the data dir
    session_hours: int = 12
    login_max_failures: int = 5
    login_max_failures_per_ip: int = 50
    login_window_minutes: int = 15
    max_body_bytes: int = 1024 * 1024
    max_import_bytes: int = 20 * 1024 * 1024


def api_settings(environ: Mapping[str, str] | None = None) -> ApiSettings:
    env = os.environ if environ is None else environ
    secure = env.get("AIDESK_COOKIE_SECURE", "").strip().lower() or "auto"
    if secure in _TRUE:
        secure = "true"
    elif secure in _FALSE:
        secure = "false"
    if secure not in ("auto", "true", "false"):
        raise ConfigError(f"AIDESK_COOKIE_SECURE={secure!r}: use auto, true or false")
    key = env.get("AIDESK_SECRET_KEY", "").strip() or None
    if key is not None and len(key) < 32:
        raise ConfigError("AIDESK_SECRET_KEY is too short: use at least 32 random characters")
    return ApiSettings(
        public_endpoints=_bool(env, "AIDESK_PUBLIC_ENDPOINTS", True),
        cookie_secure=secure,  # type: ignore[arg-type]
        secret_key=key,
        session_hours=_int(env, "AIDESK_SESSION_HOURS", 12),
        login_max_failures=_int(env, "AIDESK_LOGIN_MAX_FAILURES", 5),
        login_max_failures_per_ip=_int(env, "AIDESK_LOGIN_MAX_FAILURES_PER_IP", 50),
        login_window_minutes=_int(env, "AIDESK_LOGIN_WINDOW_MINUTES", 15),
        max_body_bytes=_int(env, "AIDESK_MAX_BODY_BYTES", 1024 * 1024, minimum=1024),
        max_import_bytes=_int(env, "AIDESK_MAX_IMPORT_BYTES", 20 * 1024 * 1024, minimum=1024),
    )


def load_secret_key(data_dir: Path, configured: str | None) -> bytes:
    """The signing key: `AIDESK_SECRET_KEY`, else a random key created once in the data dir (mode 0600).

    Workers on one machine share the file (the first to start creates it, atomically); machines that
    share a database must share the key through `AIDESK_SECRET_KEY`.
    """
    if configured:
        return configured.encode("utf-8")
    path = data_dir / SECRET_FILE
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker won the race
        return _read_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key.encode("ascii")


def _read_key(path: Path) -> bytes:
    for _ in range(50):  # a worker may be writing it right now
        text = path.read_text(encoding="ascii").strip()
        if text:
            return text.encode("ascii")
        import time

        time.sleep(0.02)
    raise ConfigError(f"{path} is empty: delete it (a new key is made) or set AIDESK_SECRET_KEY")
