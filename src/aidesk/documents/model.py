"""The neutral model of a generated document: sections that follow the law point by point, each with
the legal wording it implements, its citation, and fields that are either pre-filled (with where the
value came from) or marked TODO (with guidance and the citation that asks for them).

Every renderer (Markdown, HTML, PDF, DOCX, JSON) walks this one model, so all formats carry the same
content. Text in the model is plain text: each renderer escapes it for its own format.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

FieldStatus = Literal["prefilled", "todo", "not_applicable"]

DOCUMENT_SCHEMA = "aidesk/document/v1"


@dataclass(frozen=True, slots=True)
class Field:
    """One thing the document must say: pre-filled from what aidesk knows, or left TODO with guidance."""

    label: str
    citation: str | None = None
    value: str | None = None
    status: FieldStatus = "todo"
    source: str | None = None  # where a pre-filled value comes from ("profile: organisation.name")
    guidance: str | None = None  # what to write (TODO) or why the point does not apply


@dataclass(frozen=True, slots=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A heading with the legal wording it implements, then text, fields, items, a table, sub-sections."""

    heading: str
    citation: str | None = None
    law: str | None = None  # the provision's wording, quoted from the corpus
    law_in_english: bool = False  # in a French document: the provision exists only in English (2026 changes)
    paragraphs: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()
    items: tuple[str, ...] = ()
    table: Table | None = None
    notes: tuple[str, ...] = ()
    subsections: tuple[Section, ...] = ()

    def walk(self) -> Iterator[Section]:
        yield self
        for sub in self.subsections:
            yield from sub.walk()


@dataclass(frozen=True, slots=True)
class Document:
    kind: str
    lang: str
    title: str
    subtitle: str
    citations: tuple[str, ...]
    header: tuple[Field, ...]  # identification of the system and the organisation
    intro: tuple[str, ...]
    sections: tuple[Section, ...]
    footer: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)  # UI words for renderers (TODO, Source, …)

    def walk(self) -> Iterator[Section]:
        for section in self.sections:
            yield from section.walk()

    def fields(self) -> Iterator[Field]:
        yield from self.header
        for section in self.walk():
            yield from section.fields

    def to_json_dict(self) -> dict[str, Any]:
        """Machine-readable form: every field with its point, value and status (flat, in reading order)."""

        def field_dict(f: Field) -> dict[str, Any]:
            return {
                "citation": f.citation,
                "label": f.label,
                "status": f.status,
                "value": f.value,
                "source": f.source,
                "guidance": f.guidance,
            }

        return {
            "schema": DOCUMENT_SCHEMA,
            "document": self.kind,
            "lang": self.lang,
            "title": self.title,
            "subtitle": self.subtitle,
            "citations": list(self.citations),
            "header": [field_dict(f) for f in self.header],
            "sections": [
                {
                    "heading": s.heading,
                    "citation": s.citation,
                    "fields": [field_dict(f) for f in s.fields],
                }
                for s in self.walk()
                if s.fields
            ],
        }
