"""The organisation's register of AI systems: systems, assessment records and their diffs, import and
export, re-assessment, deadlines (JSON and iCalendar). Thin over `aidesk.inventory`: every service call
takes the caller, whose organisation scopes every query (another organisation's object is a 404)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from aidesk.api.body import format_of as body_format
from aidesk.api.body import parse_document, read_text
from aidesk.api.models import (
    DeadlineOut,
    DiffOut,
    ImportReportOut,
    ObjectId,
    ReassessOut,
    RecordOut,
    RecordSummary,
    SystemIn,
    SystemOut,
    SystemPage,
    SystemPatch,
)
from aidesk.api.problems import ApiError, problem_responses
from aidesk.api.public import AsOfQuery, IsoDate, _as_of, _regime
from aidesk.api.security import CurrentActor
from aidesk.api.state import state_of
from aidesk.inventory import assessments, calendar, exchange, reassess, systems
from aidesk.inventory.models import AISystem, AssessmentRecord
from aidesk.rules.model import RiskClass
from aidesk.rules.regimes import REGIME_IDS

router = APIRouter(responses=problem_responses(401, 403))
import_router = APIRouter(responses=problem_responses(401, 403))

OptionalRegime = Annotated[
    str | None,
    Query(
        description="The legal regime (default: ai-act-2026).", json_schema_extra={"enum": list(REGIME_IDS)}
    ),
]
RiskClassQuery = Annotated[RiskClass | None, Query(description="Risk class of the latest assessment.")]


@contextmanager
def _transaction(request: Request, *, write: bool = True) -> Iterator[Session]:
    with state_of(request).db.transaction(write=write) as session:
        yield session


def system_out(system: AISystem) -> SystemOut:
    return SystemOut.model_validate(exchange.system_json(system))


def _summary(record: AssessmentRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "system_id": record.system_id,
        "regime": record.regime,
        "regime_version": record.regime_version,
        "as_of": record.as_of,
        "risk_class": record.risk_class,
        "actor": record.actor,
        "created_at": record.created_at,
    }


def _filter(
    risk_class: str | None,
    role: str | None,
    tag: str | None,
    status: str | None,
    kind: str | None,
    search: str | None,
) -> systems.SystemFilter:
    return systems.SystemFilter(
        risk_class=risk_class, role=role, tag=tag, status=status, kind=kind, search=search
    )


# --- systems ------------------------------------------------------------------------------------------


@router.get(
    "/systems",
    tags=["systems"],
    summary="List the register",
    response_model=SystemPage,
    responses=problem_responses(422),
)
def list_systems(
    request: Request,
    actor: CurrentActor,
    risk_class: RiskClassQuery = None,
    role: Annotated[
        str | None, Query(max_length=32, description="A role the organisation holds, e.g. deployer.")
    ] = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[
        Literal["planned", "in_development", "in_service", "retired"] | None,
        Query(description="Lifecycle status."),
    ] = None,
    kind: Annotated[Literal["ai_system", "gpai_model", "gpai_system"] | None, Query()] = None,
    search: Annotated[
        str | None, Query(max_length=200, description="Words in the name, owner or description.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=systems.MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> SystemPage:
    """The organisation's systems, filtered and paginated (ordered by name)."""
    flt = _filter(risk_class, role, tag, status, kind, search)
    with _transaction(request, write=False) as s:
        page = systems.list_systems(s, actor, flt, limit=limit, offset=offset)
        return SystemPage(
            total=page.total, limit=page.limit, offset=page.offset, items=[system_out(x) for x in page.items]
        )


@router.post(
    "/systems",
    tags=["systems"],
    summary="Add a system",
    status_code=201,
    response_model=SystemOut,
    responses=problem_responses(409, 413, 422),
)
def create_system(request: Request, actor: CurrentActor, body: SystemIn) -> SystemOut:
    """Add a system to the register (not assessed yet: POST /systems/{system_id}/assessments)."""
    with _transaction(request) as s:
        created = systems.create_system(
            s, actor, body.profile, owner=body.owner, tags=body.tags, status=body.status.value
        )
        return system_out(created)


@router.get(
    "/systems/{system_id}",
    tags=["systems"],
    summary="One system",
    response_model=SystemOut,
    responses=problem_responses(404, 422),
)
def get_system(request: Request, actor: CurrentActor, system_id: ObjectId) -> SystemOut:
    with _transaction(request, write=False) as s:
        return system_out(systems.get_system(s, actor, system_id))


@router.patch(
    "/systems/{system_id}",
    tags=["systems"],
    summary="Change a system",
    response_model=SystemOut,
    responses=problem_responses(404, 409, 413, 422),
)
def update_system(request: Request, actor: CurrentActor, system_id: ObjectId, body: SystemPatch) -> SystemOut:
    """Change what the body gives; with `version`, 409 if someone changed the system since you read it."""
    given = body.model_fields_set
    with _transaction(request) as s:
        updated = systems.update_system(
            s,
            actor,
            system_id,
            profile=body.profile if "profile" in given and body.profile is not None else systems.UNSET,
            owner=body.owner if "owner" in given else systems.UNSET,
            tags=body.tags if "tags" in given else None,
            status=body.status.value if "status" in given and body.status is not None else systems.UNSET,
            expected_version=body.version,
        )
        return system_out(updated)


@router.delete(
    "/systems/{system_id}",
    tags=["systems"],
    summary="Delete a system",
    status_code=204,
    response_class=Response,
    responses=problem_responses(404, 409, 422),
)
def delete_system(
    request: Request,
    actor: CurrentActor,
    system_id: ObjectId,
    version: Annotated[
        int | None, Query(description="The version you read; 409 if it changed since.")
    ] = None,
) -> Response:
    """Delete a system and its assessment records (the audit log keeps that it existed)."""
    with _transaction(request) as s:
        systems.delete_system(s, actor, system_id, expected_version=version)
    return Response(status_code=204)


# --- assessment records -------------------------------------------------------------------------------


@router.post(
    "/systems/{system_id}/assessments",
    tags=["assessments"],
    summary="Assess a system and keep the record",
    status_code=201,
    response_model=RecordOut,
    responses=problem_responses(404, 422),
)
def assess_system(
    request: Request,
    actor: CurrentActor,
    system_id: ObjectId,
    regime: OptionalRegime = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Run the rules on the system's current profile; the record keeps the profile, the regime and its
    version, the date, the whole assessment, who asked and when."""
    with _transaction(request) as s:
        record = assessments.assess_system(
            s, actor, system_id, regime=_regime(regime) if regime else None, as_of=_as_of(as_of)
        )
        return {**_summary(record), "profile": record.profile, "result": record.result}


@router.get(
    "/systems/{system_id}/assessments",
    tags=["assessments"],
    summary="A system's assessment history",
    response_model=list[RecordSummary],
    responses=problem_responses(404, 422),
)
def history(request: Request, actor: CurrentActor, system_id: ObjectId) -> list[dict[str, Any]]:
    """Every record of the system, newest first."""
    with _transaction(request, write=False) as s:
        return [_summary(r) for r in assessments.history(s, actor, system_id)]


@router.get(
    "/assessments/{record_id}",
    tags=["assessments"],
    summary="One assessment record",
    response_model=RecordOut,
    responses=problem_responses(404, 422),
)
def get_record(request: Request, actor: CurrentActor, record_id: ObjectId) -> dict[str, Any]:
    with _transaction(request, write=False) as s:
        record = assessments.get_record(s, actor, record_id)
        return {**_summary(record), "profile": record.profile, "result": record.result}


@router.get(
    "/assessments/{record_id}/diff/{other_record_id}",
    tags=["assessments"],
    summary="Compare two records of a system",
    response_model=DiffOut,
    responses=problem_responses(404, 422),
)
def diff_records(
    request: Request, actor: CurrentActor, record_id: ObjectId, other_record_id: ObjectId
) -> dict[str, Any]:
    """What changed from record `record_id` to record `other_record_id`: class, obligations, dates."""
    with _transaction(request, write=False) as s:
        return assessments.diff_records(s, actor, record_id, other_record_id).to_json()


@router.post(
    "/reassess",
    tags=["assessments"],
    summary="Re-assess the whole register",
    response_model=ReassessOut,
    responses=problem_responses(422),
)
def reassess_all(
    request: Request, actor: CurrentActor, regime: OptionalRegime = None, as_of: AsOfQuery = None
) -> dict[str, Any]:
    """Assess every system again (e.g. under a new regime), keep the records, and say what changed for
    each since its previous record."""
    with _transaction(request) as s:
        report = reassess.reassess_all(
            s, actor, regime=_regime(regime) if regime else None, as_of=_as_of(as_of)
        )
        return report.to_json()


# --- deadlines ----------------------------------------------------------------------------------------


@router.get(
    "/deadlines",
    tags=["deadlines"],
    summary="The register's deadlines",
    response_model=list[DeadlineOut],
    responses=problem_responses(422),
)
def deadlines(
    request: Request,
    actor: CurrentActor,
    since: Annotated[IsoDate | None, Query(description="Only deadlines on or after this date.")] = None,
) -> list[dict[str, Any]]:
    """Every deadline of every system's latest assessment, by date."""
    with _transaction(request, write=False) as s:
        return [
            {
                "date": d.date,
                "what": d.what,
                "citations": list(d.citations),
                "system_id": d.system_id,
                "system": d.system_name,
                "record_id": d.record_id,
                "regime_version": d.regime_version,
            }
            for d in calendar.inventory_deadlines(s, actor, since=since)
        ]


@router.get(
    "/deadlines.ics",
    tags=["deadlines"],
    summary="The register's deadlines as an iCalendar feed",
    response_class=Response,
    responses={
        200: {
            "description": "An iCalendar feed (RFC 5545)",
            "content": {"text/calendar": {"schema": {"type": "string"}}},
        },
        **problem_responses(422),
    },
)
def deadlines_ics(
    request: Request,
    actor: CurrentActor,
    since: Annotated[IsoDate | None, Query(description="Only deadlines on or after this date.")] = None,
) -> Response:
    """Subscribe a calendar to it (with an API token): one all-day event per system and deadline, with
    stable UIDs."""
    with _transaction(request, write=False) as s:
        body = calendar.deadlines_ics(s, actor, since=since)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'inline; filename="deadlines.ics"'},
    )


# --- import and export --------------------------------------------------------------------------------


@router.get(
    "/export",
    tags=["import and export"],
    summary="Export the register",
    response_class=Response,
    responses={
        200: {
            "description": "JSON (an array of systems, importable again) or CSV (spreadsheet-safe)",
            "content": {
                "application/json": {
                    "schema": {"type": "array", "items": {"$ref": "#/components/schemas/SystemOut"}}
                },
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **problem_responses(422),
    },
)
def export(
    request: Request,
    actor: CurrentActor,
    format: Annotated[Literal["json", "csv"], Query(description="json or csv")] = "json",
    risk_class: RiskClassQuery = None,
    tag: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    """Every system (filtered). CSV cells that a spreadsheet would run as a formula are escaped."""
    flt = _filter(risk_class, None, tag, None, None, None)
    with _transaction(request, write=False) as s:
        if format == "csv":
            text = exchange.export_csv(s, actor, flt)
            return Response(
                text,
                media_type="text/csv; charset=utf-8",
                headers={"Content-Disposition": 'attachment; filename="aidesk-inventory.csv"'},
            )
        return Response(exchange.export_json(s, actor, flt), media_type="application/json")


@import_router.post(
    "/import",
    tags=["import and export"],
    summary="Import systems (all or nothing)",
    response_model=ImportReportOut,
    responses=problem_responses(409, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "description": "A JSON array or YAML list of profiles (or of exported systems), or CSV with a header row.",
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "application/yaml": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_systems(
    request: Request,
    actor: CurrentActor,
    update: Annotated[
        bool, Query(description="Replace systems whose name is already in the register.")
    ] = False,
    assess: Annotated[bool, Query(description="Assess each imported system and keep the records.")] = False,
    regime: OptionalRegime = None,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Every item is checked first; any problem (each named by item and key) is a 422 and nothing is
    written. Otherwise every system is written in one transaction."""
    from starlette.concurrency import run_in_threadpool

    fmt = body_format(request, allowed=("json", "yaml", "csv"))
    text = await read_text(request, state_of(request).config.max_import_bytes)
    if fmt != "csv":
        if (
            fmt is None
            and text.lstrip()[:1] not in ("[", "{")
            and "\n" in text
            and "," in text.splitlines()[0]
        ):
            raise ApiError(415, "send CSV with Content-Type: text/csv")
        parse_document(text, fmt)  # sizes, depth, YAML aliases, NaN: refused before anything else
    chosen_regime = _regime(regime) if regime else None
    chosen_as_of = _as_of(as_of)

    def run() -> dict[str, Any]:
        items = exchange.read_items(text, fmt, source="request body")
        with _transaction(request) as s:
            report = exchange.import_systems(
                s,
                actor,
                items,
                update_existing=update,
                assessor=assessments.rules_assessor if assess else None,
                regime=chosen_regime,
                as_of=chosen_as_of,
                source="api",
            )
        return {**report.to_json(), "system_ids": [*report.created, *report.updated]}

    return await run_in_threadpool(run)
