"""The ASGI application behind `aidesk serve`: the web desk at `/`, the HTTP API under `/api/v1/`,
`GET /healthz`, and OpenAPI at `/openapi.json` (docs at `/docs`: Swagger UI, served from the package's
static files — no CDN, so it works offline).

`create_app()` is a factory (uvicorn `--factory`), so that every worker builds its own app from the
environment (`AIDESK_DATA_DIR`, `AIDESK_DATABASE_URL`; see `aidesk.settings`).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse

from aidesk import __version__
from aidesk.settings import Settings, get_settings

API_PREFIX = "/api/v1"
SWAGGER_JS = "/static/swagger/swagger-ui-bundle.js"
SWAGGER_CSS = "/static/swagger/swagger-ui.css"


def healthz() -> dict[str, Any]:
    return {"status": "ok", "version": __version__}


def _docs_route(app: FastAPI) -> None:
    """`GET /docs`: Swagger UI from the vendored `swagger-ui-dist` (web/static/swagger, see SOURCES.md)."""
    from fastapi.openapi.docs import get_swagger_ui_html

    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — HTTP API",
            swagger_js_url=SWAGGER_JS,
            swagger_css_url=SWAGGER_CSS,
            swagger_favicon_url="data:,",
            # No badge from validator.swagger.io: nothing is fetched from outside.
            swagger_ui_parameters={"validatorUrl": None},
        )

    app.add_api_route("/docs", docs, methods=["GET"], include_in_schema=False)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="aidesk",
        version=__version__,
        summary="The one-stop desk for the EU AI Act: rules-as-code, the law, a service desk and a directory.",
        # The default /docs and /redoc pages load their scripts from a CDN (blank offline): /docs is
        # served below from the package's own copy of Swagger UI; there is no ReDoc.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["health"], summary="Liveness check")
    _docs_route(app)

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
