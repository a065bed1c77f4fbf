"""The application: `/healthz` and `/api/v1/systems` (the register), errors as RFC 9457 problem+json.

Authentication: `Authorization: Bearer <API token>` (see `aidesk tokens create`). Every query is scoped
to the token's organisation: another organisation's objects answer 404, exactly like missing ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text
from sqlalchemy.orm import Session

from aidesk import __version__
from aidesk.inventory import exchange, systems
from aidesk.inventory.actor import Actor
from aidesk.inventory.db import Database, open_database
from aidesk.inventory.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    InventoryError,
    NotFound,
    Unauthenticated,
)
from aidesk.inventory.models import AISystem

PROBLEM = "application/problem+json"
_STATUS: dict[type[InventoryError], tuple[int, str]] = {
    NotFound: (404, "Not Found"),
    Forbidden: (403, "Forbidden"),
    Unauthenticated: (401, "Unauthorized"),
    Conflict: (409, "Conflict"),
    InvalidInput: (422, "Unprocessable Content"),
}


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra},
        status_code=status,
        media_type=PROBLEM,
        headers=headers,
    )


class SystemIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: dict[str, Any] = Field(description="An AI system profile, schema aidesk/profile/v1 (SPEC §1).")
    owner: str | None = None
    tags: list[str] = []
    status: str = "in_service"


class SystemPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    profile: dict[str, Any] | None = None
    owner: str | None = None
    tags: list[str] | None = None
    status: str | None = None
    version: int | None = Field(default=None, description="The version you read; 409 if it changed since.")


class SystemOut(BaseModel):
    id: int
    name: str
    kind: str
    owner: str | None
    status: str
    tags: list[str]
    roles: list[str]
    risk_class: str | None
    regime: str | None
    assessed_at: str | None
    version: int
    profile: dict[str, Any]


class SystemPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[SystemOut]


def _out(system: AISystem) -> SystemOut:
    return SystemOut.model_validate(exchange.system_json(system))


def _database(app: FastAPI) -> Database:
    if app.state.db is None:
        app.state.db = open_database()
    result: Database = app.state.db
    return result


def _caller(request: Request, authorization: Annotated[str | None, Header()] = None) -> Actor:
    """The actor an `Authorization: Bearer` API token stands for."""
    from aidesk.inventory.tokens import authenticate_token

    scheme, _, credentials = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthenticated("send an API token: Authorization: Bearer aidk_…")
    source = request.client.host if request.client else "api"
    with _database(request.app).transaction() as s:
        return authenticate_token(s, credentials, source=source)


Caller = Annotated[Actor, Depends(_caller)]


def create_app(database: Database | None = None) -> FastAPI:
    app = FastAPI(
        title="aidesk",
        version=__version__,
        description="The one-stop desk for the EU AI Act: the inventory of an organisation's AI systems.",
    )
    app.state.db = database

    @contextmanager
    def transaction(write: bool = True) -> Iterator[Session]:
        with _database(app).transaction(write=write) as session:
            yield session

    @app.exception_handler(InventoryError)
    async def _inventory_error(_request: Request, exc: InventoryError) -> JSONResponse:
        status, title = next((v for k, v in _STATUS.items() if isinstance(exc, k)), (400, "Bad Request"))
        if isinstance(exc, InvalidInput):
            errors = [{"item": p.item, "field": p.field, "message": p.message} for p in exc.problems]
            return problem(status, title, exc.one_line(), errors=errors)
        return problem(status, title, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in exc.errors()
        ]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3])
        return problem(422, "Unprocessable Content", detail, errors=errors)

    @app.get("/healthz", tags=["service"])
    def healthz() -> dict[str, str]:
        """Liveness and database check."""
        with transaction(write=False) as s:
            s.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__}

    @app.get("/api/v1/systems", response_model=SystemPage, tags=["systems"])
    def list_systems(
        caller: Caller,
        risk_class: str | None = None,
        role: str | None = None,
        tag: str | None = None,
        status: str | None = None,
        search: str | None = None,
        limit: Annotated[int, Query(ge=1, le=systems.MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> SystemPage:
        """The organisation's systems, filtered and paginated (ordered by name)."""
        flt = systems.SystemFilter(risk_class=risk_class, role=role, tag=tag, status=status, search=search)
        with transaction(write=False) as s:
            page = systems.list_systems(s, caller, flt, limit=limit, offset=offset)
            return SystemPage(
                total=page.total, limit=page.limit, offset=page.offset, items=[_out(x) for x in page.items]
            )

    @app.post("/api/v1/systems", status_code=201, response_model=SystemOut, tags=["systems"])
    def create_system(caller: Caller, body: SystemIn) -> SystemOut:
        """Add a system to the register."""
        with transaction() as s:
            created = systems.create_system(
                s, caller, body.profile, owner=body.owner, tags=body.tags, status=body.status
            )
            return _out(created)

    @app.get("/api/v1/systems/{system_id}", response_model=SystemOut, tags=["systems"])
    def get_system(caller: Caller, system_id: int) -> SystemOut:
        with transaction(write=False) as s:
            return _out(systems.get_system(s, caller, system_id))

    @app.patch("/api/v1/systems/{system_id}", response_model=SystemOut, tags=["systems"])
    def update_system(caller: Caller, system_id: int, body: SystemPatch) -> SystemOut:
        """Change what the body gives; with `version`, 409 if someone changed the system since."""
        given = body.model_fields_set
        with transaction() as s:
            updated = systems.update_system(
                s,
                caller,
                system_id,
                profile=body.profile if "profile" in given else systems.UNSET,
                owner=body.owner if "owner" in given else systems.UNSET,
                tags=body.tags if "tags" in given else None,
                status=body.status if "status" in given and body.status is not None else systems.UNSET,
                expected_version=body.version,
            )
            return _out(updated)

    @app.delete("/api/v1/systems/{system_id}", status_code=204, tags=["systems"])
    def delete_system(caller: Caller, system_id: int) -> Response:
        with transaction() as s:
            systems.delete_system(s, caller, system_id)
        return Response(status_code=204)

    return app
