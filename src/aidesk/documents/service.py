"""The documents service: which documents apply to a system, and each one rendered to bytes.

Pure of any adapter: the CLI (`aidesk documents`), the HTTP API and the web result page call these
functions with a validated profile (and, when they have them, the assessment and inventory metadata).

    from aidesk.documents import applicable_documents, render_document
    for info in applicable_documents(profile):
        out = render_document(profile, info.kind, "pdf", lang="fr")
        Path(out.filename).write_bytes(out.content)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from aidesk.documents.builders import Ctx, DocumentMeta, all_applicability, build
from aidesk.documents.catalogue import BY_ID, KIND_IDS, UnknownDocumentError, expand
from aidesk.documents.model import Document
from aidesk.documents.render import FORMATS, MEDIA_TYPES, Format, render
from aidesk.documents.text import LANGS, Texts

if TYPE_CHECKING:
    from aidesk.rules.model import Assessment
    from aidesk.rules.profile import Profile


class DocumentError(ValueError):
    """A request for documents that cannot be served (bad input: one line that says why)."""


class NotApplicableError(DocumentError):
    """A document was asked for that the AI Act does not ask of this system in these roles."""


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    kind: str
    title: str
    applies: bool
    reason: str
    citations: tuple[str, ...]
    formats: tuple[str, ...] = field(default=FORMATS)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "document": self.kind,
            "title": self.title,
            "applies": self.applies,
            "reason": self.reason,
            "citations": list(self.citations),
            "formats": list(self.formats),
        }


@dataclass(frozen=True, slots=True)
class RenderedDocument:
    kind: str
    format: str
    lang: str
    filename: str
    media_type: str
    content: bytes


def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise DocumentError(f"unknown language {lang!r}; choose from: {', '.join(LANGS)}")
    return lang


def check_format(fmt: str) -> Format:
    value = fmt.strip().lower()
    aliases = {"markdown": "md", "word": "docx"}
    value = aliases.get(value, value)
    for known in FORMATS:
        if value == known:
            return known
    raise DocumentError(f"unknown format {fmt!r}; choose from: {', '.join(FORMATS)}")


def _corpus_version(regime: str) -> str | None:
    from aidesk.law.corpus import available_versions

    m = re.fullmatch(r"ai-act-(\d{4})", regime)
    return m.group(1) if m and m.group(1) in available_versions() else None


def _assessment(
    profile: Profile, assessment: Assessment | None, lang: str, regime: str | None, as_of: date | None
) -> Assessment:
    from aidesk.rules import DEFAULT_REGIME, assess

    if assessment is not None and assessment.lang == lang:
        return assessment
    if assessment is not None:  # same result, titles in the document's language
        return assess(profile, assessment.regime, assessment.as_of, lang)
    return assess(profile, regime or DEFAULT_REGIME, as_of, lang)


def _ctx(
    kind: str,
    profile: Profile,
    assessment: Assessment | None,
    lang: str,
    meta: DocumentMeta | None,
    regime: str | None,
    as_of: date | None,
) -> Ctx:
    from aidesk.law.corpus import load_corpus

    lang = _check_lang(lang)
    result = _assessment(profile, assessment, lang, regime, as_of)
    corpus = load_corpus(_corpus_version(result.regime), lang)
    return Ctx(kind, profile, result, meta or DocumentMeta(), corpus, date.today())


def list_documents(
    profile: Profile,
    assessment: Assessment | None = None,
    *,
    lang: str = "en",
    regime: str | None = None,
    as_of: date | None = None,
) -> list[DocumentInfo]:
    """Every document aidesk can generate, each saying whether it applies to this system and why."""
    x = _ctx("report", profile, assessment, lang, None, regime, as_of)
    t = Texts(x.lang)
    return [
        DocumentInfo(ap.kind, t(f"docs.{ap.kind}.title"), ap.applies, ap.reason, BY_ID[ap.kind].citations)
        for ap in all_applicability(x)
    ]


def applicable_documents(
    profile: Profile,
    assessment: Assessment | None = None,
    *,
    lang: str = "en",
    regime: str | None = None,
    as_of: date | None = None,
) -> list[DocumentInfo]:
    """The documents the AI Act asks of this system in its roles (the assessment report always)."""
    return [
        d for d in list_documents(profile, assessment, lang=lang, regime=regime, as_of=as_of) if d.applies
    ]


def select_documents(
    profile: Profile,
    only: Iterable[str] | None = None,
    assessment: Assessment | None = None,
    *,
    lang: str = "en",
    regime: str | None = None,
    as_of: date | None = None,
) -> list[DocumentInfo]:
    """The documents to generate: all that apply, or those named in `only` (ids or groups such as
    `registration`, `notices`, `gpai`). Raises `DocumentError` for an unknown name and
    `NotApplicableError` (with the reason) for a document named explicitly that does not apply."""
    infos = list_documents(profile, assessment, lang=lang, regime=regime, as_of=as_of)
    if only is None:
        return [d for d in infos if d.applies]
    try:
        wanted, explicit = expand(only)
    except UnknownDocumentError as exc:
        raise DocumentError(str(exc)) from None
    if not wanted:
        raise DocumentError(f"no document named; choose from: {', '.join(KIND_IDS)}")
    by_kind = {d.kind: d for d in infos}
    refused = [by_kind[k] for k in wanted if k in explicit and not by_kind[k].applies]
    if refused:
        raise NotApplicableError(
            "; ".join(f"{d.kind} does not apply to {profile.name!r}: {d.reason}" for d in refused)
        )
    chosen = [by_kind[k] for k in wanted if by_kind[k].applies]
    if not chosen:
        reasons = "; ".join(f"{by_kind[k].kind}: {by_kind[k].reason}" for k in wanted)
        raise NotApplicableError(f"none of the documents asked for applies to {profile.name!r}: {reasons}")
    return chosen


def build_document(
    profile: Profile,
    kind: str,
    assessment: Assessment | None = None,
    *,
    lang: str = "en",
    meta: DocumentMeta | None = None,
    regime: str | None = None,
    as_of: date | None = None,
    check: bool = True,
) -> Document:
    """The document model of one document kind (see `render_document` for bytes)."""
    if kind not in BY_ID:
        raise DocumentError(f"unknown document {kind!r}; choose from: {', '.join(KIND_IDS)}")
    x = _ctx(kind, profile, assessment, lang, meta, regime, as_of)
    if check:
        ap = next(a for a in all_applicability(x) if a.kind == kind)
        if not ap.applies:
            raise NotApplicableError(f"{kind} does not apply to {profile.name!r}: {ap.reason}")
    return build(x)


def slug(text: str, fallback: str = "system") -> str:
    """A safe file-name part: lower-case ASCII letters, digits and dashes."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return out or fallback


def filename_for(profile: Profile, kind: str, fmt: str, lang: str) -> str:
    return f"{slug(profile.name)}.{kind}.{lang}.{fmt}"


def render_document(
    profile: Profile,
    kind: str,
    fmt: str,
    assessment: Assessment | None = None,
    *,
    lang: str = "en",
    meta: DocumentMeta | None = None,
    regime: str | None = None,
    as_of: date | None = None,
) -> RenderedDocument:
    """One document rendered to bytes in a format (md, html, pdf, docx, json).
    Raises `DocumentError` / `NotApplicableError` on bad input."""
    format_ = check_format(fmt)
    doc = build_document(profile, kind, assessment, lang=lang, meta=meta, regime=regime, as_of=as_of)
    return RenderedDocument(
        kind=kind,
        format=format_,
        lang=doc.lang,
        filename=filename_for(profile, kind, format_, doc.lang),
        media_type=MEDIA_TYPES[format_],
        content=render(doc, format_),
    )


def render_documents(
    profile: Profile,
    kinds: Sequence[str],
    formats: Sequence[str],
    assessment: Assessment | None = None,
    *,
    lang: str = "en",
    meta: DocumentMeta | None = None,
    regime: str | None = None,
    as_of: date | None = None,
) -> list[RenderedDocument]:
    """Several documents in several formats, assessing once."""
    fmts = [check_format(f) for f in formats]
    result = _assessment(profile, assessment, _check_lang(lang), regime, as_of)
    out = []
    for kind in kinds:
        doc = build_document(profile, kind, result, lang=lang, meta=meta)
        for fmt in fmts:
            out.append(
                RenderedDocument(
                    kind,
                    fmt,
                    doc.lang,
                    filename_for(profile, kind, fmt, doc.lang),
                    MEDIA_TYPES[fmt],
                    render(doc, fmt),
                )
            )
    return out
