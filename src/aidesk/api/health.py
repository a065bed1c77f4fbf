"""`GET /readyz`: readiness for load balancers and orchestrators (the liveness check is `/healthz`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from aidesk import __version__
from aidesk.api.models import StatusOut
from aidesk.api.problems import ApiError, problem_responses
from aidesk.api.state import state_of

router = APIRouter()


@router.get(
    "/readyz",
    tags=["health"],
    summary="Readiness: the database answers and its schema is up to date",
    response_model=StatusOut,
    responses=problem_responses(503),
)
def readyz(request: Request) -> StatusOut:
    db = state_of(request).db
    try:
        with db.transaction(write=False) as s:
            s.execute(text("SELECT 1"))
        schema = db.schema_state()
    except Exception as exc:
        raise ApiError(503, f"the database does not answer: {type(exc).__name__}") from None
    if not schema.up_to_date:
        raise ApiError(
            503, f"the database schema is at {schema.current}, not {schema.head}: run `aidesk db upgrade`"
        )
    return StatusOut(
        status="ok",
        version=__version__,
        database=db.dialect,
        schema_revision=schema.current,
        schema_up_to_date=schema.up_to_date,
    )
