"""Request and response bodies of the HTTP API (they make the OpenAPI document at /openapi.json)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from aidesk.directory.schema import Entry
from aidesk.inventory.models import LifecycleStatus

# The example shown in the OpenAPI document wherever a profile is expected.
EXAMPLE_PROFILE: dict[str, Any] = {
    "name": "CV screening assistant",
    "kind": "ai_system",
    "organisation": {"name": "Acme Recrutement SAS", "country": "FR", "size": "small"},
    "roles": ["provider"],
    "location": {"established_in_eu": True, "placed_on_eu_market": True, "output_used_in_eu": True},
    "placed_on_market": "2028-01-15",
    "annex_iii": ["4(a)"],
    "article_6_3": {"profiling_of_natural_persons": True},
    "transparency": {"interacts_with_natural_persons": True},
}


def _usable(value: dict[str, Any]) -> dict[str, Any]:
    from aidesk.api.body import tree_problem

    if (why := tree_problem(value)) is not None:
        raise ValueError(why)
    return value


ProfileDoc = Annotated[dict[str, Any], AfterValidator(_usable)]


MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database

ObjectId = Annotated[int, Path(ge=1, le=MAX_ID, description="An id (a positive 32-bit integer).")]


class _In(BaseModel):
    """A request body: unknown keys are refused, and so is text that cannot be stored."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _storable(cls, data: Any) -> Any:
        from aidesk.api.body import tree_problem

        if isinstance(data, dict) and (why := tree_problem(data)) is not None:
            raise ValueError(why)
        return data


# --- the register -----------------------------------------------------------------------------------


class SystemIn(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"profile": EXAMPLE_PROFILE, "owner": "HR tech team", "tags": ["hr"]}},
    )

    profile: ProfileDoc = Field(description="An AI system profile, schema aidesk/profile/v1 (SPEC §1).")
    owner: str | None = Field(default=None, max_length=200, description="A person or team answerable for it.")
    tags: list[str] = Field(default=[], max_length=50)
    status: LifecycleStatus = LifecycleStatus.in_service


class SystemPatch(_In):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"example": {"owner": "Legal", "version": 1}})

    profile: ProfileDoc | None = None
    owner: str | None = Field(default=None, max_length=200)
    tags: list[str] | None = Field(default=None, max_length=50)
    status: LifecycleStatus | None = None
    version: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="The version you read; 409 if it changed since."
    )


class SystemOut(BaseModel):
    id: int
    name: str
    kind: str
    owner: str | None
    status: str
    tags: list[str]
    roles: list[str]
    risk_class: str | None = Field(description="What the latest assessment concluded (null: never assessed).")
    regime: str | None
    assessed_at: str | None
    version: int = Field(description="Bumped by every change; send it back in PATCH to detect lost updates.")
    profile: dict[str, Any]


class SystemPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[SystemOut]


class RecordSummary(BaseModel):
    id: int
    system_id: int
    regime: str
    regime_version: str
    as_of: date
    risk_class: str
    actor: str = Field(description="Who asked for it (an e-mail, or a token's name).")
    created_at: datetime


class RecordOut(RecordSummary):
    profile: dict[str, Any] = Field(description="The profile as it was when assessed.")
    result: dict[str, Any] = Field(description="The assessment (schema aidesk/assessment/v1, SPEC §2).")


class FromTo(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    from_: str | None = Field(alias="from")
    to: str | None


class ClassChange(FromTo):
    changed: bool


class ObligationDateChange(BaseModel):
    id: str
    role: str
    applies_from: FromTo


class ObligationChanges(BaseModel):
    added: list[str] = Field(description='"obligation id (role)"')
    removed: list[str]
    changed: list[ObligationDateChange]


class DeadlineChanges(BaseModel):
    added: list[str] = Field(description='"YYYY-MM-DD: what"')
    removed: list[str]


class DiffOut(BaseModel):
    """What changed between two assessments: class, obligations (and their dates), deadlines."""

    system_id: int
    system: str
    from_record: int | None
    to_record: int
    regime_version: FromTo
    changed: bool
    risk_class: ClassChange
    obligations: ObligationChanges
    deadlines: DeadlineChanges


class ProfileDiffOut(BaseModel):
    """What changes for one profile from one regime to another (e.g. the AI Omnibus)."""

    profile: str
    from_regime: str
    to_regime: str
    regime_version: FromTo
    changed: bool
    risk_class: ClassChange
    obligations: ObligationChanges
    deadlines: DeadlineChanges


class ImportReportOut(BaseModel):
    created: int
    updated: int
    assessed: int
    system_ids: list[int]


class ReassessOut(BaseModel):
    regime: str | None
    as_of: str | None
    systems: int
    changed: int
    results: list[DiffOut]


class DeadlineOut(BaseModel):
    date: date
    what: str
    citations: list[str]
    system_id: int
    system: str
    record_id: int
    regime_version: str


# --- accounts ---------------------------------------------------------------------------------------


class LoginIn(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"email": "dpo@acme.example", "password": "correct horse battery"}},
    )

    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    organisation: str | None = Field(
        default=None, max_length=64, description="Slug or id; needed only if you belong to several."
    )


class UserOut(BaseModel):
    id: int
    email: str
    name: str


class OrganisationOut(BaseModel):
    id: int
    slug: str
    name: str


class MeOut(BaseModel):
    user: UserOut
    organisation: OrganisationOut
    role: str
    permissions: list[str]
    via: Literal["session", "token"]
    csrf_token: str | None = Field(
        default=None, description="With a session: send it as X-CSRF-Token on POST/PATCH/DELETE."
    )


class CsrfOut(BaseModel):
    csrf_token: str


class TokenIn(_In):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"name": "CI export", "scopes": ["read"]}}
    )

    name: str = Field(min_length=1, max_length=200)
    scopes: list[Literal["read", "write", "admin"]] = Field(default=["read"], min_length=1)
    expires_at: datetime | None = None


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    scopes: list[str]
    user_id: int
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewTokenOut(TokenOut):
    token: str = Field(description="The token itself: shown once, never again.")


class MemberOut(BaseModel):
    user_id: int
    email: str
    name: str
    role: str


class RoleIn(_In):
    role: Literal["viewer", "editor", "admin"]


class AuditEventOut(BaseModel):
    id: int
    actor: str
    action: str
    object_type: str
    object_id: str | None
    source: str
    details: dict[str, Any]
    created_at: datetime


class SetupIn(_In):
    setup_token: str = Field(
        max_length=200, description="Printed by `aidesk serve` on a database without users."
    )
    organisation: str = Field(min_length=1, max_length=200)
    email: str = Field(max_length=320)
    password: str = Field(min_length=10, max_length=1024)
    name: str = Field(default="", max_length=200)


# --- public endpoints -------------------------------------------------------------------------------


class RegimeSource(BaseModel):
    id: str
    title: str | None
    url: str | None


class RegimeOut(BaseModel):
    id: str
    version: str = Field(
        description="Recorded in every assessment: `<id>+<date of the newest data revision>`."
    )
    default: bool
    title: str
    base: str | None
    text_date: date
    parameters: int
    sources: list[RegimeSource]


class ChangeOut(BaseModel):
    ref: str
    kind: str = Field(description="inserted, replaced or deleted")
    amending_point: str
    part: str | None
    note: str | None


class LawOut(BaseModel):
    ref: str = Field(description="The canonical citation (SPEC §3).")
    version: str = Field(description="The corpus version: 2024 (as published) or 2026 (as amended).")
    lang: str
    kind: str
    headings: list[str]
    lead_in: list[str] = Field(description="The text that introduces this paragraph or point.")
    text: str
    shown_in_english: bool = Field(description="French text not in the corpus (provision amended in 2026).")
    earlier_wording: str | None
    amendments: list[ChangeOut]
    href: str | None = Field(description="The provision in the web desk.")


class SearchHitOut(BaseModel):
    ref: str
    title: str
    snippet: str
    score: float
    unit: str
    lang: str
    collection: str
    direct: bool | None = None
    source: dict[str, Any] | None = None


class SearchOut(BaseModel):
    query: str
    lang: str
    mode: str = Field(description="hybrid (BM25 + embeddings) or bm25")
    version: str = Field(description="The corpus version searched.")
    results: list[SearchHitOut]
    warnings: list[str]


class AskIn(_In):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"question": "Who must carry out a FRIA?"}}
    )

    question: str = Field(min_length=1, max_length=2000)
    lang: Literal["en", "fr"] | None = None
    version: Literal["2024", "2026"] | None = None


class TriageIn(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"example": {"text": "Our tool ranks incoming CVs and shortlists candidates."}},
    )

    text: str = Field(
        min_length=1, max_length=20_000, description="A plain-language description of the system."
    )
    lang: Literal["en", "fr"] | None = None


class TriageCandidate(BaseModel):
    ground: str = Field(
        description="A canonical ground: `Annex III 4(a)`, `Art. 5(1)(f)`, `Art. 50(1)`, `Art. 51`…"
    )
    score: float
    citations: list[str]


class TriageOut(BaseModel):
    """SPEC §5 (`aidesk triage --json`): the likely classification, to confirm with the questions."""

    text: str
    risk_class: str
    confidence: Literal["high", "medium", "low"]
    candidates: list[TriageCandidate]
    questions: list[dict[str, Any]]
    draft_profile: dict[str, Any] = Field(description="A profile (SPEC §1) to start the interview from.")


class InterviewIn(_In):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {"answers": {"q_name": "CV screening", "q_kind": "ai_system"}, "lang": "en"}
        },
    )

    answers: dict[str, Any] = Field(
        default={}, description="Every answer so far: question id → answer (the client keeps them)."
    )
    lang: Literal["en", "fr"] = "en"
    as_of: date | None = None


class PassageOut(BaseModel):
    ref: str
    unit: str
    title: str
    text: str
    lang: str
    score: float


class GuidanceOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    ref: str
    title: str
    text: str
    score: float


class AskOut(BaseModel):
    question: str
    lang: str
    answer: str
    generated: bool = Field(
        description="True when an LLM (AIDESK_LLM_URL) wrote the answer from the passages."
    )
    citations: list[str]
    passages: list[PassageOut]
    recitals: list[PassageOut]
    guidance: list[GuidanceOut]
    version: str
    notes: list[str]


class DirectoryPage(BaseModel):
    total: int
    limit: int
    offset: int
    items: list[Entry] = Field(description="Directory entries, best match first.")


class StatusOut(BaseModel):
    status: str
    version: str
    database: str
    schema_revision: str | None
    schema_up_to_date: bool
