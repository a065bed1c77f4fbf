"""The documents the AI Act asks for (`aidesk.documents`): which apply to a system, and each one rendered
(Markdown, HTML, PDF, DOCX or JSON, in English or French).

- Stateless (public, like `POST /assess`): `POST /documents` lists them for a profile in the body;
  `POST /documents/{document}?format=pdf` renders one.
- From the register (signed in): `GET /systems/{system_id}/documents` and
  `GET /systems/{system_id}/documents/{document}?format=pdf`, from the system's latest assessment
  record (its profile, regime and date; the current profile when it has none), with what the register
  knows (reference, owner, lifecycle status) filled in.

A document that does not exist or does not apply to the system (an FRIA for a private provider) is a
422 problem saying why.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from aidesk.api.problems import ApiError, FieldProblem, problem_responses
from aidesk.api.public import PROFILE_BODY, AsOfQuery, Lang, RegimeQuery, _as_of, _profile, _regime
from aidesk.api.security import CurrentActor, PublicAccess
from aidesk.api.state import state_of
from aidesk.documents import FORMATS, KIND_IDS, MEDIA_TYPES, DocumentError, DocumentMeta
from aidesk.rules.regimes import DEFAULT_REGIME

public_router = APIRouter(dependencies=[PublicAccess], responses=problem_responses(401, 403))
router = APIRouter(responses=problem_responses(401, 403))

DocumentFormat = Literal["md", "html", "pdf", "docx", "json"]
FormatQuery = Annotated[DocumentFormat, Query(alias="format", description="md, html, pdf, docx or json.")]
DocumentPath = Annotated[
    str,
    Path(
        max_length=64,
        description="The document: " + ", ".join(KIND_IDS) + ".",
        examples=["annex-iv"],
    ),
]


class DocumentOut(BaseModel):
    document: str = Field(description="Its id, e.g. annex-iv, fria, annex-viii-a.")
    title: str
    applies: bool = Field(description="Whether the AI Act asks it of this system in its roles.")
    reason: str = Field(description="Why it applies or not (in the requested language).")
    citations: list[str]
    formats: list[str]
    href: str | None = Field(
        default=None, description="For a system of the register: where to download it (add ?format=…)."
    )


class DocumentListOut(BaseModel):
    profile: str
    regime: str
    regime_version: str
    as_of: date
    risk_class: str
    lang: str
    documents: list[DocumentOut]


def _rendered_responses() -> dict[int | str, dict[str, Any]]:
    content = {
        MEDIA_TYPES[f].split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for f in FORMATS
    }
    return {
        200: {"description": "The document, as a file (Content-Disposition names it).", "content": content}
    }


def _listing(
    profile: Any, regime: str, as_of: date | None, lang: str, href: str | None = None
) -> dict[str, Any]:
    from aidesk.documents import list_documents
    from aidesk.rules import assess

    assessment = assess(profile, regime, as_of, lang)
    try:
        infos = list_documents(profile, assessment, lang=lang)
    except DocumentError as exc:
        raise ApiError(422, str(exc)) from None
    return {
        "profile": profile.name,
        "regime": assessment.regime,
        "regime_version": assessment.regime_version,
        "as_of": assessment.as_of,
        "risk_class": assessment.risk_class,
        "lang": lang,
        "documents": [
            {**d.to_json_dict(), "href": f"{href}/{d.kind}" if href and d.applies else None} for d in infos
        ],
    }


def _render(
    profile: Any,
    document: str,
    fmt: str,
    *,
    regime: str,
    as_of: date | None,
    lang: str,
    meta: DocumentMeta | None = None,
) -> Response:
    from aidesk.documents import NotApplicableError, render_document

    try:
        out = render_document(profile, document, fmt, lang=lang, regime=regime, as_of=as_of, meta=meta)
    except NotApplicableError as exc:
        raise ApiError(
            422, str(exc), errors=[FieldProblem(field="path.document", message=str(exc))]
        ) from None
    except DocumentError as exc:
        raise ApiError(
            422, str(exc), errors=[FieldProblem(field="path.document", message=str(exc))]
        ) from None
    return Response(
        out.content,
        media_type=out.media_type,
        headers={"Content-Disposition": f'attachment; filename="{out.filename}"'},
    )


# --- stateless ---------------------------------------------------------------------------------------------


@public_router.post(
    "/documents",
    tags=["documents"],
    summary="The documents the AI Act asks of a profile",
    response_model=DocumentListOut,
    responses=problem_responses(413, 415, 422),
    openapi_extra=PROFILE_BODY,
)
async def list_profile_documents(
    request: Request,
    regime: RegimeQuery = DEFAULT_REGIME,
    as_of: AsOfQuery = None,
    lang: Lang = "en",
) -> dict[str, Any]:
    """Every document aidesk can draft — Annex IV technical documentation, the FRIA, the EU declaration
    of conformity, the EU database registration data, the Art. 50 notices, the GPAI documentation, the
    assessment report — each saying whether it applies to this system and why (from its assessment)."""
    profile = await _profile(request)
    return _listing(profile, _regime(regime), _as_of(as_of), lang)


@public_router.post(
    "/documents/{document}",
    tags=["documents"],
    summary="Draft one document for a profile",
    response_class=Response,
    responses={**_rendered_responses(), **problem_responses(413, 415, 422)},
    openapi_extra=PROFILE_BODY,
)
async def render_profile_document(
    request: Request,
    document: DocumentPath,
    fmt: FormatQuery = "md",
    regime: RegimeQuery = DEFAULT_REGIME,
    as_of: AsOfQuery = None,
    lang: Lang = "en",
) -> Response:
    """The document drafted from the profile and its assessment, in a format. 422 when it does not
    exist or does not apply to this system (the problem says why)."""
    profile = await _profile(request)
    return _render(profile, document, fmt, regime=_regime(regime), as_of=_as_of(as_of), lang=lang)


# --- from the register -------------------------------------------------------------------------------------


def _system_source(
    request: Request, actor: Any, system_id: int
) -> tuple[Any, str, date | None, DocumentMeta]:
    from aidesk.inventory import assessments, systems
    from aidesk.rules.profile import ProfileError, profile_from_data

    with state_of(request).db.transaction(write=False) as s:
        system = systems.get_system(s, actor, system_id)
        record = assessments.latest_record(s, actor, system_id)
        data = dict(record.profile if record is not None else system.profile)
        regime = record.regime if record is not None else DEFAULT_REGIME
        as_of = record.as_of if record is not None else None
        meta = DocumentMeta(reference=f"aidesk-{system.id}", owner=system.owner, status=system.status)
    try:
        profile = profile_from_data(data)
    except ProfileError as exc:  # a profile stored under an older schema
        raise ApiError(422, f"the stored profile is no longer valid: {exc.one_line()}") from None
    return profile, regime, as_of, meta


SystemId = Annotated[int, Path(ge=1, le=2**31 - 1, description="An id (a positive 32-bit integer).")]


@router.get(
    "/systems/{system_id}/documents",
    tags=["documents"],
    summary="The documents the AI Act asks of a system of the register",
    response_model=DocumentListOut,
    responses=problem_responses(404, 422),
)
def list_system_documents(
    request: Request, actor: CurrentActor, system_id: SystemId, lang: Lang = "en"
) -> dict[str, Any]:
    """From the system's latest assessment record (or its current profile, if never assessed)."""
    profile, regime, as_of, _meta = _system_source(request, actor, system_id)
    return _listing(profile, regime, as_of, lang, href=f"/api/v1/systems/{system_id}/documents")


@router.get(
    "/systems/{system_id}/documents/{document}",
    tags=["documents"],
    summary="Draft one document for a system of the register",
    response_class=Response,
    responses={**_rendered_responses(), **problem_responses(404, 422)},
)
def render_system_document(
    request: Request,
    actor: CurrentActor,
    system_id: SystemId,
    document: DocumentPath,
    fmt: FormatQuery = "md",
    lang: Lang = "en",
) -> Response:
    """The document drafted from the latest assessment record, with the system's reference (`aidesk-ID`),
    owner and lifecycle status filled in."""
    profile, regime, as_of, meta = _system_source(request, actor, system_id)
    return _render(profile, document, fmt, regime=regime, as_of=as_of, lang=lang, meta=meta)
