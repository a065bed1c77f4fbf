"""The HTTP API under `/api/v1/` (issue 8): a thin adapter over the services (STYLE.md 7).

`aidesk.app.create_app()` (the application behind `aidesk serve`) calls `install(app)`, which adds
- the routers (`routers`, each with the prefix `/api/v1`): the stateless endpoints (`public`: assess,
  regime diff, regimes, law, search, ask, directory; `compute`: the training-compute planner), the
  documents the Act asks for (`documents`: for a profile, or for a system of the register), the
  register (`register`: systems, assessment records, diffs, re-assessment, deadlines, import and
  export) and accounts (`accounts`: login, logout, CSRF, API tokens, members, audit log, first-run
  setup);
- errors as RFC 9457 problem+json (`aidesk.api.problems`), body size limits;
- `GET /readyz` (the database answers and its schema is up to date);
- the API's state on `app.state` (settings, the database opened on first use, the signing key).

Authentication (`aidesk.api.security`): API tokens (`Authorization: Bearer`) or the web desk's session
cookie, with CSRF tokens for changes; the web pages use `current_actor()`, `csrf_token()` and
`verify_csrf_form()` from there. Settings: `aidesk.api.config`.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, FastAPI

API_PREFIX = "/api/v1"


def _routers() -> list[APIRouter]:
    from aidesk.api import accounts, compute, documents, public, register

    return [
        public.router,
        compute.router,
        documents.public_router,
        register.router,
        documents.router,
        register.import_router,
        accounts.router,
    ]


def __getattr__(name: str) -> Any:
    if name == "routers":
        return _routers()
    raise AttributeError(name)


def install(app: FastAPI, database: Any = None) -> None:
    """Add the HTTP API to `app` (before the web desk, whose error pages defer to the API's handlers
    under /api/). `database`: an `aidesk.inventory.db.Database` to use instead of the configured one."""
    from aidesk.api import accounts, compute, documents, health, public, register
    from aidesk.api.problems import GuardMiddleware, install_handlers
    from aidesk.api.state import attach

    state = attach(app, database)
    install_handlers(app)
    config = state.config

    def limit_for(path: str) -> int:
        return config.max_import_bytes if path == f"{API_PREFIX}/import" else config.max_body_bytes

    app.add_middleware(GuardMiddleware, limit_for=limit_for)
    app.include_router(public.router, prefix=API_PREFIX)
    app.include_router(compute.router, prefix=API_PREFIX)
    app.include_router(documents.public_router, prefix=API_PREFIX)
    app.include_router(register.router, prefix=API_PREFIX)
    app.include_router(documents.router, prefix=API_PREFIX)
    app.include_router(register.import_router, prefix=API_PREFIX)
    app.include_router(accounts.router, prefix=API_PREFIX)
    app.include_router(health.router)
    _document(app)


def _document(app: FastAPI) -> None:
    """Complete the OpenAPI document: the problem+json schema, the profile schema (request bodies that
    the API reads itself, to report errors with the profile's own key paths), the login body."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        from aidesk.api.models import LoginIn
        from aidesk.api.problems import FieldProblem, Problem, problem_responses
        from aidesk.rules.profile import Profile

        template = "#/components/schemas/{model}"
        for model in (Problem, FieldProblem, LoginIn):
            body = model.model_json_schema(ref_template=template)
            for name, sub in body.pop("$defs", {}).items():
                components.setdefault(name, sub)
            components[model.__name__] = body
        profile = Profile.model_json_schema(
            by_alias=True, ref_template="#/components/schemas/profile.{model}"
        )
        for name, sub in profile.pop("$defs", {}).items():
            components[f"profile.{name}"] = sub
        components["profile.Profile"] = profile
        # Bad input is a problem+json 422 on every operation that takes input (not FastAPI's default body).
        problem_422 = problem_responses(422)[422]
        for operations in schema.get("paths", {}).values():
            for op in operations.values():
                responses = op.setdefault("responses", {})
                if "422" in responses or op.get("parameters") or op.get("requestBody"):
                    responses["422"] = problem_422
        if "HTTPValidationError" not in json.dumps(schema.get("paths", {})):
            components.pop("HTTPValidationError", None)
            components.pop("ValidationError", None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
