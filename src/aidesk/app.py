"""The ASGI application behind `aidesk serve`: the web desk at `/`, the HTTP API under `/api/v1/`,
`GET /healthz`, and OpenAPI at `/openapi.json` (docs at `/docs`).

`create_app()` is a factory (uvicorn `--factory`), so that every worker builds its own app from the
environment (`AIDESK_DATA_DIR`, `AIDESK_DATABASE_URL`; see `aidesk.settings`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from aidesk import __version__
from aidesk.settings import Settings, get_settings

API_PREFIX = "/api/v1"


def healthz() -> dict[str, Any]:
    return {"status": "ok", "version": __version__}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="aidesk",
        version=__version__,
        summary="The one-stop desk for the EU AI Act: rules-as-code, the law, a service desk and a directory.",
    )
    app.state.settings = settings
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["health"], summary="Liveness check")

    # The HTTP API (issue 8), under /api/v1/: its routers, problem+json errors, body limits, /readyz,
    # and its state (settings, database, signing key). Before the web desk, whose error pages defer to
    # the API's handlers under /api/.
    from aidesk.api import install as install_api

    install_api(app)

    # The web desk (issue 9): HTML pages with JSON twins, static files, error pages. Mounted last so
    # that the API's routes take precedence.
    from aidesk.web import install

    install(app)
    return app
