"""The legal corpus: Regulation (EU) 2024/1689 in English and French, by version.

`load_corpus(version, lang)` builds the typed model from the bundled JSON once and caches
it; `Corpus.resolve(citation)` returns the provision a citation names, or raises a
`CitationError` that says precisely what is missing ("Art. 5 has no paragraph 9").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from aidesk.law.annexes import parse_annex
from aidesk.law.citations import AI_ACT, Citation, CitationError, Kind, parse
from aidesk.law.model import (
    Annex,
    AnnexSection,
    Article,
    Change,
    Chapter,
    Paragraph,
    Point,
    Provision,
    Recital,
)

LANGUAGES = ("en", "fr")
_DATA = "aidesk.law.data"


def available_versions() -> tuple[str, ...]:
    """Corpus versions shipped with the package, oldest first ("2024", …)."""
    names = [p.name for p in resources.files(_DATA).iterdir()]
    found = {m.group(1) for n in names if (m := re.fullmatch(r"ai_act_(\d{4})_en\.json", n))}
    return tuple(sorted(found))


def default_version() -> str:
    """The newest version shipped: the law as in force today."""
    return available_versions()[-1]


def _natural_key(number: str) -> tuple[int, str]:
    m = re.fullmatch(r"(\d+)([a-z]*)", number)
    return (int(m.group(1)), m.group(2)) if m else (10**6, number)


@dataclass(frozen=True)
class Corpus:
    version: str
    lang: str
    title: str
    chapters: tuple[Chapter, ...]
    recitals: dict[int, Recital]
    articles: dict[str, Article]
    annexes: dict[str, Annex]
    index: dict[Citation, Provision]
    corrections: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    # In a translation composed over an older text: the provisions shown in English because
    # the amending act has no text in this language yet.
    english_fallback: frozenset[Citation] = frozenset()

    # -- lookup ---------------------------------------------------------------------------
    def resolve(self, citation: Citation | str) -> Provision:
        c = parse(citation) if isinstance(citation, str) else citation
        if c.act != AI_ACT:
            raise CitationError(f"{c} is not a provision of Regulation (EU) {AI_ACT}")
        found = self.index.get(c)
        if found is not None:
            return found
        if c.kind is Kind.ANNEX and c.section is None and c.path:
            return self._resolve_annex_without_section(c)
        raise CitationError(self._explain_missing(c))

    def text(self, citation: Citation | str) -> str:
        return self.resolve(citation).full_text

    def article_of(self, citation: Citation) -> Article | None:
        return self.articles.get(citation.number) if citation.kind is Kind.ARTICLE else None

    def provisions(self) -> Iterator[tuple[Citation, Provision]]:
        """Every citable provision, in reading order."""
        return iter(self.index.items())

    def changes_covering(self, citation: Citation) -> list[Change]:
        """Changes whose wording this provision carries: on it or on a provision around it."""
        return [
            ch
            for ch in self.changes
            if ch.citation.covers(citation) and (not ch.heading_only or ch.citation == citation)
        ]

    def changes_within(self, citation: Citation) -> list[Change]:
        """Changes to provisions inside this one (`Art. 5` contains the new `Art. 5(1)(ba)`)."""
        return [ch for ch in self.changes if citation.covers(ch.citation) and ch.citation != citation]

    # -- errors that say what exists ------------------------------------------------------
    def _resolve_annex_without_section(self, c: Citation) -> Provision:
        annex = self.annexes.get(c.number)
        if annex is None or not annex.sections:
            raise CitationError(self._explain_missing(c))
        hits = [s for s in (c.with_section(sec.id) for sec in annex.sections) if s in self.index]
        if len(hits) == 1:
            return self.index[hits[0]]
        names = ", ".join(s.id for s in annex.sections)
        if hits:
            raise CitationError(f"{c} is ambiguous: Annex {c.number} has sections {names}; name one")
        raise CitationError(self._explain_missing(c))

    def _explain_missing(self, c: Citation) -> str:
        for ch in self.changes:
            if ch.kind == "deleted" and ch.citation.covers(c):
                return (
                    f"{c} was deleted by {ch.amending_point}; "
                    f"its earlier wording is in an earlier version (--version {available_versions()[0]})"
                )
        unit = c.unit
        if unit not in self.index:
            what = {Kind.ARTICLE: "article", Kind.RECITAL: "recital", Kind.ANNEX: "annex"}[c.kind]
            bounds = {
                Kind.ARTICLE: f"articles {min(self.articles, key=_natural_key)}–{max(self.articles, key=_natural_key)}",
                Kind.RECITAL: f"recitals 1–{max(self.recitals)}",
                Kind.ANNEX: f"annexes {', '.join(self.annexes)}",
            }[c.kind]
            return f"the AI Act ({self.version} text) has no {what} {c.number}: it has {bounds}"
        known = unit
        if c.section is not None:
            known = unit.with_section(c.section)
            if known not in self.index:
                names = ", ".join(s.id for s in self.annexes[c.number].sections) or "none"
                return f"Annex {c.number} has no Section {c.section} (sections: {names})"
        # Walk down to the deepest provision that exists, then say what it does contain.
        for part in c.path:
            nxt = known.child(part)
            if nxt not in self.index:
                children = self.children_of(known)
                word = self._child_word(known)
                if len(children) > 12:
                    listing = f"{children[0]} to {children[-1]}"
                else:
                    listing = ", ".join(children) if children else "none"
                return f"{known} has no {word} {part} ({word}s: {listing})"
            known = nxt
        return f"{c} does not name a provision of the AI Act ({self.version} text)"

    def _child_word(self, parent: Citation) -> str:
        if parent.kind is Kind.ARTICLE and not parent.path:
            article = self.articles[parent.number]
            return "point" if article.points_directly else "paragraph"
        return "point"

    def children_of(self, parent: Citation) -> list[str]:
        depth = len(parent.path) + 1
        return [
            c.path[-1]
            for c in self.index
            if c.kind is parent.kind
            and c.number == parent.number
            and c.section == parent.section
            and len(c.path) == depth
            and c.path[:-1] == parent.path
        ]


# --- building ------------------------------------------------------------------------------


def _points(raw: list[dict[str, Any]], parent: Citation) -> tuple[Point, ...]:
    out = []
    for p in raw:
        citation = parent.child(str(p["id"]))
        out.append(
            Point(
                citation=citation,
                id=str(p["id"]),
                label=p["label"],
                text=p["text"],
                points=_points(p.get("points", []), citation),
            )
        )
    return tuple(out)


def _joined(text: str, points: tuple[Point, ...], after: str | None = None) -> str:
    lines = [text] if text else []
    lines += [p.full_text for p in points]
    if after:
        lines.append(after)
    return "\n".join(lines)


def _paragraphs(raw: dict[str, Any], citation: Citation) -> tuple[Paragraph, ...]:
    paragraphs = raw["paragraphs"]
    if len(paragraphs) == 1 and paragraphs[0]["number"] is None:
        only = paragraphs[0]
        subs = only.get("subparagraphs") or []
        if not subs:
            # One unnumbered paragraph: its points are cited directly (`Art. 3(14)`).
            pts = _points(only["points"], citation)
            return (Paragraph(citation, None, 1, only["text"], pts, only["full_text"]),)
        # Unnumbered paragraphs are counted (`Art. 113(3)(c)`).
        counted: list[Paragraph] = []
        blocks = [{"text": only["text"], "points": only["points"]}, *subs]
        for i, block in enumerate(blocks, start=1):
            pc = citation.child(str(i))
            pts = _points(block.get("points") or [], pc)
            counted.append(Paragraph(pc, None, i, block["text"], pts, _joined(block["text"], pts)))
        return tuple(counted)
    out = []
    for i, p in enumerate(paragraphs, start=1):
        number = str(p["number"])
        pc = citation.child(number)
        raw_points = list(p["points"])
        seen = {str(x["id"]) for x in raw_points}
        # Points printed in later subparagraphs are still points of the paragraph.
        for sub in p.get("subparagraphs") or []:
            for x in sub.get("points") or []:
                if str(x["id"]) not in seen:
                    raw_points.append(x)
                    seen.add(str(x["id"]))
        out.append(Paragraph(pc, number, i, p["text"], _points(raw_points, pc), p["full_text"]))
    return tuple(out)


def _index_point(index: dict[Citation, Provision], point: Point) -> None:
    for p in point.walk():
        index.setdefault(p.citation, p)


def build_corpus(data: dict[str, Any], version: str, lang: str) -> Corpus:
    chapters: list[Chapter] = []
    chapter_titles: dict[str, str] = {}
    section_titles: dict[tuple[str, str], str] = {}
    for ch in data["chapters"]:
        number = str(ch["number"])
        chapter_titles[number] = ch["title"]
        sections = tuple((str(s["number"]), s["title"]) for s in ch.get("sections", []))
        for sid, stitle in sections:
            section_titles[(number, sid)] = stitle
        chapters.append(Chapter(number, ch["title"], sections, tuple(str(a) for a in ch["articles"])))

    recitals: dict[int, Recital] = {}
    for r in data["recitals"]:
        rec = Recital(Citation.recital(r["number"]), int(r["number"]), r["text"])
        recitals[rec.number] = rec

    articles: dict[str, Article] = {}
    for a in data["articles"]:
        number = str(a["number"])
        ac = Citation.article(number)
        chapter = str(a["chapter"])
        section = str(a["section"]) if a.get("section") is not None else None
        articles[number] = Article(
            citation=ac,
            number=number,
            title=a["title"],
            chapter=chapter,
            chapter_title=chapter_titles.get(chapter, ""),
            section=section,
            section_title=section_titles.get((chapter, section)) if section else None,
            paragraphs=_paragraphs(a, ac),
            footnotes=tuple(f["text"] if isinstance(f, dict) else str(f) for f in a.get("footnotes", [])),
        )

    annexes: dict[str, Annex] = {}
    for x in data["annexes"]:
        annex = parse_annex(str(x["number"]), x["title"], x["text"])
        annexes[annex.number] = annex

    changes = tuple(
        Change(
            citation=parse(ch["ref"]),
            kind=ch["kind"],
            amending_point=ch["amending_point"],
            part=ch.get("part"),
            text_before=ch.get("text_2024"),
            text_after=ch.get("text_2026"),
            note=ch.get("note"),
        )
        for ch in data.get("changes", [])
    )
    return Corpus(
        version=version,
        lang=lang,
        title=data["title"],
        chapters=tuple(chapters),
        recitals=recitals,
        articles=articles,
        annexes=annexes,
        index=index_provisions(recitals, articles, annexes),
        corrections=tuple(data.get("corrections", [])),
        changes=changes,
    )


def index_provisions(
    recitals: dict[int, Recital], articles: dict[str, Article], annexes: dict[str, Annex]
) -> dict[Citation, Provision]:
    """Every citable provision by its citation, in reading order."""
    index: dict[Citation, Provision] = {}
    for rec in recitals.values():
        index[rec.citation] = rec
    for article in articles.values():
        index[article.citation] = article
        for p in article.paragraphs:
            if p.citation != article.citation:
                index.setdefault(p.citation, p)
            for point in p.points:
                _index_point(index, point)
    for annex in annexes.values():
        index[annex.citation] = annex
        for point in annex.points:
            _index_point(index, point)
        for s in annex.sections:
            index[s.citation] = s
            for point in s.points:
                _index_point(index, point)
    return index


def _check(version: str | None, lang: str) -> str:
    versions = available_versions()
    v = version or default_version()
    if v not in versions:
        raise CitationError(f"unknown corpus version {v!r}: choose one of {', '.join(versions)}")
    if lang not in LANGUAGES:
        raise CitationError(f"unknown language {lang!r}: choose one of {', '.join(LANGUAGES)}")
    return v


@cache
def _load(version: str, lang: str) -> Corpus:
    resource = resources.files(_DATA).joinpath(f"ai_act_{version}_{lang}.json")
    if resource.is_file():
        return build_corpus(json.loads(resource.read_text(encoding="utf-8")), version, lang)
    # No text of this version in this language: compose it from the newest older translation
    # and the English text of this version (see aidesk.law.compose).
    from aidesk.law.compose import compose_translation

    older = [v for v in available_versions() if v < version]
    for base in reversed(older):
        if resources.files(_DATA).joinpath(f"ai_act_{base}_{lang}.json").is_file():
            return compose_translation(_load(version, "en"), _load(base, lang))
    raise CitationError(f"no {lang} text of the AI Act is shipped for version {version}")


def load_corpus(version: str | None = None, lang: str = "en") -> Corpus:
    """The AI Act in `lang` as of corpus `version` (default: the newest shipped)."""
    return _load(_check(version, lang), lang)


__all__ = [
    "LANGUAGES",
    "Annex",
    "AnnexSection",
    "Article",
    "Corpus",
    "Paragraph",
    "Point",
    "Recital",
    "available_versions",
    "default_version",
    "load_corpus",
]


# --- reading context -------------------------------------------------------------------------


@dataclass(frozen=True)
class Located:
    """A provision with what a reader needs around it: where it sits and what leads into it."""

    citation: Citation
    provision: Provision
    headings: tuple[str, ...]  # chapter, section, article/annex title
    lead_in: tuple[str, ...]  # the text of the enclosing paragraph/points that introduce it
    amendments: tuple[Change, ...] = ()  # changes whose wording this provision carries
    inner_amendments: tuple[Change, ...] = ()  # changes to provisions inside it
    # In a composed translation: the provision is shown in English (no official text yet), and
    # the wording it had in this language before the change, if it existed.
    shown_in_english: bool = False
    earlier_wording: str | None = None

    @property
    def text(self) -> str:
        return self.provision.full_text


def locate(corpus: Corpus, citation: Citation | str) -> Located:
    """Resolve a citation and collect its headings and lead-in, for display."""
    provision = corpus.resolve(citation)
    c = getattr(provision, "citation", None) or (parse(citation) if isinstance(citation, str) else citation)
    fr = corpus.lang == "fr"
    headings: list[str] = []
    lead_in: list[str] = []
    if c.kind is Kind.ARTICLE:
        article = corpus.articles[c.number]
        headings.append(f"{'Chapitre' if fr else 'Chapter'} {article.chapter} — {article.chapter_title}")
        if article.section:
            headings.append(f"Section {article.section} — {article.section_title}")
        headings.append(f"Article {article.number} — {article.title}")
        parent = c.parent
        chain: list[str] = []
        while parent is not None and parent.path:
            node = corpus.index.get(parent)
            if isinstance(node, Paragraph):
                prefix = f"{node.number}. " if node.number else ""
                chain.append(prefix + node.text)
            elif isinstance(node, Point):
                chain.append(f"{node.label} {node.text}")
            parent = parent.parent
        lead_in = list(reversed(chain))
    elif c.kind is Kind.ANNEX:
        annex = corpus.annexes[c.number]
        headings.append(f"{'Annexe' if fr else 'Annex'} {annex.number} — {annex.title}")
        if c.section is not None and c.path:
            section = corpus.index.get(c.unit.with_section(c.section))
            if isinstance(section, AnnexSection):
                headings.append(section.heading)
        parent = c.parent
        chain = []
        while parent is not None and parent.path:
            node = corpus.index.get(parent)
            if isinstance(node, Point):
                chain.append(f"{node.label} {node.text}")
            parent = parent.parent
        lead_in = list(reversed(chain))
    else:
        headings.append(f"{'Considérant' if fr else 'Recital'} {c.number}")
    shown_in_english = c in corpus.english_fallback
    earlier: str | None = None
    if shown_in_english:
        earlier_versions = [v for v in available_versions() if v < corpus.version]
        if earlier_versions:
            older = load_corpus(earlier_versions[-1], corpus.lang)
            node = older.index.get(c)
            earlier = node.full_text if node is not None else None
    return Located(
        c,
        provision,
        tuple(headings),
        tuple(lead_in),
        amendments=tuple(corpus.changes_covering(c)),
        inner_amendments=tuple(corpus.changes_within(c)),
        shown_in_english=shown_in_english,
        earlier_wording=earlier,
    )
