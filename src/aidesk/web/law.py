"""The law: table of contents, articles, recitals, annexes and the amending act, with every paragraph and
point anchored so that a citation link lands on it. Versions "2026" (as amended, default) and "2024"."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from aidesk.law.amending import load_amending_act
from aidesk.law.citations import AI_ACT, Citation, CitationError, parse
from aidesk.law.corpus import Corpus, available_versions, default_version, load_corpus, locate
from aidesk.law.model import Annex, Article, Change, Paragraph, Point
from aidesk.web.i18n import N_, gettext
from aidesk.web.links import AMENDING_ACT, anchor, law_href
from aidesk.web.render import lang_of, page, url_with

router = APIRouter()

CHANGE_KINDS = {"inserted": N_("inserted"), "replaced": N_("replaced"), "deleted": N_("deleted")}
_AMENDING_POINT = re.compile(r"Art\.\s*(\d+)\s+point\s+(\d+)")


def _version(request: Request) -> str:
    value = request.query_params.get("version") or default_version()
    if value not in available_versions():
        raise HTTPException(
            404, f"unknown version {value!r}: choose one of {', '.join(available_versions())}"
        )
    return value


def amending_href(amending_point: str) -> str:
    """`Reg. (EU) 2026/1744, Art. 1 point 7(a)` → the numbered point of Art. 1 in the amending act."""
    m = _AMENDING_POINT.search(amending_point)
    if not m:
        return "/law/amending"
    return f"/law/amending#art-{m.group(1)}-point-{m.group(2)}"


def _change(ch: Change) -> dict[str, Any]:
    return {
        "ref": str(ch.citation),
        "kind": ch.kind,
        "kind_label": CHANGE_KINDS.get(ch.kind, ch.kind),
        "amending_point": ch.amending_point,
        "amending_href": amending_href(ch.amending_point),
        "part": ch.part,
        "note": ch.note,
    }


class _Marks:
    """What to say about each provision: its changes (this version), later changes (an older version),
    and whether it is shown in English in a French text."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.exact: dict[Citation, list[Change]] = {}
        for ch in corpus.changes:
            self.exact.setdefault(ch.citation, []).append(ch)
        self.later: dict[Citation, list[Change]] = {}
        newest = default_version()
        if corpus.version != newest:
            for ch in load_corpus(newest, "en").changes:
                self.later.setdefault(ch.citation, []).append(ch)

    def of(self, citation: Citation) -> dict[str, Any]:
        english = citation in self.corpus.english_fallback
        parent = citation.parent
        english_start = english and (parent is None or parent not in self.corpus.english_fallback)
        return {
            "changes": [_change(ch) for ch in self.exact.get(citation, [])],
            "later_changes": [_change(ch) for ch in self.later.get(citation, [])],
            "english": english,
            "english_start": english_start,
        }


_NO_MARKS: dict[str, Any] = {"changes": [], "later_changes": [], "english": False, "english_start": False}


def _point(p: Point, marks: _Marks) -> dict[str, Any]:
    return {
        "ref": str(p.citation),
        "anchor": anchor(p.citation),
        "label": p.label,
        "text": p.text,
        "after": list(p.after),
        "points": [_point(x, marks) for x in p.points],
        **marks.of(p.citation),
    }


def _paragraph(p: Paragraph, article: Article, marks: _Marks) -> dict[str, Any]:
    direct = p.citation == article.citation  # one unnumbered paragraph: points cited directly
    lines = p.text.split("\n") if p.text else []
    return {
        "ref": None if direct else str(p.citation),
        "anchor": None if direct else anchor(p.citation),
        "number": p.number,
        "lines": lines,
        "points": [_point(x, marks) for x in p.points],
        **(marks.of(p.citation) if not direct else _NO_MARKS),
    }


def _versions(request: Request, current: str, exists: dict[str, bool] | None = None) -> list[dict[str, Any]]:
    labels = {"2024": N_("2024 — as published"), "2026": N_("2026 — as amended by the AI Omnibus")}
    out = []
    for v in available_versions()[::-1]:
        here = exists is None or exists.get(v, True)
        href = (
            url_with(request, version=None if v == default_version() else v)
            if here
            else ("/law" + ("" if v == default_version() else f"?version={v}"))
        )
        out.append({"version": v, "label": labels.get(v, v), "current": v == current, "href": href})
    return out


def _changes_within(corpus: Corpus, citation: Citation) -> list[dict[str, Any]]:
    """The amending act's changes inside an article or annex; in an older text, those made later
    (linked to the newest text)."""
    newest = default_version()
    source = corpus if corpus.version == newest else load_corpus(newest, "en")

    def href(c: Citation) -> str | None:
        if c in corpus.index:
            return law_href(c, corpus.version)
        return law_href(c, newest) if c in source.index else None

    return [{**_change(ch), "href": href(ch.citation)} for ch in source.changes_within(citation)]


# --- table of contents ---------------------------------------------------------------------------


@router.get("/law", name="law_toc")
def toc(request: Request) -> Response:
    version = _version(request)
    lang = lang_of(request)
    corpus = load_corpus(version, lang)
    changed = {ch.citation.unit for ch in corpus.changes}
    chapters = []
    for ch in corpus.chapters:
        groups: list[dict[str, Any]] = []
        for number in ch.articles:
            article = corpus.articles.get(number)
            if article is None:
                continue
            sid = article.section
            if not groups or groups[-1]["id"] != sid:
                groups.append({"id": sid, "title": _section_title(corpus, article), "articles": []})
            groups[-1]["articles"].append(
                {
                    "number": number,
                    "title": article.title,
                    "href": law_href(article.citation, version),
                    "amended": article.citation in changed,
                    "english": article.citation in corpus.english_fallback,
                }
            )
        chapters.append({"number": ch.number, "title": ch.title, "groups": groups})
    annexes = [
        {
            "number": a.number,
            "title": a.title,
            "href": law_href(a.citation, version),
            "amended": a.citation in changed,
            "english": a.citation in corpus.english_fallback,
        }
        for a in corpus.annexes.values()
    ]
    data = {
        "version": version,
        "title": corpus.title,
        "chapters": chapters,
        "recitals": {"count": len(corpus.recitals), "href": law_href("Recital 1", version)},
        "annexes": annexes,
        "changes": len(corpus.changes),
    }
    return page(request, "law_toc.html", data, extra={"versions": _versions(request, version)})


# --- one article -----------------------------------------------------------------------------------


def _neighbours(
    corpus: Corpus, number: str, version: str
) -> tuple[dict[str, str] | None, dict[str, str] | None]:
    order = list(corpus.articles)
    i = order.index(number)
    prev_ = corpus.articles[order[i - 1]] if i > 0 else None
    next_ = corpus.articles[order[i + 1]] if i + 1 < len(order) else None

    def link(a: Article | None) -> dict[str, str] | None:
        if a is None:
            return None
        return {"number": a.number, "title": a.title, "href": law_href(a.citation, version) or ""}

    return link(prev_), link(next_)


def _chapter_title(corpus: Corpus, art: Article) -> str:
    """The chapter's title in the corpus language (an inserted article may carry the English one)."""
    return next((ch.title for ch in corpus.chapters if ch.number == art.chapter), art.chapter_title)


def _section_title(corpus: Corpus, art: Article) -> str | None:
    for ch in corpus.chapters:
        if ch.number == art.chapter:
            return next((title for sid, title in ch.sections if sid == art.section), art.section_title)
    return art.section_title


@router.get("/law/article/{number}", name="law_article")
def article(request: Request, number: str) -> Response:
    version = _version(request)
    lang = lang_of(request)
    corpus = load_corpus(version, lang)
    art = corpus.articles.get(number.lower())
    if art is None:
        raise HTTPException(404, f"the AI Act ({version} text) has no Article {number}")
    marks = _Marks(corpus)
    prev_, next_ = _neighbours(corpus, art.number, version)
    exists = {v: art.number in load_corpus(v, "en").articles for v in available_versions()}
    data = {
        "version": version,
        "ref": str(art.citation),
        "anchor": anchor(art.citation),
        "number": art.number,
        "title": art.title,
        "chapter": {"number": art.chapter, "title": _chapter_title(corpus, art)},
        "section": {"id": art.section, "title": _section_title(corpus, art)} if art.section else None,
        "paragraphs": [_paragraph(p, art, marks) for p in art.paragraphs],
        "footnotes": list(art.footnotes),
        "changes_within": _changes_within(corpus, art.citation),
        "previous": prev_,
        "next": next_,
        **marks.of(art.citation),
    }
    return page(
        request,
        "law_article.html",
        data,
        title=gettext(lang, N_("Article %(n)s")) % {"n": art.number},
        extra={"versions": _versions(request, version, exists)},
    )


# --- recitals ----------------------------------------------------------------------------------------


@router.get("/law/recitals", name="law_recitals")
def recitals(request: Request) -> Response:
    version = _version(request)
    corpus = load_corpus(version, lang_of(request))
    data = {
        "version": version,
        "recitals": [
            {"number": r.number, "ref": str(r.citation), "anchor": anchor(r.citation), "text": r.text}
            for r in corpus.recitals.values()
        ],
    }
    return page(request, "law_recitals.html", data, extra={"versions": _versions(request, version)})


# --- annexes -------------------------------------------------------------------------------------------


@router.get("/law/annex/{number}", name="law_annex")
def annex(request: Request, number: str) -> Response:
    version = _version(request)
    corpus = load_corpus(version, lang_of(request))
    found: Annex | None = corpus.annexes.get(number.upper())
    if found is None:
        raise HTTPException(404, f"the AI Act ({version} text) has no Annex {number}")
    marks = _Marks(corpus)
    structured = bool(found.points or found.sections)
    data = {
        "version": version,
        "ref": str(found.citation),
        "number": found.number,
        "title": found.title,
        "intro": list(found.intro),
        "points": [_point(p, marks) for p in found.points],
        "sections": [
            {
                "id": s.id,
                "ref": str(s.citation),
                "anchor": anchor(s.citation),
                "heading": s.heading,
                "intro": list(s.intro),
                "points": [_point(p, marks) for p in s.points],
                **marks.of(s.citation),
            }
            for s in found.sections
        ],
        "text": [] if structured else [line for line in found.text.split("\n") if line.strip()],
        "changes_within": _changes_within(corpus, found.citation),
        **marks.of(found.citation),
    }
    annexes = list(corpus.annexes)
    i = annexes.index(found.number)
    exists = {v: found.number in load_corpus(v, "en").annexes for v in available_versions()}
    nav = {
        "previous": law_href(f"Annex {annexes[i - 1]}", version) if i > 0 else None,
        "next": law_href(f"Annex {annexes[i + 1]}", version) if i + 1 < len(annexes) else None,
    }
    return page(
        request,
        "law_annex.html",
        data,
        title=gettext(lang_of(request), N_("Annex %(n)s")) % {"n": found.number},
        extra={"pager": nav, "versions": _versions(request, version, exists)},
    )


# --- the amending act (English only in the corpus) ---------------------------------------------------------


@cache
def _amending_data() -> dict[str, Any]:
    act = load_amending_act(AMENDING_ACT)

    def blocks(article_number: str, text: str) -> list[dict[str, Any]]:
        out = []
        for line in text.split("\n"):
            m = re.match(r"^\((\d+)\)\s", line)
            out.append({"text": line, "anchor": f"art-{article_number}-point-{m.group(1)}" if m else None})
        return out

    return {
        "number": act.number,
        "title": act.title,
        "short_title": act.short_title,
        "oj": act.oj,
        "adopted": act.adopted,
        "in_force": act.in_force,
        "recitals": [
            {"number": n, "anchor": f"rec-{n}", "ref": str(r.citation), "text": r.full_text}
            for n, r in act.recitals.items()
        ],
        "articles": [
            {"number": n, "anchor": f"art-{n}", "heading": a.heading, "blocks": blocks(n, a.full_text)}
            for n, a in act.articles.items()
        ],
    }


@router.get("/law/amending", name="law_amending")
def amending(request: Request) -> Response:
    return page(request, "law_amending.html", _amending_data())


# --- go to a citation -------------------------------------------------------------------------------------


@router.get("/law/cite", name="law_cite")
def cite(request: Request, ref: str = "") -> Response:
    """A citation typed by a user ("art. 5 para 1 point f", "considérant 53") → its page and anchor."""
    version = _version(request)
    lang = lang_of(request)
    from aidesk.web.render import wants_json

    try:
        citation = parse(ref)
        if citation.act == AI_ACT:
            located = locate(load_corpus(version, lang), citation)
            citation = located.citation
        elif citation.act != AMENDING_ACT:
            raise CitationError(f"{citation}: only Regulation (EU) 2024/1689 and 2026/1744 are in the corpus")
    except CitationError as exc:
        error = {"ref": ref, "version": version, "error": str(exc)}
        return page(request, "law_cite_error.html", error, status_code=404 if ref.strip() else 422)
    href = law_href(citation, version) or "/law"
    if wants_json(request):
        data: dict[str, Any] = {"ref": str(citation), "version": version, "href": href}
        if citation.act == AI_ACT:
            data.update(
                {
                    "kind": citation.kind.value,
                    "headings": list(located.headings),
                    "lead_in": list(located.lead_in),
                    "text": located.text,
                    "text_lang": "en" if located.shown_in_english else lang,
                    "amendments": [_change(ch) for ch in located.amendments],
                }
            )
        return page(request, "law_cite_error.html", data)
    return RedirectResponse(href, status_code=303)
