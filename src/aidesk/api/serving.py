"""Running the application with uvicorn: what `aidesk serve` calls.

    from aidesk.api.serving import serve
    serve(host="0.0.0.0", port=8000, workers=4)

Each worker is a process that builds its own application from the environment (uvicorn's factory
mode: `aidesk.app:create_app`), so N workers — and N machines — share one database and nothing else
(sessions are signed cookies, the login rate limit is in the database). See docs/deploy.md.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

APP_FACTORY = "aidesk.app:create_app"


def uvicorn_options(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    *,
    forwarded_allow_ips: str | None = None,
    access_log: bool = True,
    log_level: str = "info",
) -> dict[str, object]:
    """The keyword arguments of `uvicorn.run` for aidesk."""
    if workers < 1:
        raise ValueError("--workers: use 1 or more")
    return {
        "factory": True,
        "host": host,
        "port": port,
        "workers": workers if workers > 1 else None,
        # X-Forwarded-Proto / -For are believed only from these addresses (a reverse proxy on this
        # machine by default): then a request that reached the proxy over HTTPS gets Secure cookies.
        "proxy_headers": True,
        "forwarded_allow_ips": forwarded_allow_ips or os.environ.get("FORWARDED_ALLOW_IPS") or "127.0.0.1",
        "access_log": access_log,
        "log_level": log_level,
        "server_header": False,
    }


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    *,
    forwarded_allow_ips: str | None = None,
    access_log: bool = True,
    log_level: str = "info",
    echo: Callable[[str], None] | None = None,
) -> None:
    """Print the first-run instructions if the database has no user yet, then run uvicorn (blocks)."""
    import uvicorn

    from aidesk.api.first_run import first_run_message

    options = uvicorn_options(
        host,
        port,
        workers,
        forwarded_allow_ips=forwarded_allow_ips,
        access_log=access_log,
        log_level=log_level,
    )
    shown = "localhost" if host in ("0.0.0.0", "::") else host
    message = first_run_message(base_url=f"http://{shown}:{port}")
    if message:
        (echo or (lambda text: print(text, file=sys.stderr, flush=True)))(message)
    uvicorn.run(APP_FACTORY, **options)  # type: ignore[arg-type]


if __name__ == "__main__":  # python -m aidesk.api.serving [PORT [WORKERS]]
    args = sys.argv[1:]
    serve(port=int(args[0]) if args else 8000, workers=int(args[1]) if len(args) > 1 else 1)
