"""The stateless endpoints: assess a profile, compare regimes, the regimes, the law, the service desk
(search, ask) and the ecosystem directory. Public by default; `AIDESK_PUBLIC_ENDPOINTS=false` asks for
an API token or a session. Nothing here reads or writes the database."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator

from aidesk.api.body import read_document
from aidesk.api.models import (
    EXAMPLE_PROFILE,
    AskIn,
    AskOut,
    ChangeOut,
    DirectoryPage,
    InterviewIn,
    LawOut,
    ProfileDiffOut,
    RegimeOut,
    SearchOut,
    TriageIn,
    TriageOut,
)
from aidesk.api.problems import ApiError, FieldProblem, bad_input, problem_responses
from aidesk.api.security import PublicAccess
from aidesk.api.state import state_of
from aidesk.directory.schema import Entry
from aidesk.rules.model import Assessment
from aidesk.rules.questionnaire.api import InterviewStep, interview_step
from aidesk.rules.regimes import DEFAULT_REGIME, REGIME_IDS

router = APIRouter(dependencies=[PublicAccess], responses=problem_responses(401, 403))

PROFILE_REF = "#/components/schemas/profile.Profile"
_PROFILE_CONTENT = {
    "schema": {"$ref": PROFILE_REF},
    "example": EXAMPLE_PROFILE,
}
PROFILE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "An AI system profile, schema aidesk/profile/v1 (SPEC §1), as JSON or YAML 1.2. "
        "Unknown keys and values are refused (422, naming the key and the allowed values).",
        "content": {
            "application/json": _PROFILE_CONTENT,
            "application/yaml": {"schema": {"$ref": PROFILE_REF}},
        },
    }
}

RegimeQuery = Annotated[
    str,
    Query(
        description="The legal regime (see GET /api/v1/regimes).",
        json_schema_extra={"enum": list(REGIME_IDS)},
    ),
]


def _iso_date(value: object) -> object:
    """Dates in URLs are written YYYY-MM-DD (not Unix timestamps, which pydantic would accept)."""
    if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("use a date written YYYY-MM-DD, e.g. 2026-08-02")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
AsOfQuery = Annotated[
    IsoDate | None,
    Query(description="Which obligations are in force on this date (default: today in Europe/Brussels)."),
]
Lang = Literal["en", "fr"]


def _regime(value: str, field: str = "query.regime") -> str:
    if value not in REGIME_IDS:
        raise bad_input(field, f"unknown regime {value!r}; use one of: {', '.join(REGIME_IDS)}")
    return value


def _as_of(value: date | None) -> date | None:
    if value is not None and not (date(2000, 1, 1) <= value <= date(2100, 12, 31)):
        raise bad_input("query.as_of", "use a date between 2000-01-01 and 2100-12-31")
    return value


async def _profile(request: Request) -> Any:
    from aidesk.rules.profile import ProfileError, profile_from_data

    data = await read_document(request, state_of(request).config.max_body_bytes)
    try:
        return profile_from_data(data)
    except ProfileError as exc:
        errors = [FieldProblem(field=p.path, message=p.message) for p in exc.problems]
        raise ApiError(422, exc.one_line(), errors=errors) from None


@router.post(
    "/assess",
    tags=["assess"],
    summary="Assess a profile (stateless)",
    response_class=Response,
    responses={
        200: {"model": Assessment, "description": "The assessment, schema aidesk/assessment/v1 (SPEC §2)."},
        **problem_responses(413, 415, 422),
    },
    openapi_extra=PROFILE_BODY,
)
async def assess_profile(
    request: Request,
    regime: RegimeQuery = DEFAULT_REGIME,
    as_of: AsOfQuery = None,
    lang: Annotated[Lang, Query(description="Language of the obligation titles.")] = "en",
) -> Response:
    """Classify a profile under a regime: risk class, grounds, obligations by role with the date each
    applies from, deadlines, penalties, the questions whose answers could change the result, and the
    trace of the rules that fired — every conclusion cited. Nothing is stored (see
    `POST /systems/{system_id}/assessments` to keep a record)."""
    from aidesk.rules import assess

    profile = await _profile(request)
    assessment = assess(profile, _regime(regime), _as_of(as_of), lang)
    return Response(assessment.to_json(), media_type="application/json")


@router.post(
    "/assess/diff",
    tags=["assess"],
    summary="What changes for a profile from one regime to another",
    response_model=ProfileDiffOut,
    responses=problem_responses(413, 415, 422),
    openapi_extra=PROFILE_BODY,
)
async def diff_regimes(
    request: Request,
    from_regime: Annotated[
        str,
        Query(alias="from", description="The earlier regime.", json_schema_extra={"enum": list(REGIME_IDS)}),
    ] = "ai-act-2024",
    to_regime: Annotated[
        str, Query(alias="to", description="The later regime.", json_schema_extra={"enum": list(REGIME_IDS)})
    ] = DEFAULT_REGIME,
    as_of: AsOfQuery = None,
) -> dict[str, Any]:
    """Assess the profile under both regimes and compare: class, obligations (added, removed, dates
    moved) and deadlines — e.g. what the AI Omnibus changed for this system."""
    from aidesk.inventory.assessments import diff_results
    from aidesk.rules import assess

    profile = await _profile(request)
    old = assess(profile, _regime(from_regime, "query.from"), _as_of(as_of)).to_json_dict()
    new = assess(profile, _regime(to_regime, "query.to"), _as_of(as_of)).to_json_dict()
    diff = diff_results(
        old, new, system_id=0, system_name=profile.name, old_record_id=None, new_record_id=0
    ).to_json()
    for key in ("system_id", "system", "from_record", "to_record"):
        diff.pop(key)
    return {"profile": profile.name, "from_regime": from_regime, "to_regime": to_regime, **diff}


def _regime_json(regime: Any) -> dict[str, Any]:
    return {
        "id": regime.id,
        "version": regime.version,
        "default": regime.id == DEFAULT_REGIME,
        "title": regime.title.get("en", regime.id),
        "base": regime.base,
        "text_date": regime.text_date,
        "parameters": len(regime.history),
        "sources": [
            {"id": k, "title": v.get("title"), "url": v.get("url")} for k, v in regime.sources.items()
        ],
    }


@router.get("/regimes", tags=["assess"], summary="The legal regimes", response_model=list[RegimeOut])
def regimes() -> list[dict[str, Any]]:
    """The regimes the rules can apply, with the version recorded in each assessment and their sources."""
    from aidesk.rules.regimes import list_regimes

    return [_regime_json(r) for r in list_regimes()]


@router.get(
    "/law/{ref}",
    tags=["law"],
    summary="The text of a provision",
    response_model=LawOut,
    responses=problem_responses(404, 422),
)
def law(
    ref: Annotated[
        str,
        Path(
            max_length=200,
            description="A citation: `Art. 5(1)(f)`, `Recital 53`, `Annex III 4(a)` (URL-encoded).",
            examples=["Art. 50(2)"],
        ),
    ],
    lang: Lang = "en",
    version: Annotated[
        str | None,
        Query(
            description="Corpus version (default: the newest).", json_schema_extra={"enum": ["2024", "2026"]}
        ),
    ] = None,
) -> dict[str, Any]:
    """An article, paragraph, point, recital or annex (point), with its headings, the text that leads
    into it, and how the AI Omnibus changed it. French text of provisions amended in 2026 is not in the
    corpus: they are shown in English (`shown_in_english`)."""
    from aidesk.law.citations import AI_ACT, CitationError, parse
    from aidesk.law.corpus import available_versions, load_corpus, locate

    if version is not None and version not in available_versions():
        raise bad_input(
            "query.version",
            f"unknown corpus version {version!r}; use one of: {', '.join(available_versions())}",
        )
    try:
        citation = parse(ref)
    except CitationError as exc:
        raise bad_input("path.ref", str(exc)) from None
    if citation.act != AI_ACT:
        raise ApiError(404, f"{ref}: only Regulation (EU) 2024/1689 (the AI Act) is served here")
    corpus = load_corpus(version, lang)
    try:
        found = locate(corpus, citation)
    except CitationError as exc:
        raise ApiError(404, str(exc)) from None
    try:
        from aidesk.web.links import law_href

        href = law_href(found.citation, corpus.version)
    except ImportError:  # the web desk is not installed
        href = None
    return {
        "ref": str(found.citation),
        "version": corpus.version,
        "lang": corpus.lang,
        "kind": type(found.provision).__name__.lower(),
        "headings": list(found.headings),
        "lead_in": list(found.lead_in),
        "text": found.text,
        "shown_in_english": found.shown_in_english,
        "earlier_wording": found.earlier_wording,
        "amendments": [
            ChangeOut(
                ref=str(c.citation), kind=c.kind, amending_point=c.amending_point, part=c.part, note=c.note
            )
            for c in found.amendments
        ],
        "href": href,
    }


# --- the service desk ---------------------------------------------------------------------------------


@router.get(
    "/search",
    tags=["desk"],
    summary="Search the law",
    response_model=SearchOut,
    responses=problem_responses(422),
)
def search(
    q: Annotated[str, Query(min_length=1, max_length=2000, description="Words, a question, or a citation.")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    lang: Lang | None = None,
    guidance: Annotated[bool, Query(description="Include the Commission's guidelines.")] = False,
    version: Annotated[str | None, Query(json_schema_extra={"enum": ["2024", "2026"]})] = None,
) -> dict[str, Any]:
    """Passages of the AI Act (articles, paragraphs, points, recitals, annexes), best first."""
    from aidesk.desk.search import QueryError
    from aidesk.desk.search import search as desk_search
    from aidesk.law.corpus import available_versions

    if version is not None and version not in available_versions():
        raise bad_input("query.version", f"use one of: {', '.join(available_versions())}")
    try:
        result = desk_search(q, limit=limit, lang=lang, include_guidance=guidance, version=version)
    except QueryError as exc:
        raise bad_input("query.q", str(exc)) from None
    return {
        "query": result.query,
        "lang": result.lang,
        "mode": result.mode,
        "version": result.version,
        "results": [h.to_json() for h in result.results],
        "warnings": list(result.warnings),
    }


@router.post(
    "/ask",
    tags=["desk"],
    summary="Ask the service desk",
    response_model=AskOut,
    responses=problem_responses(422),
)
def ask(body: AskIn) -> dict[str, Any]:
    """A cited answer to a question about the AI Act: the passages that answer it, quoted, with their
    citations (and, with `AIDESK_LLM_URL` set, a generated answer grounded in them)."""
    from aidesk.desk.ask import ask as desk_ask
    from aidesk.desk.search import QueryError, get_index

    try:
        index = get_index(body.version) if body.version else None
        answer = desk_ask(body.question, lang=body.lang, version=body.version, index=index)
    except QueryError as exc:
        raise bad_input("question", str(exc)) from None
    return answer.to_json()


@router.post(
    "/triage",
    tags=["desk"],
    summary="Triage a plain-language description",
    response_model=TriageOut,
    responses=problem_responses(413, 422),
)
def triage(body: TriageIn, regime: RegimeQuery = DEFAULT_REGIME) -> dict[str, Any]:
    """The likely risk class of a system described in words, the candidate grounds (best first, with
    their citations), the questions that would confirm it, and a draft profile for the interview."""
    from aidesk.desk.triage import TriageError
    from aidesk.desk.triage import triage as run_triage

    try:
        return run_triage(body.text, lang=body.lang, regime=_regime(regime)).to_json()
    except TriageError as exc:
        raise bad_input("text", str(exc)) from None


@router.post(
    "/interview/next",
    tags=["assess"],
    summary="The next question of the interview (stateless)",
    response_class=Response,
    responses={
        200: {
            "model": InterviewStep,
            "description": "The next question, or (`done`) the profile and its assessment.",
        },
        **problem_responses(413, 422),
    },
)
def interview_next(body: InterviewIn, regime: RegimeQuery = DEFAULT_REGIME) -> Response:
    """Send every answer so far (the client keeps them); get the next question in your language, or,
    when nothing the assessment needs is unknown, the profile and its assessment. "Back" is sending the
    answers without the last one (`asked` lists them in order)."""
    from aidesk.rules.questionnaire.answers import AnswerError

    try:
        step = interview_step(body.answers, lang=body.lang, regime=_regime(regime), as_of=_as_of(body.as_of))
    except AnswerError as exc:
        raise bad_input(f"answers.{exc.question}", exc.message) from None
    return Response(step.model_dump_json(by_alias=True), media_type="application/json")


# --- the directory ------------------------------------------------------------------------------------


@router.get(
    "/directory",
    tags=["directory"],
    summary="Search the European AI ecosystem",
    response_model=DirectoryPage,
    responses=problem_responses(422),
)
def directory(
    request: Request,
    q: Annotated[str | None, Query(max_length=500, description="Free text (EN or FR).")] = None,
    country: Annotated[str | None, Query(max_length=64, description="ISO 3166-1 alpha-2, e.g. FR.")] = None,
    kind: Annotated[
        str | None, Query(max_length=64, description="e.g. ai_factory, edih, tef, sandbox, authority.")
    ] = None,
    sector: Annotated[str | None, Query(max_length=64, description="e.g. health, manufacturing.")] = None,
    include_legacy: bool = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> dict[str, Any]:
    """AI Factories and antennas, Gigafactories, EDIHs, TEFs, data spaces, sandboxes and authorities,
    each with its sources; filtered by country, kind and sector, ranked by the query."""
    from aidesk.directory import service

    d = service.load(state_of(request).settings.data_dir)
    try:
        hits = d.search(
            q, country=country, kind=kind, sector=sector, include_legacy=include_legacy, limit=None
        )
    except service.DirectoryError as exc:
        message = str(exc)
        field = next(
            (f"query.{name}" for name in ("country", "kind", "sector") if f"--{name}" in message), "query"
        )
        raise bad_input(field, message.replace("--", "")) from None
    return {
        "total": len(hits),
        "limit": limit,
        "offset": offset,
        "items": [h.entry for h in hits[offset : offset + limit]],
    }


@router.post(
    "/directory/next-steps",
    tags=["directory"],
    summary="Who can help with this system, and why",
    response_class=Response,
    responses={
        200: {
            "description": "aidesk/next-steps/v1: steps with their reason, citations, directory entries and gaps.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        },
        **problem_responses(413, 415, 422),
    },
    openapi_extra=PROFILE_BODY,
)
async def directory_next_steps(
    request: Request,
    regime: RegimeQuery = DEFAULT_REGIME,
    as_of: AsOfQuery = None,
    sector: Annotated[
        str | None, Query(max_length=64, description="Override the sectors derived from the profile.")
    ] = None,
    lang: Lang = "en",
) -> Response:
    """Assess the profile, then ask the directory what its obligations call for: the national
    authority and sandbox, EDIHs, the sector's TEF, AI Factories… each step with the provision that
    motivates it, and what the directory's data lacks (never a guess)."""
    import json

    from aidesk.directory import service
    from aidesk.directory.next_steps import next_steps
    from aidesk.rules import assess

    profile = await _profile(request)
    assessment = assess(profile, _regime(regime), _as_of(as_of), lang)
    directory = service.load(state_of(request).settings.data_dir)
    try:
        result = next_steps(profile, assessment, sector=sector, lang=lang, directory=directory)
    except service.DirectoryError as exc:
        raise bad_input("query.sector", str(exc).replace("--", "")) from None
    return Response(json.dumps(result.to_json_dict(), ensure_ascii=False), media_type="application/json")


@router.get(
    "/directory/{entry_id}",
    tags=["directory"],
    summary="One directory entry",
    response_model=Entry,
    responses=problem_responses(404),
)
def directory_entry(request: Request, entry_id: Annotated[str, Path(max_length=100)]) -> Entry:
    from aidesk.directory import service

    entry = service.load(state_of(request).settings.data_dir).get(entry_id)
    if entry is None:
        raise ApiError(404, f"no directory entry {entry_id!r}; search with GET /api/v1/directory")
    return entry
