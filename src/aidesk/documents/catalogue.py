"""Which documents the AI Act asks of a system, derived from its assessment (never from the profile alone).

A document applies when the assessment gives the actor the obligation that requires it (an obligation
id of `rules/obligations.yaml`) or, for the Art. 50 notices, the transparency duty it implements. So
the rules engine decides once, and the documents follow: a deployer gets a FRIA exactly when the
engine says Art. 27 binds it, an open-source model without systemic risk gets no Annex XI, and so on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aidesk.documents.text import Texts

if TYPE_CHECKING:
    from aidesk.rules.model import Assessment, Obligation


@dataclass(frozen=True, slots=True)
class DocumentKind:
    id: str
    citations: tuple[str, ...]
    obligations: tuple[str, ...] = ()  # any of these obligation ids makes the document apply
    transparency: str | None = None  # an Art. 50 paragraph in `transparency_obligations`
    always: bool = False


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("report", (), always=True),
    DocumentKind("annex-iv", ("Art. 11(1)", "Annex IV"), obligations=("technical_documentation",)),
    DocumentKind("annex-v", ("Art. 47", "Annex V"), obligations=("eu_declaration_of_conformity",)),
    DocumentKind(
        "annex-viii-a",
        ("Art. 49(1)", "Annex VIII Section A"),
        obligations=("eu_database_registration", "register_as_authorised_representative"),
    ),
    DocumentKind(
        "annex-viii-b",
        ("Art. 6(4)", "Art. 49(2)", "Annex VIII Section B"),
        obligations=("register_not_high_risk",),
    ),
    DocumentKind(
        "annex-viii-c", ("Art. 49(3)", "Annex VIII Section C"), obligations=("public_authority_registration",)
    ),
    DocumentKind(
        "fria",
        ("Art. 27",),
        obligations=("fundamental_rights_impact_assessment", "rbi_fria_and_registration"),
    ),
    DocumentKind("notice-chatbot", ("Art. 50(1)", "Art. 50(5)"), transparency="Art. 50(1)"),
    DocumentKind("notice-synthetic-content", ("Art. 50(2)", "Art. 50(5)"), transparency="Art. 50(2)"),
    DocumentKind("notice-emotion-recognition", ("Art. 50(3)", "Art. 50(5)"), transparency="Art. 50(3)"),
    DocumentKind("notice-deep-fake", ("Art. 50(4)", "Art. 50(5)"), transparency="Art. 50(4)"),
    DocumentKind("annex-xi", ("Art. 53(1)(a)", "Annex XI"), obligations=("gpai_technical_documentation",)),
    DocumentKind("annex-xii", ("Art. 53(1)(b)", "Annex XII"), obligations=("gpai_downstream_information",)),
    DocumentKind("training-summary", ("Art. 53(1)(d)",), obligations=("gpai_training_content_summary",)),
)

KIND_IDS: tuple[str, ...] = tuple(k.id for k in KINDS)
BY_ID: dict[str, DocumentKind] = {k.id: k for k in KINDS}

# Names a user may give to `--only` for a group of documents.
ALIASES: dict[str, tuple[str, ...]] = {
    "technical-documentation": ("annex-iv",),
    "declaration": ("annex-v",),
    "declaration-of-conformity": ("annex-v",),
    "registration": ("annex-viii-a", "annex-viii-b", "annex-viii-c"),
    "annex-viii": ("annex-viii-a", "annex-viii-b", "annex-viii-c"),
    "notices": (
        "notice-chatbot",
        "notice-synthetic-content",
        "notice-emotion-recognition",
        "notice-deep-fake",
    ),
    "art-50": (
        "notice-chatbot",
        "notice-synthetic-content",
        "notice-emotion-recognition",
        "notice-deep-fake",
    ),
    "gpai": ("annex-xi", "annex-xii", "training-summary"),
    "assessment": ("report",),
}


class UnknownDocumentError(ValueError):
    pass


def expand(names: Iterable[str]) -> tuple[list[str], set[str]]:
    """The document ids that `names` (ids or aliases) name, in catalogue order, and the subset named
    explicitly (an alias names a group: its members that do not apply are dropped, not errors).
    Raises `UnknownDocumentError`."""
    wanted: set[str] = set()
    explicit: set[str] = set()
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        if name in BY_ID:
            wanted.add(name)
            explicit.add(name)
        elif name in ALIASES:
            wanted.update(ALIASES[name])
        else:
            choices = ", ".join([*KIND_IDS, *ALIASES])
            raise UnknownDocumentError(f"unknown document {raw.strip()!r}; choose from: {choices}")
    return [k for k in KIND_IDS if k in wanted], explicit


@dataclass(frozen=True, slots=True)
class Applicability:
    kind: str
    applies: bool
    reason: str
    obligations: tuple[Obligation, ...] = ()


def _roles(t: Texts, roles: Sequence[str]) -> str:
    return ", ".join(t(f"values.role.{r}") for r in roles) or t("ui.none")


def applicability(
    kind: DocumentKind, assessment: Assessment, roles: Sequence[str], t: Texts
) -> Applicability:
    """Whether `kind` applies to this assessed system, and why (in the language of `t`)."""
    if kind.always:
        return Applicability(kind.id, True, t("reason.applies_always"))
    context = t(
        "reason.context",
        risk_class=t(f"values.risk_class.{assessment.risk_class}"),
        roles=_roles(t, roles),
    )
    if assessment.risk_class == "prohibited":
        return Applicability(kind.id, False, t("reason.prohibited"))
    if assessment.risk_class == "out_of_scope":
        return Applicability(kind.id, False, t("reason.out_of_scope"))
    if kind.transparency is not None:
        if kind.transparency in assessment.transparency_obligations:
            related = tuple(o for o in assessment.obligations if kind.transparency in o.citations)
            return Applicability(
                kind.id, True, t("reason.applies_transparency", citation=kind.transparency), related
            )
        return Applicability(kind.id, False, f"{t(f'reason.{kind.id}')} {context}")
    found = tuple(o for o in assessment.obligations if o.id in kind.obligations)
    if found:
        named = "; ".join(f"{o.title} ({', '.join(o.citations)})" for o in found)
        return Applicability(kind.id, True, t("reason.applies", obligations=named), found)
    return Applicability(kind.id, False, f"{t(f'reason.{kind.id}')} {context}")
