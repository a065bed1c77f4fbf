"""One builder per document the AI Act asks for, each following its provision point by point.

The structure comes from the legal corpus (the points of Annex IV, Art. 27(1), Annex V, Annex VIII,
Annex XI, Annex XII), so every point is present by construction and quoted in the document's language.
What the profile, the assessment or the inventory know is pre-filled, with its source; the rest is a
TODO with guidance and the citation that asks for it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from aidesk.documents.catalogue import BY_ID, KINDS, Applicability, applicability
from aidesk.documents.model import Document, Field, Section, Table
from aidesk.documents.text import Texts, user_text
from aidesk.law.citations import parse
from aidesk.law.corpus import Corpus
from aidesk.law.model import AnnexSection, Paragraph, Point

if TYPE_CHECKING:
    from aidesk.rules.model import Assessment, Obligation
    from aidesk.rules.profile import Profile


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What an inventory (or the caller) knows beyond the profile; every field optional."""

    reference: str | None = None  # an unambiguous internal reference (inventory id, product code)
    version: str | None = None
    owner: str | None = None  # the person or team answerable for the system
    status: str | None = None  # planned | in_development | in_service | retired (inventory lifecycle)
    address: str | None = None  # postal address of the organisation
    contact: str | None = None  # e-mail or telephone of the organisation
    url: str | None = None  # public page about the system
    member_states: tuple[str, ...] = ()  # where the system is made available (ISO codes)


# --- shared helpers ----------------------------------------------------------------------------------

_TRAILING = re.compile(
    r"[,\s]*(including(?: the following elements)?|in particular with regard to|y compris|notamment|"
    r"en particulier en ce qui concerne)\s*$",
    re.IGNORECASE,
)
_SECTION_SPLIT = re.compile(r"^(Section \S+(?:\s+[-—].*?\d)?)\s+([A-ZÀ-Ý].*)$", re.DOTALL)


def _first_clause(text: str) -> str:
    """The text up to the first colon or semicolon outside parentheses."""
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ":;" and depth == 0:
            return text[:i]
    return text


def short_heading(label: str, text: str, limit: int = 110) -> str:
    """A heading from a provision's own words: its label and first clause, shortened."""
    first = _TRAILING.sub("", _first_clause(text.strip()).strip()).rstrip(" .,")
    if len(first) > limit:
        first = first[:limit].rsplit(" ", 1)[0].rstrip(",") + "…"
    if first:
        first = first[0].upper() + first[1:]
    return f"{label} {first}".strip()


def split_section_heading(section: AnnexSection) -> tuple[str, tuple[str, ...]]:
    """An annex section's heading and intro; some French headings carry the intro in the same line."""
    heading, intro = section.heading, section.intro
    m = _SECTION_SPLIT.match(heading)
    if m and not intro:
        return m.group(1).strip(), (m.group(2).strip(),)
    return heading, intro


def _flop(value: float) -> str:
    if value <= 0:
        return "0"
    exponent = math.floor(math.log10(value))
    mantissa = value / 10**exponent
    return f"{mantissa:.3g} × 10^{exponent}"


class Ctx:
    """Everything a builder needs: the inputs, the wording of one language and the corpus in it."""

    def __init__(
        self,
        kind: str,
        profile: Profile,
        assessment: Assessment,
        meta: DocumentMeta,
        corpus: Corpus,
        today: date,
    ) -> None:
        self.kind = kind
        self.profile = profile
        self.assessment = assessment
        self.meta = meta
        self.corpus = corpus
        self.lang = corpus.lang
        self.today = today
        self.t = Texts(corpus.lang)

    # -- text ---------------------------------------------------------------------------------
    def doc(self, key: str, **values: object) -> str:
        return self.t(f"docs.{self.kind}.{key}", **values)

    def src_profile(self, key: str) -> str:
        return self.t("sources.profile", key=key)

    def src_assessment(self, key: str) -> str:
        return self.t("sources.assessment", key=key)

    def src_inventory(self, key: str) -> str:
        return self.t("sources.inventory", key=key)

    def guidance(self, citation: str) -> str:
        table = self.t.get("guidance")
        found = table.get(citation) if isinstance(table, dict) else None
        return found if isinstance(found, str) else self.t("ui.generic_guidance", citation=citation)

    def in_english(self, citation: str) -> bool:
        return self.lang != "en" and parse(citation) in self.corpus.english_fallback

    def law(self, citation: str) -> str:
        return self.corpus.resolve(citation).full_text

    # -- fields -------------------------------------------------------------------------------
    def known(self, label: str, value: object, source: str | None, citation: str | None = None) -> Field:
        return Field(
            label=label, citation=citation, value=user_text(value), status="prefilled", source=source
        )

    def todo(
        self, label: str, citation: str | None, guidance: str | None = None, proposed: str | None = None
    ) -> Field:
        text = guidance if guidance is not None else (self.guidance(citation) if citation else None)
        return Field(
            label=label,
            citation=citation,
            value=user_text(proposed) if proposed is not None else None,
            status="todo",
            source=None,
            guidance=text,
        )

    def na(self, label: str, citation: str | None, why: str) -> Field:
        return Field(label=label, citation=citation, status="not_applicable", guidance=why)

    def answer(self, citation: str) -> Field:
        return self.todo(self.t("ui.answer"), citation)

    # -- profile facts ------------------------------------------------------------------------
    @property
    def org_name(self) -> str | None:
        return self.profile.organisation.name

    def org_field(self, label: str, citation: str | None) -> Field:
        if self.org_name:
            return self.known(label, self.org_name, self.src_profile("organisation.name"), citation)
        return self.todo(label, citation, self.t("header.profile_missing"))

    def contact_fields(self, label: str, citation: str) -> list[Field]:
        """Name (pre-filled), address and contact details of the organisation."""
        fields = [self.org_field(label, citation)]
        country = self.profile.organisation.country
        if self.meta.address:
            fields.append(
                self.known(
                    self.t("docs.annex-v.address"), self.meta.address, self.src_inventory("address"), citation
                )
            )
        else:
            fields.append(
                self.todo(
                    self.t("docs.annex-v.address"),
                    citation,
                    self.t("guidance.address")
                    + (f" ({self.t('header.country')}{self.t('ui.colon')} {country})" if country else ""),
                )
            )
        if self.meta.contact:
            fields.append(
                self.known(self.t("ui.value"), self.meta.contact, self.src_inventory("contact"), citation)
            )
        return fields

    def system_name(self, label: str, citation: str | None) -> Field:
        return self.known(label, self.profile.name, self.src_profile("name"), citation)

    def purpose(self, label: str, citation: str) -> Field:
        if self.profile.description:
            return Field(
                label=label,
                citation=citation,
                value=user_text(self.profile.description),
                status="todo",
                source=self.src_profile("description"),
                guidance=self.guidance(citation),
            )
        return self.todo(label, citation)

    def reference_field(self, label: str, citation: str) -> Field:
        if self.meta.reference:
            return self.known(label, self.meta.reference, self.src_inventory("reference"), citation)
        return self.todo(label, citation, self.t("guidance.reference"))

    def version_field(self, label: str, citation: str) -> Field:
        if self.meta.version:
            return self.known(label, self.meta.version, self.src_inventory("version"), citation)
        return self.todo(label, citation, self.t("guidance.version"))

    def status_field(self, label: str, citation: str) -> Field:
        if self.meta.status:
            words = self.t.maybe(f"values.status.{self.meta.status}") or self.meta.status
            return self.known(label, words, self.src_inventory("status"), citation)
        placed = self.profile.placed_on_market
        if placed is not None:
            key = "fields.status_not_yet" if placed > self.assessment.as_of else "fields.status_since"
            return self.known(
                label, self.t(key, date=placed.isoformat()), self.src_profile("placed_on_market"), citation
            )
        return self.todo(label, citation, self.t("header.profile_missing"))

    def member_states_field(self, citation: str) -> Field:
        label = self.t("fields.member_states")
        if self.meta.member_states:
            return self.known(
                label, ", ".join(self.meta.member_states), self.src_inventory("member_states"), citation
            )
        return self.todo(label, citation)

    @property
    def annex_iii_points(self) -> list[str]:
        return [
            g.removeprefix("Annex III ")
            for g in self.assessment.high_risk_grounds
            if g.startswith("Annex III ")
        ]

    def use_case_fields(self) -> list[Field]:
        """The Annex III use cases the system was classified under, quoted from the corpus."""
        return [
            Field(
                label=self.t("fields.use_case"),
                citation=ground,
                value=self.law(ground),
                status="prefilled",
                source=self.src_assessment("high_risk_grounds"),
            )
            for ground in self.assessment.high_risk_grounds
            if ground.startswith("Annex III ")
        ]

    def obligations(self, *ids: str) -> list[Obligation]:
        return [o for o in self.assessment.obligations if o.id in ids]

    def timing_notes(self, obligations: Sequence[Obligation]) -> list[str]:
        if not obligations:
            return []
        if any(o.applies_from is None for o in obligations):
            return [self.t("ui.legacy")]
        first = min(o.applies_from for o in obligations if o.applies_from is not None)
        return [self.t("ui.applies_from", date=first.isoformat())]

    # -- law structure ------------------------------------------------------------------------
    def point_section(
        self,
        point: Point,
        prefill: dict[str, list[Field]],
        notes: dict[str, list[str]] | None = None,
    ) -> Section:
        cite = str(point.citation)
        notes = notes or {}
        if point.points:
            law = "\n".join([f"{point.label} {point.text}".strip(), *point.after])
            subs = tuple(self.point_section(p, prefill, notes) for p in point.points)
            fields = tuple(prefill.get(cite, ()))
        else:
            law = point.full_text
            subs = ()
            fields = tuple(prefill.get(cite, ())) or (self.answer(cite),)
        return Section(
            heading=short_heading(point.label, point.text),
            citation=cite,
            law=law,
            law_in_english=self.in_english(cite),
            fields=fields,
            notes=tuple(notes.get(cite, ())),
            subsections=subs,
        )

    def provision_section(
        self,
        citation: str,
        heading: str,
        fields: Sequence[Field] = (),
        paragraphs: Sequence[str] = (),
        items: Sequence[str] = (),
        notes: Sequence[str] = (),
    ) -> Section:
        return Section(
            heading=heading,
            citation=citation,
            law=self.law(citation),
            law_in_english=self.in_english(citation),
            fields=tuple(fields),
            paragraphs=tuple(paragraphs),
            items=tuple(items),
            notes=tuple(notes),
        )

    # -- the document ---------------------------------------------------------------------------
    def header(self) -> tuple[Field, ...]:
        p, a, t = self.profile, self.assessment, self.t
        is_model = p.kind.value == "gpai_model"
        out = [self.system_name(t("header.model" if is_model else "header.system"), None)]
        out.append(self.org_field(t("header.organisation"), None))
        if p.organisation.country:
            out.append(
                self.known(
                    t("header.country"), p.organisation.country, self.src_profile("organisation.country")
                )
            )
        if p.organisation.size:
            out.append(
                self.known(
                    t("header.size"),
                    t(f"values.size.{p.organisation.size.value}"),
                    self.src_profile("organisation.size"),
                )
            )
        out.append(self.known(t("header.kind"), t(f"values.kind.{p.kind.value}"), self.src_profile("kind")))
        roles = ", ".join(t(f"values.role.{r.value}") for r in p.roles) or t("ui.unknown")
        out.append(self.known(t("header.roles"), roles, self.src_profile("roles")))
        out.append(
            self.known(
                t("header.risk_class"),
                t(f"values.risk_class.{a.risk_class}"),
                self.src_assessment("risk_class"),
            )
        )
        if a.high_risk_grounds:
            out.append(
                self.known(
                    t("header.grounds"),
                    ", ".join(a.high_risk_grounds),
                    self.src_assessment("high_risk_grounds"),
                )
            )
        if p.placed_on_market:
            out.append(
                self.known(
                    t("header.placed_on_market"),
                    p.placed_on_market.isoformat(),
                    self.src_profile("placed_on_market"),
                )
            )
        for key in ("reference", "version", "owner"):
            value = getattr(self.meta, key)
            if value:
                out.append(self.known(t(f"header.{key}"), value, self.src_inventory(key)))
        if self.meta.status:
            words = t.maybe(f"values.status.{self.meta.status}") or self.meta.status
            out.append(self.known(t("header.status"), words, self.src_inventory("status")))
        out.append(
            self.known(t("header.regime"), f"{a.regime} ({a.regime_version})", self.src_assessment("regime"))
        )
        return tuple(out)

    def document(
        self, sections: Sequence[Section], intro: Sequence[str] = (), citations: Sequence[str] | None = None
    ) -> Document:
        t, a = self.t, self.assessment
        labels = {
            key: t(f"ui.{key}")
            for key in ("todo", "proposed", "not_applicable", "source", "law_heading", "law_in_english",
                        "field", "value", "citation", "contents", "colon", "lquote", "rquote")
        }  # fmt: skip
        return Document(
            kind=self.kind,
            lang=self.lang,
            title=self.doc("title"),
            subtitle=self.doc("subtitle"),
            citations=tuple(citations if citations is not None else BY_ID[self.kind].citations),
            header=self.header(),
            intro=(self.doc("intro"), *intro, t("ui.draft_notice")),
            sections=tuple(sections),
            footer=(
                t(
                    "ui.generated",
                    today=self.today.isoformat(),
                    regime=a.regime,
                    regime_version=a.regime_version,
                    as_of=a.as_of.isoformat(),
                ),
            ),
            labels=labels,
        )


# --- assessment report ---------------------------------------------------------------------------------


def _number(value: int, lang: str) -> str:
    text = f"{value:,}"
    return text.replace(",", "\u202f") if lang == "fr" else text


def _flatten(data: object, words: dict[bool, str], prefix: str = "") -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            rows.extend(_flatten(value, words, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list):
        rows.append((prefix, ", ".join(str(x) for x in data)))
    elif isinstance(data, bool):
        rows.append((prefix, words[data]))
    else:
        rows.append((prefix, "" if data is None else str(data)))
    return rows


def build_report(x: Ctx, applicable: Sequence[Applicability]) -> Document:
    t, a, p = x.t, x.assessment, x.profile
    d = "docs.report."
    yes, no = t("ui.yes"), t("ui.no")
    summary = [
        x.known(
            t("header.risk_class"),
            f"{t(f'values.risk_class.{a.risk_class}')} ({a.risk_class})",
            x.src_assessment("risk_class"),
        ),
        x.known(t(d + "in_scope"), yes if a.in_scope else no, x.src_assessment("in_scope")),
        x.known(
            t("header.grounds"),
            ", ".join(a.high_risk_grounds) or t("ui.none"),
            x.src_assessment("high_risk_grounds"),
        ),
        x.known(
            t(d + "prohibited"),
            ", ".join(a.prohibited_practices) or t("ui.none"),
            x.src_assessment("prohibited_practices"),
        ),
        x.known(
            t(d + "transparency"),
            ", ".join(a.transparency_obligations) or t("ui.none"),
            x.src_assessment("transparency_obligations"),
        ),
        x.known(
            t(d + "gpai"),
            t(
                d + "gpai_value",
                model=yes if a.gpai.is_gpai_model else no,
                systemic=yes if a.gpai.systemic_risk else no,
            ),
            x.src_assessment("gpai"),
        ),
    ]
    classification_cites = [c for step in a.trace if step.step == "classification" for c in step.citations]
    sections = [
        Section(
            heading=t(d + "summary"), citation=", ".join(classification_cites) or None, fields=tuple(summary)
        )
    ]

    rows = tuple(
        (o.title, t(f"values.role.{o.role}"), ", ".join(o.citations), o.applies_from.isoformat() if o.applies_from else "—",
         yes if o.in_force else no)
        for o in a.obligations
    )  # fmt: skip
    sections.append(
        Section(
            heading=t(d + "obligations"),
            table=Table(
                (
                    t(d + "obligation"),
                    t(d + "role"),
                    t("ui.citation"),
                    t("fields.applies_from"),
                    t(d + "in_force"),
                ),
                rows,
            )
            if rows
            else None,
            paragraphs=() if rows else (t(d + "no_obligation"),),
        )
    )
    if a.deadlines:
        sections.append(
            Section(
                heading=t(d + "deadlines"),
                table=Table(
                    (t(d + "date"), t(d + "what"), t("ui.citation")),
                    tuple((dl.date.isoformat(), dl.what, ", ".join(dl.citations)) for dl in a.deadlines),
                ),
            )
        )
    if a.penalties:
        sections.append(
            Section(
                heading=t(d + "penalties"),
                table=Table(
                    (t(d + "max_eur"), t(d + "max_pct"), t("ui.citation")),
                    tuple(
                        (_number(pn.max_eur, x.lang), f"{pn.max_turnover_pct} %", ", ".join(pn.citations))
                        for pn in a.penalties
                    ),
                ),
            )
        )
    questions = tuple(
        f"{q.field}: {q.text or q.question}"
        + (
            f" ({t(d + 'could_change_to', classes=', '.join(q.could_change_to))})"
            if q.could_change_to
            else ""
        )
        for q in a.open_questions
    )
    sections.append(
        Section(
            heading=t(d + "open_questions"),
            items=questions,
            paragraphs=() if questions else (t(d + "open_questions_none"),),
        )
    )
    if a.notes:
        sections.append(
            Section(heading=t(d + "notes"), paragraphs=(t(d + "notes_engine"),), items=tuple(a.notes))
        )
    sections.append(
        Section(
            heading=t(d + "trace"),
            table=Table(
                (t(d + "step"), t(d + "result"), t("ui.citation")),
                tuple((s.step, s.result, ", ".join(s.citations)) for s in a.trace),
            ),
        )
    )
    sections.append(
        Section(
            heading=t(d + "documents"),
            paragraphs=(t(d + "documents_intro"),),
            table=Table(
                (t("ui.document"), t("ui.reason")),
                tuple(
                    (
                        f"{x.t(f'docs.{ap.kind}.title')} ({ap.kind})"
                        + ("" if ap.applies else f" — {t('ui.not_applicable')}"),
                        ap.reason,
                    )
                    for ap in applicable
                ),
            ),
        )
    )
    profile_rows = _flatten(
        p.model_dump(mode="json", by_alias=True, exclude_defaults=True), {True: yes, False: no}
    )
    sections.append(
        Section(
            heading=t(d + "profile"),
            table=Table((t(d + "key"), t("ui.value")), tuple((k, user_text(v)) for k, v in profile_rows)),
        )
    )
    cites = sorted({c for step in a.trace for c in step.citations})
    return x.document(sections, citations=cites)


# --- Annex IV technical documentation -------------------------------------------------------------------


def build_annex_iv(x: Ctx) -> Document:
    t, p = x.t, x.profile
    annex = x.corpus.annexes["IV"]
    prefill: dict[str, list[Field]] = {
        "Annex IV 1(a)": [
            x.purpose(t("fields.intended_purpose"), "Annex IV 1(a)"),
            x.org_field(t("fields.provider_name"), "Annex IV 1(a)"),
            x.version_field(t("fields.version"), "Annex IV 1(a)"),
        ],
        "Annex IV 3": [*x.use_case_fields(), x.answer("Annex IV 3")],
        "Annex IV 8": [x.todo(t("fields.declaration"), "Annex IV 8", t("values_text.see_declaration"))],
        "Annex IV 9": [
            x.answer("Annex IV 9"),
            x.todo(t("fields.post_market_plan"), "Art. 72(3)", x.guidance("Annex IV 9")),
        ],
    }
    if p.kind.value == "gpai_system":
        prefill["Annex IV 2(a)"] = [
            x.known(
                t("fields.gpai_basis"), t("values.kind.gpai_system"), x.src_profile("kind"), "Annex IV 2(a)"
            ),
            x.answer("Annex IV 2(a)"),
        ]
    if p.annex_i.legislation is not None:
        prefill["Annex IV 1(f)"] = [
            x.known(
                t("fields.product"),
                t("values_text.product_value", legislation=p.annex_i.legislation.value),
                x.src_profile("annex_i.legislation"),
                "Annex IV 1(f)",
            ),
            x.answer("Annex IV 1(f)"),
        ]
    # Art. 11(1) as amended in 2026: the simplified form for SMEs and SMCs.
    simplified = x.obligations("simplified_technical_documentation")
    if simplified:
        sme = x.doc("sme_eligible")
    elif p.organisation.size is None:
        sme = x.doc("sme_unknown")
    else:
        sme = x.doc("sme_not_eligible", size=t(f"values.size.{p.organisation.size.value}"))
    sections = [
        x.provision_section("Art. 11(1)", x.doc("simplified"), paragraphs=[sme]),
        Section(
            heading=x.doc("annex_points"),
            citation="Annex IV",
            law="\n".join(annex.intro),
            law_in_english=x.in_english("Annex IV"),
            subsections=tuple(x.point_section(pt, prefill) for pt in annex.points),
        ),
    ]
    intro = x.timing_notes(x.obligations("technical_documentation"))
    return x.document(sections, intro)


# --- FRIA (Art. 27) ---------------------------------------------------------------------------------------


def build_fria(x: Ctx) -> Document:
    t, p = x.t, x.profile
    paragraph = x.corpus.resolve("Art. 27(1)")
    assert isinstance(paragraph, Paragraph)
    why: list[str] = []
    if p.deployer.public_authority:
        why.append(x.doc("why_public"))
    if p.deployer.provides_public_services:
        why.append(x.doc("why_public_services"))
    if any(point in ("5(b)", "5(c)") for point in x.annex_iii_points):
        why.append(x.doc("why_credit"))
    start: list[Field] = []
    if p.placed_on_market:
        start.append(
            x.known(
                x.doc("start_of_use"),
                p.placed_on_market.isoformat(),
                x.src_profile("placed_on_market"),
                "Art. 27(2)",
            )
        )
    prefill: dict[str, list[Field]] = {
        "Art. 27(1)(a)": [
            x.purpose(x.doc("intended_purpose"), "Art. 27(1)(a)"),
            x.answer("Art. 27(1)(a)"),
        ],
        "Art. 27(1)(b)": [*start, x.answer("Art. 27(1)(b)")],
        "Art. 27(1)(c)": [*x.use_case_fields(), x.answer("Art. 27(1)(c)")],
    }
    if p.deployer.workplace_use:
        prefill["Art. 27(1)(c)"].insert(
            -1, x.known(x.doc("workers"), t("ui.yes"), x.src_profile("deployer.workplace_use"), "Art. 26(7)")
        )
    sections = [
        Section(heading=x.doc("why"), citation="Art. 27(1)", items=tuple(why)),
        Section(
            heading=x.doc("elements"),
            citation="Art. 27(1)",
            law=paragraph.text,
            law_in_english=x.in_english("Art. 27(1)"),
            subsections=tuple(x.point_section(pt, prefill) for pt in paragraph.points),
        ),
        Section(
            heading=x.doc("after"),
            subsections=(
                x.provision_section(
                    "Art. 27(2)", x.doc("first_use"), fields=[x.todo(x.doc("update_log"), "Art. 27(2)")]
                ),
                x.provision_section(
                    "Art. 27(3)", x.doc("notification"), fields=[x.todo(x.doc("notified_on"), "Art. 27(3)")]
                ),
                x.provision_section(
                    "Art. 27(4)", x.doc("dpia"), fields=[x.todo(x.doc("dpia_reference"), "Art. 27(4)")]
                ),
            ),
        ),
    ]
    intro = x.timing_notes(x.obligations("fundamental_rights_impact_assessment", "rbi_fria_and_registration"))
    if x.obligations("public_authority_registration"):
        intro.append(x.doc("registration"))
    return x.document(sections, intro)


# --- Annex V EU declaration of conformity ----------------------------------------------------------------


def build_annex_v(x: Ctx) -> Document:
    t, p, a = x.t, x.profile, x.assessment
    annex = x.corpus.annexes["V"]
    provider = x.org_name or t("ui.todo")
    grounds = f" ({', '.join(a.high_risk_grounds)})" if a.high_risk_grounds else ""
    kind_value = x.doc(
        "type_value",
        kind=t(f"values.kind.{p.kind.value}"),
        risk_class=t(f"values.risk_class.{a.risk_class}"),
        grounds=grounds,
    )
    if p.location.established_in_eu is False:
        representative = x.todo(x.doc("representative"), "Annex V 2", x.doc("representative_needed"))
    else:
        representative = x.na(x.doc("representative"), "Annex V 2", x.doc("representative_none"))
    statement_4 = [
        x.known(x.doc("statement"), x.doc("statement_4", system=user_text(p.name)), None, "Annex V 4")
    ]
    if p.annex_i.legislation is not None:
        statement_4.append(
            x.todo(
                x.doc("other_law"),
                "Annex V 4",
                x.doc("other_law_guidance", legislation=p.annex_i.legislation.value),
            )
        )
    points = x.annex_iii_points
    if any(pt.startswith("1") for pt in points):
        body = x.todo(x.doc("notified_body"), "Annex V 7", x.doc("biometrics"))
    elif points:
        body = x.na(x.doc("notified_body"), "Annex V 7", x.doc("internal_control"))
    elif p.annex_i.legislation is not None:
        body = x.todo(
            x.doc("notified_body"), "Annex V 7", x.doc("sectoral", legislation=p.annex_i.legislation.value)
        )
    else:
        body = x.answer("Annex V 7")
    prefill: dict[str, list[Field]] = {
        "Annex V 1": [
            x.system_name(x.doc("name"), "Annex V 1"),
            x.known(x.doc("type"), kind_value, x.src_assessment("risk_class"), "Annex V 1"),
            x.reference_field(x.doc("reference"), "Annex V 1"),
        ],
        "Annex V 2": [*x.contact_fields(x.doc("provider"), "Annex V 2"), representative],
        "Annex V 3": [
            x.known(x.doc("statement"), x.doc("statement_3", provider=user_text(provider)), None, "Annex V 3")
        ],
        "Annex V 4": statement_4,
        "Annex V 5": [
            x.todo(
                x.doc("statement"),
                "Annex V 5",
                x.doc("statement_5_guidance"),
                proposed=x.doc("statement_5", system=user_text(p.name)),
            )
        ],
        "Annex V 6": [x.todo(x.doc("standards"), "Annex V 6")],
        "Annex V 7": [body],
        "Annex V 8": [
            x.todo(x.doc("place_date"), "Annex V 8"),
            x.todo(x.doc("signatory"), "Annex V 8"),
            x.todo(x.doc("signature"), "Annex V 8"),
        ],
    }
    section = Section(
        heading=x.doc("title"),
        citation="Annex V",
        law="\n".join(annex.intro),
        law_in_english=x.in_english("Annex V"),
        subsections=tuple(x.point_section(pt, prefill) for pt in annex.points),
    )
    return x.document([section], x.timing_notes(x.obligations("eu_declaration_of_conformity")))


# --- Annex VIII registration data --------------------------------------------------------------------------


def _secure_points(x: Ctx) -> tuple[bool, bool]:
    """(certainly, possibly) registered in the secure non-public section under Art. 49(4)."""
    points = x.annex_iii_points
    certain = any(pt[0] in "67" for pt in points)
    possible = any(pt.startswith("1") for pt in points)
    return certain, possible


def _annex_viii_section(
    x: Ctx, letter: str, prefill: dict[str, list[Field]], restricted: set[str]
) -> Section:
    section = next(s for s in x.corpus.annexes["VIII"].sections if s.id == letter)
    heading, intro = split_section_heading(section)
    certain, possible = _secure_points(x)
    notes: dict[str, list[str]] = {}
    for point in section.points:
        cite = str(point.citation)
        if point.id in restricted:
            if certain:
                pt = next(p for p in x.annex_iii_points if p[0] in "67")
                prefill[cite] = [x.na(x.t("ui.value"), cite, x.t("values_text.secure_section", point=pt))]
            elif possible:
                notes[cite] = [x.t("values_text.secure_section_maybe")]
    deleted = [
        x.t("ui.deleted_point", point=ch.citation.path[-1], amending_point=ch.amending_point)
        for ch in x.corpus.changes
        if ch.kind == "deleted" and ch.citation.unit == section.citation.unit and ch.citation.section == letter
        and ch.citation.path
    ]  # fmt: skip
    return Section(
        heading=heading,
        citation=str(section.citation),
        law="\n".join(intro),
        law_in_english=x.in_english(str(section.citation)),
        notes=tuple(deleted),
        subsections=tuple(x.point_section(pt, prefill, notes) for pt in section.points),
    )


def _representative(x: Ctx, cite: str) -> Field:
    label = x.t("fields.representative")
    if x.profile.location.established_in_eu is False:
        return x.todo(label, cite, x.t("docs.annex-v.representative_needed"))
    if x.profile.location.established_in_eu:
        return x.na(label, cite, x.t("values_text.established_eu"))
    return x.todo(label, cite)


def build_annex_viii_a(x: Ctx) -> Document:
    t = x.t
    s = "Annex VIII Section A "
    points = x.annex_iii_points
    if points and not any(pt.startswith("1") for pt in points):
        certificate = [x.na(t("fields.certificate"), s + "8", t("values_text.no_certificate"))]
        scan = [x.na(t("fields.certificate"), s + "9", t("values_text.no_certificate"))]
    else:
        certificate, scan = [x.answer(s + "8")], [x.answer(s + "9")]
    url = (
        [x.known(t("fields.url"), x.meta.url, x.src_inventory("url"), s + "13")]
        if x.meta.url
        else [x.answer(s + "13")]
    )
    prefill: dict[str, list[Field]] = {
        s + "1": x.contact_fields(t("fields.provider_contact"), s + "1"),
        s + "2": [x.todo(t("fields.submitter"), s + "2")],
        s + "3": [_representative(x, s + "3")],
        s + "4": [
            x.system_name(t("fields.trade_name"), s + "4"),
            x.reference_field(t("docs.annex-v.reference"), s + "4"),
        ],
        s + "5": [x.purpose(t("fields.intended_purpose"), s + "5")],
        s + "6": [x.todo(t("fields.inputs_logic"), s + "6")],
        s + "7": [x.status_field(t("fields.status"), s + "7")],
        s + "8": certificate,
        s + "9": scan,
        s + "10": [x.member_states_field(s + "10")],
        s + "11": [x.todo(t("fields.declaration"), s + "11", t("values_text.see_declaration"))],
        s + "12": [x.todo(t("fields.instructions"), s + "12")],
        s + "13": url,
    }
    # Art. 49(4)(a): Section A points 1 to 10 except 6, 8 and 9 (so also not 11 to 13).
    section = _annex_viii_section(x, "A", prefill, {"6", "8", "9", "11", "12", "13"})
    return x.document([section], x.timing_notes(x.obligations("eu_database_registration")))


def build_annex_viii_b(x: Ctx) -> Document:
    t, p = x.t, x.profile
    s = "Annex VIII Section B "
    conditions = [name for name, value in p.article_6_3 if value and name != "profiling_of_natural_persons"]
    letters = {
        "narrow_procedural_task": "a",
        "improves_prior_human_activity": "b",
        "detects_patterns_without_replacing_human_assessment": "c",
        "preparatory_task": "d",
    }
    condition_fields = [
        x.known(
            x.doc("conditions"),
            f"{t(f'values.article_6_3.{name}')} (Art. 6(3)({letters[name]}))",
            x.src_profile(f"article_6_3.{name}"),
            f"Art. 6(3)({letters[name]})",
        )
        for name in conditions
        if name in letters
    ] or [x.todo(x.doc("conditions"), s + "6", x.guidance("Art. 6(3)"))]
    prefill: dict[str, list[Field]] = {
        s + "1": x.contact_fields(t("fields.provider_contact"), s + "1"),
        s + "2": [x.todo(t("fields.submitter"), s + "2", x.guidance("Annex VIII Section A 2"))],
        s + "3": [_representative(x, s + "3")],
        s + "4": [
            x.system_name(t("fields.trade_name"), s + "4"),
            x.reference_field(t("docs.annex-v.reference"), s + "4"),
        ],
        s + "5": [x.purpose(t("fields.intended_purpose"), s + "5")],
        s + "6": [
            *condition_fields,
            x.todo(x.doc("assessment_kept"), "Art. 6(4)", x.doc("assessment_kept_guidance")),
        ],
    }
    # The status point (8 in the 2026 text, after points 7 and 9 were deleted; 8 in 2024 too).
    for point in x.corpus.annexes["VIII"].sections[1].points:
        text = point.text.lower()
        if (
            point.id not in "123456"
            and str(point.citation) not in prefill
            and ("status" in text or "statut" in text)
        ):
            prefill[str(point.citation)] = [x.status_field(t("fields.status"), str(point.citation))]
    # Art. 49(4)(b): Section B points 1 to 5, 8 and 9.
    section = _annex_viii_section(x, "B", prefill, {"6", "7"})
    intro = x.timing_notes(x.obligations("register_not_high_risk"))
    return x.document([section], intro)


def build_annex_viii_c(x: Ctx) -> Document:
    t = x.t
    s = "Annex VIII Section C "
    prefill: dict[str, list[Field]] = {
        s + "1": x.contact_fields(t("fields.deployer_contact"), s + "1"),
        s + "2": [x.todo(t("fields.submitter"), s + "2")],
        s + "3": [x.todo(t("fields.provider_entry"), s + "3")],
        s + "4": [x.todo(t("fields.fria_summary"), s + "4", t("values_text.see_fria"))],
        s + "5": [x.todo(t("fields.dpia_summary"), s + "5")],
    }
    # Art. 49(4)(c): Section C points 1 to 3.
    section = _annex_viii_section(x, "C", prefill, {"4", "5"})
    return x.document([section], x.timing_notes(x.obligations("public_authority_registration")))


# --- Art. 50 transparency notices ---------------------------------------------------------------------------


def _names(x: Ctx) -> dict[str, str]:
    return {"system": user_text(x.profile.name), "organisation": user_text(x.org_name or x.profile.name)}


def _notice(x: Ctx, paragraph: str, wording: Sequence[Field], exceptions: str) -> Document:
    t = x.t
    obligations = [o for o in x.assessment.obligations if paragraph in o.citations]
    applies = [
        x.known(
            t("fields.applies_from"), o.applies_from.isoformat(), x.src_assessment("obligations"), paragraph
        )
        for o in obligations[:1]
        if o.applies_from is not None
    ]
    sections = [
        x.provision_section(paragraph, t("ui.law_heading"), fields=applies),
        Section(heading=t("fields.wording"), citation=paragraph, fields=tuple(wording)),
        Section(heading=t("fields.exceptions"), citation=paragraph, paragraphs=(exceptions,)),
        x.provision_section("Art. 50(5)", t("fields.placement"), items=t.items("notices.placement")),
    ]
    return x.document(sections, x.timing_notes(obligations))


def _proposal(x: Ctx, label: str, text: str, citation: str) -> Field:
    return Field(label=label, citation=citation, value=text, status="prefilled", source=x.t("sources.aidesk"))


def build_notice_chatbot(x: Ctx) -> Document:
    t, n, c = x.t, _names(x), "Art. 50(1)"
    wording = [
        _proposal(x, t("fields.short_label"), t("notices.chatbot.short"), c),
        _proposal(x, t("fields.first_message"), t("notices.chatbot.first_message", **n), c),
        _proposal(x, t("fields.voice"), t("notices.chatbot.voice", **n), c),
    ]
    return _notice(x, c, wording, t("notices.chatbot.exceptions"))


def build_notice_synthetic_content(x: Ctx) -> Document:
    t, n, c = x.t, _names(x), "Art. 50(2)"
    wording = [
        x.todo(t("fields.metadata_marking"), c, t("notices.synthetic.metadata")),
        _proposal(x, t("fields.visible_label"), t("notices.synthetic.visible_label", **n), c),
    ]
    return _notice(x, c, wording, t("notices.synthetic.exceptions"))


def build_notice_emotion_recognition(x: Ctx) -> Document:
    t, n, c = x.t, _names(x), "Art. 50(3)"
    flags = x.profile.transparency
    if flags.emotion_recognition and flags.biometric_categorisation:
        what = t("notices.emotion.both")
    elif flags.biometric_categorisation:
        what = t("notices.emotion.biometric_categorisation")
    else:
        what = t("notices.emotion.emotion_recognition")
    wording = [
        _proposal(x, t("fields.notice_text"), t("notices.emotion.notice", what=what, **n), c),
        _proposal(x, t("fields.signage"), t("notices.emotion.signage", what=what), c),
    ]
    return _notice(x, c, wording, t("notices.emotion.exceptions"))


def build_notice_deep_fake(x: Ctx) -> Document:
    t, c = x.t, "Art. 50(4)"
    ids = {o.id for o in x.assessment.obligations}
    deep_fake = "art_50_4_deep_fake_disclosure" in ids
    text = "art_50_4_public_interest_text_disclosure" in ids
    if not deep_fake and not text:
        deep_fake = text = True
    wording = []
    if deep_fake:
        wording += [
            _proposal(x, t("fields.deep_fake_label"), t("notices.deep_fake.label"), c),
            _proposal(x, t("fields.artistic_label"), t("notices.deep_fake.artistic"), c),
        ]
    if text:
        wording.append(
            _proposal(x, t("fields.public_interest_label"), t("notices.deep_fake.public_interest"), c)
        )
    return _notice(x, c, wording, t("notices.deep_fake.exceptions"))


# --- GPAI: Annex XI, Annex XII, training-content summary ------------------------------------------------------


def _gpai_prefill(x: Ctx, base: str, release: str, licence: str, tasks: str) -> dict[str, list[Field]]:
    t, p = x.t, x.profile
    prefill: dict[str, list[Field]] = {base + tasks: [x.purpose(t("fields.tasks"), base + tasks)]}
    if p.placed_on_market:
        prefill[base + release] = [
            x.known(
                t("fields.release"),
                p.placed_on_market.isoformat(),
                x.src_profile("placed_on_market"),
                base + release,
            ),
            x.answer(base + release),
        ]
    if p.gpai_model.open_source:
        prefill[base + licence] = [
            x.todo(t("fields.licence"), base + licence, t("values_text.open_source_licence")),
        ]
    return prefill


def build_annex_xi(x: Ctx) -> Document:
    t, p, a = x.t, x.profile, x.assessment
    annex = x.corpus.annexes["XI"]
    s1 = "Annex XI Section 1 "
    prefill = _gpai_prefill(x, s1, "1(c)", "1(f)", "1(a)")
    flop = p.gpai_model.training_compute_flop
    if flop is not None:
        prefill[s1 + "2(d)"] = [
            x.known(
                t("fields.compute"),
                t("values_text.compute_value", flop=_flop(flop)),
                x.src_profile("gpai_model.training_compute_flop"),
                s1 + "2(d)",
            ),
            x.answer(s1 + "2(d)"),
        ]
    sections = []
    intro: list[str] = []
    for number, section in enumerate(annex.sections, start=1):
        if number == 2 and not a.gpai.systemic_risk:
            intro.append(x.doc("not_systemic_note"))
            continue
        heading, sec_intro = split_section_heading(section)
        sections.append(
            Section(
                heading=" — ".join([heading, *sec_intro[:1]])
                if sec_intro and len(sec_intro[0]) < 120
                else heading,
                citation=str(section.citation),
                law="\n".join(sec_intro),
                law_in_english=x.in_english(str(section.citation)),
                subsections=tuple(x.point_section(pt, prefill) for pt in section.points),
            )
        )
    if a.gpai.systemic_risk:
        intro.append(x.doc("systemic_note"))
        if p.gpai_model.designated_systemic_risk:
            intro.append(t("values_text.systemic_designated"))
        elif flop is not None and flop > 1e25:
            intro.append(t("values_text.systemic_presumed"))
    intro = [*x.timing_notes(x.obligations("gpai_technical_documentation")), *intro]
    return x.document(sections, intro)


def build_annex_xii(x: Ctx) -> Document:
    annex = x.corpus.annexes["XII"]
    prefill = _gpai_prefill(x, "Annex XII ", "1(c)", "1(h)", "1(a)")
    section = Section(
        heading=x.doc("title"),
        citation="Annex XII",
        law="\n".join(annex.intro),
        law_in_english=x.in_english("Annex XII"),
        subsections=tuple(x.point_section(pt, prefill) for pt in annex.points),
    )
    return x.document([section], x.timing_notes(x.obligations("gpai_downstream_information")))


def build_training_summary(x: Ctx) -> Document:
    t, p = x.t, x.profile
    c = "Art. 53(1)(d)"
    d = "docs.training-summary."
    g = "guidance."

    def sub(number: str, key: str, fields: Sequence[Field] | None = None, citation: str = c) -> Section:
        return Section(
            heading=f"{number} {t(d + key)}",
            citation=citation,
            fields=tuple(fields) if fields is not None else (x.todo(t("ui.answer"), citation, t(g + key)),),
        )

    provider = [x.org_field(t("header.organisation"), c)]
    if p.organisation.country:
        provider.append(
            x.known(t("header.country"), p.organisation.country, x.src_profile("organisation.country"), c)
        )
    provider.append(x.todo(t("ui.answer"), c, t(g + "provider")))
    model = [x.system_name(t("header.model"), c)]
    if p.placed_on_market:
        model.append(
            x.known(t("fields.release"), p.placed_on_market.isoformat(), x.src_profile("placed_on_market"), c)
        )
    model.append(x.todo(t("ui.answer"), c, t(g + "model_version")))
    sections = [
        x.provision_section(c, t("ui.law_heading")),
        Section(
            heading=f"1. {t(d + 'general')}",
            citation=c,
            subsections=(
                sub("1.1", "provider", provider),
                sub("1.2", "model", model),
                sub("1.3", "modalities"),
            ),
        ),
        Section(
            heading=f"2. {t(d + 'sources')}",
            citation=c,
            subsections=tuple(
                sub(f"2.{i}", key)
                for i, key in enumerate(
                    ("public_datasets", "private_datasets", "crawled", "user_data", "synthetic", "other"),
                    start=1,
                )
            ),
        ),
        Section(
            heading=f"3. {t(d + 'processing')}",
            citation=c,
            subsections=(
                sub("3.1", "tdm_optout", citation="Art. 53(1)(c)"),
                sub("3.2", "illegal_content"),
                sub("3.3", "other_processing"),
            ),
        ),
    ]
    return x.document(
        sections, x.timing_notes(x.obligations("gpai_training_content_summary")), citations=(c, "Recital 107")
    )


BUILDERS: dict[str, Callable[[Ctx], Document]] = {
    "annex-iv": build_annex_iv,
    "fria": build_fria,
    "annex-v": build_annex_v,
    "annex-viii-a": build_annex_viii_a,
    "annex-viii-b": build_annex_viii_b,
    "annex-viii-c": build_annex_viii_c,
    "notice-chatbot": build_notice_chatbot,
    "notice-synthetic-content": build_notice_synthetic_content,
    "notice-emotion-recognition": build_notice_emotion_recognition,
    "notice-deep-fake": build_notice_deep_fake,
    "annex-xi": build_annex_xi,
    "annex-xii": build_annex_xii,
    "training-summary": build_training_summary,
}


def all_applicability(x: Ctx) -> list[Applicability]:
    roles = [r.value for r in x.profile.roles]
    return [applicability(kind, x.assessment, roles, x.t) for kind in KINDS]


def build(x: Ctx) -> Document:
    if x.kind == "report":
        return build_report(x, all_applicability(x))
    return BUILDERS[x.kind](x)
