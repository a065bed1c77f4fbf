"""`aidesk serve`: the web desk and the HTTP API on one port, until Ctrl-C.

The application is built by `aidesk.app:create_app` in each worker (uvicorn factory), from the
environment: `AIDESK_DATA_DIR`, `AIDESK_DATABASE_URL` (embedded SQLite by default).
"""

from __future__ import annotations

import errno
import socket

import typer

from aidesk.cli import app
from aidesk.cli.common import bad_input


def _check_port(host: str, port: int) -> None:
    """Fail early with one clear line when the address is taken or cannot be used."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                bad_input(f"--port {port}: the port is already in use on {host}; choose another with --port")
            bad_input(f"--host {host} --port {port}: cannot listen there ({exc.strerror or exc})")


@app.command()
def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (0.0.0.0 for every interface)."
    ),
    port: int = typer.Option(8000, "--port", "-p", min=1, max=65535, help="Port to listen on."),
    workers: int = typer.Option(
        1, "--workers", "-w", min=1, max=64, help="Worker processes (they share the database)."
    ),
    log_level: str = typer.Option(
        "info", "--log-level", help="uvicorn log level: critical, error, warning, info, debug."
    ),
) -> None:
    """Serve the web desk (http://HOST:PORT/) and the HTTP API (/api/v1/, docs at /docs) until Ctrl-C."""
    import uvicorn

    if log_level not in ("critical", "error", "warning", "info", "debug", "trace"):
        bad_input(f"--log-level {log_level!r}: use one of critical, error, warning, info, debug")
    _check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    from aidesk.api.first_run import first_run_message

    first_run = first_run_message(base_url=f"http://{shown}:{port}")
    if first_run:
        typer.echo(first_run, err=True)
    typer.echo(f"aidesk: the desk is at http://{shown}:{port}/ (API docs at /docs) — press Ctrl-C to stop")
    uvicorn.run(
        "aidesk.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=True,
        server_header=False,
    )
