"""Where a citation lands in the web desk: the page of its article, recital list or annex, and the
anchor (`id`) of the exact paragraph or point (`Art. 5(1)(f)` → `/law/article/5#art-5-1-f`)."""

from __future__ import annotations

import re
from urllib.parse import quote

from aidesk.law.citations import AI_ACT, Citation, CitationError, Kind, parse

DEFAULT_VERSION = "2026"
AMENDING_ACT = "2026/1744"


def _slug(part: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", part.lower()).strip("_")


def anchor(citation: Citation) -> str:
    """The HTML id of a provision: `art-5-1-f`, `rec-53`, `annex-iii-4-a`, `annex-i-sb-21`."""
    if citation.kind is Kind.RECITAL:
        return f"rec-{citation.number}"
    if citation.kind is Kind.ARTICLE:
        return "-".join(["art", _slug(citation.number), *(_slug(p) for p in citation.path)])
    parts = ["annex", citation.number.lower()]
    if citation.section is not None:
        parts.append("s" + _slug(citation.section))
    parts += [_slug(p) for p in citation.path]
    return "-".join(parts)


def page_of(citation: Citation) -> str:
    """The path of the page that shows the provision (without version or anchor)."""
    if citation.act == AMENDING_ACT:
        return "/law/amending"
    if citation.kind is Kind.RECITAL:
        return "/law/recitals"
    if citation.kind is Kind.ARTICLE:
        return f"/law/article/{citation.number}"
    return f"/law/annex/{citation.number}"


def law_href(ref: str | Citation, version: str | None = None) -> str | None:
    """The link of a citation in the law view, or None when it names no act the corpus holds."""
    try:
        citation = parse(ref) if isinstance(ref, str) else ref
    except CitationError:
        return None
    if citation.act not in (AI_ACT, AMENDING_ACT):
        return None
    path = page_of(citation)
    if version and version != DEFAULT_VERSION and citation.act == AI_ACT:
        path += f"?version={quote(version)}"
    whole = citation.act == AI_ACT and citation.kind is not Kind.RECITAL and not citation.path
    whole = whole and citation.section is None
    return path if whole else f"{path}#{anchor(citation)}"
