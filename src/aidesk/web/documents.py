"""Downloads of the documents the AI Act asks for (`aidesk.documents`): the result page lists those that
apply to the system, each in every format (md, html, pdf, docx, json); the link streams the rendered file.

Stateless like the result page: `/assess/documents/annex-iv.pdf?p=…` carries the profile (and the
regime and date). The inventory's system pages use the same listing with their own download route,
which adds what the register knows (reference, owner, status).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aidesk.rules.model import Assessment
from aidesk.rules.profile import Profile, ProfileError, profile_from_data
from aidesk.web.i18n import N_
from aidesk.web.render import lang_of, page

router = APIRouter()

FORMAT_LABELS = {
    "pdf": "PDF",
    "docx": "Word (DOCX)",
    "html": "HTML",
    "md": "Markdown",
    "json": "JSON",
}
FORMAT_ORDER = ("pdf", "docx", "html", "md", "json")


def document_links(
    profile: Profile, assessment: Assessment, lang: str, href: Callable[[str, str], str]
) -> list[dict[str, Any]]:
    """The documents that apply, each with a download link per format (`href(kind, fmt)`)."""
    from aidesk.documents import list_documents

    out = []
    for info in list_documents(profile, assessment, lang=lang):
        if not info.applies:
            continue
        out.append(
            {
                "document": info.kind,
                "title": info.title,
                "reason": info.reason,
                "citations": list(info.citations),
                "formats": [
                    {"format": f, "label": FORMAT_LABELS.get(f, f), "href": href(info.kind, f)}
                    for f in FORMAT_ORDER
                    if f in info.formats
                ],
            }
        )
    return out


def stateless_href(token: str, regime: str | None, as_of: str | None) -> Callable[[str, str], str]:
    query = urlencode({k: v for k, v in (("p", token), ("regime", regime), ("as_of", as_of)) if v})

    def href(kind: str, fmt: str) -> str:
        return f"/assess/documents/{kind}.{fmt}?{query}"

    return href


def download(
    request: Request,
    profile: Profile,
    kind: str,
    fmt: str,
    *,
    regime: str,
    as_of: Any = None,
    meta: Any = None,
) -> Response:
    """The rendered document as an attachment, or an error page (422) naming what is wrong."""
    from aidesk.documents import DocumentError, render_document

    lang = lang_of(request)
    try:
        out = render_document(profile, kind, fmt, lang=lang, regime=regime, as_of=as_of, meta=meta)
    except DocumentError as exc:
        data = {
            "status": 422,
            "title": N_("This document cannot be generated"),
            "message": N_("The document asked for does not exist or does not apply to this system."),
            "detail": str(exc),
        }
        return page(request, "error.html", data, status_code=422)
    disposition = "inline" if out.format in ("html", "pdf") else "attachment"
    return Response(
        out.content,
        media_type=out.media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{out.filename}"',
            "X-Content-Type-Options": "nosniff",
            # A generated HTML document runs no script and loads nothing from elsewhere.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        },
    )


@router.get("/assess/documents/{name}", name="assess_document")
def assess_document(request: Request, name: str, p: str = "", regime: str = "", as_of: str = "") -> Response:
    from aidesk.web.assess import FormProblem, _as_of, _regime, decode_profile

    kind, _, fmt = name.rpartition(".")
    try:
        reg = _regime(regime)
        when = _as_of(as_of)
        profile = profile_from_data(decode_profile(p))
    except (FormProblem, ProfileError) as exc:
        data = {
            "status": 422,
            "title": N_("Bad request"),
            "message": N_("Some parameters of this request are not valid."),
            "detail": "; ".join(str(x) for x in getattr(exc, "problems", [])),
        }
        return page(request, "error.html", data, status_code=422)
    return download(request, profile, kind or name, fmt, regime=reg, as_of=when)
