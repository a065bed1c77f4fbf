"""The service desk page: a question or search box; a cited answer and the passages that make it,
with the query's words highlighted and every citation linked to its point in the law view."""

from __future__ import annotations

import importlib.util
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup, escape

from aidesk.web.i18n import N_, gettext
from aidesk.web.links import law_href
from aidesk.web.render import lang_of, page

router = APIRouter()

MAX_QUERY = 500
_WORD = re.compile(r"\w{4,}", re.UNICODE)


def available() -> bool:
    """The page exists when the service desk (`aidesk.desk`: search and ask) is installed."""
    try:
        return all(importlib.util.find_spec(m) is not None for m in ("aidesk.desk.search", "aidesk.desk.ask"))
    except ModuleNotFoundError:
        return False


def highlight(text: str, query: str) -> Markup:
    """The text, escaped, with the query's words (4 letters or more, any case) in <mark>."""
    words = sorted({w.lower() for w in _WORD.findall(query)}, key=len, reverse=True)
    safe = str(escape(text))
    if not words:
        return Markup(safe)
    pattern = re.compile(r"\b(" + "|".join(re.escape(str(escape(w))) for w in words) + r")", re.IGNORECASE)
    return Markup(pattern.sub(r"<mark>\1</mark>", safe))


def _hit(h: Any, query: str) -> dict[str, Any]:
    return {
        "ref": h.ref,
        "href": law_href(h.ref) if h.collection == "law" else None,
        "title": h.title,
        "snippet": highlight(h.snippet or h.text, query),
        "lang": h.lang,
        "kind": h.kind,
        "collection": h.collection,
        "score": round(float(h.score), 4),
        "source": dict(h.source or {}),
    }


@router.get("/desk", name="desk")
def desk_page(request: Request, q: str = "") -> Response:
    lang = lang_of(request)
    query = " ".join(q.split())[:MAX_QUERY]
    data: dict[str, Any] = {"query": query, "answer": None, "results": [], "error": None}
    status = 200
    if query:
        from aidesk.desk.ask import ask
        from aidesk.desk.search import QueryError, search

        try:
            answer = ask(query, lang=lang)
            more = search(query, limit=10, lang=lang)
        except QueryError as exc:
            data["error"] = str(exc)
            status = 422
        else:
            data["answer"] = {
                "text": answer.answer,
                "generated": answer.generated,
                "citations": answer.citations,
                "passages": [_hit(h, query) for h in answer.passages],
                "recitals": [_hit(h, query) for h in answer.recitals],
                "guidance": [_hit(h, query) for h in answer.guidance],
                "notes": answer.notes,
                "version": answer.version,
            }
            shown = {h["ref"] for h in data["answer"]["passages"] + data["answer"]["recitals"]}
            data["results"] = [_hit(h, query) for h in more.results if h.ref not in shown]
    title = gettext(lang, N_("Service desk"))
    return page(
        request, "desk.html", data, status_code=status, title=f"{query} · {title}" if query else title
    )
