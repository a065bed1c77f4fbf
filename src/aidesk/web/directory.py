"""The directory of the European AI ecosystem: filters, a cartogram of the 27 Member States, entry pages
with their sources and unverified fields marked."""

from __future__ import annotations

import re
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from aidesk.directory import service
from aidesk.directory.schema import (
    EU_MEMBER_STATES,
    KIND_LABELS,
    LEGACY_LABEL,
    SECTOR_LABELS,
    Entry,
    Kind,
    normalise_country,
)
from aidesk.web.i18n import N_, country_name, gettext
from aidesk.web.render import lang_of, page, url_with
from aidesk.web.svg import cartogram

router = APIRouter()

PER_PAGE = 30
_URL = re.compile(r"^(https?://\S+?)([.,;)]?)(\s.*)?$")

FIELD_LABELS = {
    "name": N_("Name"),
    "kind": N_("Kind"),
    "countries": N_("Countries"),
    "partner_countries": N_("Partner countries"),
    "city": N_("City"),
    "host": N_("Host or coordinator"),
    "sectors": N_("Sectors"),
    "topics": N_("Topics"),
    "services": N_("Services"),
    "access": N_("How to get access"),
    "status": N_("Status"),
    "url": N_("Website"),
    "summary": N_("Summary"),
    "related": N_("Related entries"),
    "as_of": N_("Information dated"),
}
CONFIDENCE = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def _kind_label(kind: Kind, lang: str) -> str:
    en, fr = KIND_LABELS[kind]
    return fr if lang == "fr" else en


def _source(text: str) -> dict[str, str | None]:
    m = _URL.match(text.strip())
    if not m:
        return {"href": None, "text": text}
    return {"href": m.group(1), "text": text}


def _item(e: Entry, lang: str) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind.value,
        "kind_label": _kind_label(e.kind, lang),
        "countries": list(e.countries),
        "city": e.city,
        "summary": e.summary,
        "legacy": e.legacy,
        "unverified": sorted(e.unverified),
        "href": f"/directory/{e.id}",
    }


@router.get("/directory", name="directory")
def directory_page(
    request: Request,
    q: str = "",
    country: str = "",
    kind: str = "",
    sector: str = "",
    page_number: int = 1,
) -> Response:
    lang = lang_of(request)
    page_arg = request.query_params.get("page")
    if page_arg is not None:
        page_number = int(page_arg) if page_arg.isdigit() and int(page_arg) > 0 else 1
    d = service.load(data_dir(request))
    problem = None
    try:
        hits = d.search(
            q or None, country=country or None, kind=kind or None, sector=sector or None, limit=None
        )
        around = d.search(q or None, kind=kind or None, sector=sector or None, limit=None)
    except service.DirectoryError as exc:
        problem = str(exc)
        hits, around = service.Hits(), service.Hits()
    counts: dict[str, int] = {}
    for h in around:
        for c in h.entry.countries:
            counts[c] = counts.get(c, 0) + 1
    code = normalise_country(country) if country else None
    total = len(hits)
    pages = max(1, -(-total // PER_PAGE))
    page_number = min(page_number, pages)
    shown = hits[(page_number - 1) * PER_PAGE : page_number * PER_PAGE]
    countries_present = sorted(
        {c for e in d.entries for c in e.countries},
        key=lambda c: (c not in EU_MEMBER_STATES, country_name(c, lang)),
    )
    data = {
        "filters": {"q": q, "country": code or "", "kind": kind, "sector": sector},
        "problem": problem,
        "total": total,
        "page": page_number,
        "pages": pages,
        "results": [_item(h.entry, lang) for h in shown],
        "counts": {c: counts.get(c, 0) for c in sorted(EU_MEMBER_STATES)},
        "options": {
            "kinds": [{"value": k.value, "label": _kind_label(k, lang)} for k in Kind],
            "sectors": [
                {"value": s.value, "label": (fr if lang == "fr" else en)}
                for s, (en, fr, _) in SECTOR_LABELS.items()
            ],
            "countries": [
                {"value": c, "label": country_name(c, lang), "eu": c in EU_MEMBER_STATES}
                for c in countries_present
            ],
        },
    }

    def tile_href(c: str) -> str:
        return url_with(request, country=None if c == code else c, page=None, format=None)

    extra = {
        "map": cartogram(counts, code, tile_href, lang),
        "prev_href": url_with(request, page=str(page_number - 1)) if page_number > 1 else None,
        "next_href": url_with(request, page=str(page_number + 1)) if page_number < pages else None,
        "clear_href": "/directory",
    }
    status = 422 if problem else 200
    return page(
        request, "directory.html", data, extra=extra, status_code=status, title=gettext(lang, N_("Directory"))
    )


@router.get("/directory/{entry_id}", name="directory_entry")
def entry_page(request: Request, entry_id: str) -> Response:
    lang = lang_of(request)
    d = service.load(data_dir(request))
    e = d.get(entry_id)
    if e is None:
        raise HTTPException(404, f"no directory entry {entry_id!r}")
    related = []
    for rid in e.related:
        other = d.get(rid)
        related.append(
            {"id": rid, "name": other.name if other else rid, "href": f"/directory/{rid}" if other else None}
        )
    data = {
        "entry": e.model_dump(mode="json"),
        "kind_label": _kind_label(e.kind, lang),
        "sector_labels": [(SECTOR_LABELS[s][1] if lang == "fr" else SECTOR_LABELS[s][0]) for s in e.sectors],
        "related": related,
        "sources": [_source(s) for s in e.sources],
        "legacy_label": LEGACY_LABEL if e.legacy else None,
    }
    extra = {"field_labels": FIELD_LABELS, "confidence_labels": CONFIDENCE}
    return page(request, "directory_entry.html", data, extra=extra, title=e.name)


def data_dir(request: Request) -> Any:
    """The data dir the app was configured with (where directory imports are kept)."""
    settings = getattr(request.app.state, "settings", None)
    return getattr(settings, "data_dir", None)
