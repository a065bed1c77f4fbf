"""The documents the AI Act asks for, generated from the profile and its assessment (issue 11).

Annex IV technical documentation, the fundamental rights impact assessment (Art. 27), the EU declaration
of conformity (Annex V), the EU database registration data (Annex VIII Sections A, B, C), the Art. 50
transparency notices, the GPAI documentation (Annex XI, Annex XII, training-content summary) and the
assessment report; in English or French, as Markdown, HTML, PDF, DOCX or JSON.

A service over `aidesk.rules` and `aidesk.law`: it imports nothing from the CLI, the web or the database.
"""

from __future__ import annotations

from aidesk.documents.builders import DocumentMeta
from aidesk.documents.catalogue import ALIASES, KIND_IDS
from aidesk.documents.model import Document
from aidesk.documents.render import FORMATS, MEDIA_TYPES
from aidesk.documents.service import (
    DocumentError,
    DocumentInfo,
    NotApplicableError,
    RenderedDocument,
    applicable_documents,
    build_document,
    check_format,
    list_documents,
    render_document,
    render_documents,
    select_documents,
)

__all__ = [
    "ALIASES",
    "FORMATS",
    "KIND_IDS",
    "MEDIA_TYPES",
    "Document",
    "DocumentError",
    "DocumentInfo",
    "DocumentMeta",
    "NotApplicableError",
    "RenderedDocument",
    "applicable_documents",
    "build_document",
    "check_format",
    "list_documents",
    "render_document",
    "render_documents",
    "select_documents",
]
