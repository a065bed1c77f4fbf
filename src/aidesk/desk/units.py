"""Index units: the passages the service desk ranks, each with a stable id and its citation.

A law unit is one citable provision of the AI Act in one language — a whole article, a
paragraph, a point or sub-point (the points of Art. 3 are the definitions), a recital, an
annex, an annex section or an annex point — built from the corpus API (`Corpus.provisions()`),
never by re-reading the JSON. A guidance unit is one numbered paragraph of a Commission
guidelines document (see `aidesk.desk.guidance`).

Each unit carries what ranking and display need: the canonical citation (SPEC §3), the
title of its article/annex, its headings (chapter, section) and the lead-in of the
paragraph or point that introduces it, so that "(f) …" is readable on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from aidesk.law.citations import Citation, CitationError, Kind
from aidesk.law.corpus import Corpus, available_versions, load_corpus
from aidesk.law.model import Annex, AnnexSection, Article, Paragraph, Point, Provision, Recital

LAW = "law"
GUIDANCE = "guidance"

# Lead-ins are context, not content: keep them short so a point is still about itself.
_LEAD_CHARS = 280


@dataclass(frozen=True, slots=True)
class Unit:
    """One passage of one collection in one language."""

    uid: str  # stable id: "law:en:Art. 5(1)(f)", "guidance:prohibited:123"
    collection: str  # LAW | GUIDANCE
    lang: str  # "en" | "fr"
    kind: str  # article | paragraph | point | definition | recital | annex | annex_section | annex_point
    # | title (the heading of an article or annex alone) | guidance
    ref: str  # canonical citation: "Art. 5(1)(f)", "Guidelines C(2025) 5052 para 123"
    group: str  # what results aggregate to: "Art. 5", "Recital 53", "Annex III", or the guidance ref
    title: str  # article/annex title, "Recital 53", or the guidance document's title
    context: str  # chapter / section headings, or the guidance section heading
    lead: str  # text of the enclosing paragraph/point that introduces this one
    text: str  # the passage itself
    depth: int  # 0 for a whole article/recital/annex, then one per level below
    # False for a retrieval surrogate: the French wording of an earlier version of a provision
    # amended since. It helps a French question find the provision; the current (English)
    # text is what is shown.
    display: bool = True

    def index_text(self) -> str:
        """What is ranked: headings and lead-in give a short passage its meaning."""
        parts = [self.title, self.context, self.lead, self.text]
        return "\n".join(p for p in parts if p)


# --- law ---------------------------------------------------------------------------------------


def _lead_in(corpus: Corpus, c: Citation) -> str:
    """The introductory text of the paragraph/points above `c` (not their other points)."""
    chain: list[str] = []
    parent = c.parent
    while parent is not None and parent.path:
        node = corpus.index.get(parent)
        if isinstance(node, Paragraph):
            chain.append(node.text)
        elif isinstance(node, Point):
            chain.append(f"{node.label} {node.text}".strip())
        parent = parent.parent
    if c.kind is Kind.ARTICLE and not chain and len(c.path) == 1:
        # A point cited directly under its article (Art. 3(14)): the article's chapeau.
        article = corpus.articles.get(c.number)
        if article is not None and article.points_directly:
            chain.append(article.paragraphs[0].text)
    text = " … ".join(reversed([t for t in chain if t]))
    return text if len(text) <= _LEAD_CHARS else text[: _LEAD_CHARS - 1].rstrip() + "…"


def _kind_of(c: Citation, node: Provision) -> str:
    if isinstance(node, Recital):
        return "recital"
    if isinstance(node, Article):
        return "article"
    if isinstance(node, Annex):
        return "annex"
    if isinstance(node, AnnexSection):
        return "annex_section"
    if isinstance(node, Paragraph):
        return "paragraph"
    if c.kind is Kind.ANNEX:
        return "annex_point"
    if c.number == "3" and len(c.path) == 1:
        return "definition"
    return "point"


def _same(text: str) -> str:
    """Text compared for changes of wording: spacing (incl. no-break spaces) does not count."""
    return " ".join(text.split())


def _clean(text: str) -> str:
    return text.replace("\xa0", " ").strip()


def _sentence_case(title: str) -> str:
    """Chapter titles are printed in capitals: "PROHIBITED AI PRACTICES" → "Prohibited AI practices"."""
    if not title.isupper():
        return title
    lowered = title[0] + title[1:].lower()
    return re.sub(r"\b(ai|ia|eu|ue|gpai)\b", lambda m: m.group(1).upper(), lowered, flags=re.I)


def _headings(corpus: Corpus, c: Citation) -> tuple[str, str]:
    """(title, context) for a unit: the article/annex title and the chapter/section above it."""
    fr = corpus.lang == "fr"
    if c.kind is Kind.ARTICLE:
        article = corpus.articles[c.number]
        context = (
            f"{'Chapitre' if fr else 'Chapter'} {article.chapter}: {_sentence_case(article.chapter_title)}"
        )
        if article.section and article.section_title:
            context += f" — Section {article.section}: {article.section_title}"
        return f"Article {article.number} — {article.title}", context
    if c.kind is Kind.ANNEX:
        annex = corpus.annexes[c.number]
        context = ""
        if c.section is not None:
            section = corpus.index.get(c.unit.with_section(c.section))
            if isinstance(section, AnnexSection):
                context = section.heading
        return f"{'Annexe' if fr else 'Annex'} {annex.number} — {annex.title}", context
    return f"{'Considérant' if fr else 'Recital'} {c.number}", ""


def _selected(c: Citation, skip: frozenset[Citation], only: frozenset[Citation] | None) -> bool:
    return c not in skip and (only is None or c in only)


def law_units(
    corpus: Corpus,
    *,
    skip: frozenset[Citation] = frozenset(),
    only: frozenset[Citation] | None = None,
    display: bool = True,
) -> Iterator[Unit]:
    """The citable provisions of `corpus` as units, in reading order (minus `skip`; within `only`)."""
    for c, node in corpus.provisions():
        if not _selected(c, skip, only):
            continue
        text = _clean(node.full_text)
        if not text:
            continue
        title, context = (_clean(h) for h in _headings(corpus, c))
        ref = str(c)
        yield Unit(
            uid=f"{LAW}:{corpus.lang}{'' if display else '-' + corpus.version}:{ref}",
            collection=LAW,
            lang=corpus.lang,
            kind=_kind_of(c, node),
            ref=ref,
            group=str(c.unit),
            title=title,
            context=context,
            lead=_clean(_lead_in(corpus, c)) if c.path else "",
            text=text,
            depth=len(c.path) + (1 if c.section is not None else 0),
            display=display,
        )


def title_units(
    corpus: Corpus,
    *,
    skip: frozenset[Citation] = frozenset(),
    only: frozenset[Citation] | None = None,
    display: bool = True,
) -> Iterator[Unit]:
    """One unit per article and annex holding only its heading: "Article 16 — Obligations of
    providers of high-risk AI systems", with its chapter and section. Questions are often a
    paraphrase of the topic an article is named after; these units let a ranker see that."""
    for c in [
        *(a.citation for a in corpus.articles.values()),
        *(x.citation for x in corpus.annexes.values()),
    ]:
        if not _selected(c, skip, only):
            continue
        title, context = (_clean(h) for h in _headings(corpus, c))
        ref = str(c)
        yield Unit(
            uid=f"{LAW}:{corpus.lang}{'' if display else '-' + corpus.version}:title:{ref}",
            collection=LAW,
            lang=corpus.lang,
            kind="title",
            ref=ref,
            group=ref,
            title=title,
            context=context,
            lead="",
            text="",
            depth=0,
            display=display,
        )


@dataclass(frozen=True)
class LawTexts:
    """The corpora the desk indexes for one version, and what the French text lacks."""

    version: str
    en: Corpus
    fr: Corpus  # the French text of `version`, possibly composed over an older translation
    # Provisions with no French wording in `version` (amended by an act whose French text is
    # not shipped): shown in English.
    fr_english: frozenset[Citation] = frozenset()
    # The older French text: its wording of those provisions still helps a French question
    # find them (indexed as retrieval surrogates, never shown).
    fr_earlier: Corpus | None = None

    @property
    def fr_note(self) -> str | None:
        if not self.fr_english:
            return None
        return f"{len(self.fr_english)} provisions amended since the French text have no French wording: shown in English"


def _older_french(version: str) -> Corpus | None:
    for v in reversed([v for v in available_versions() if v < version]):
        try:
            older = load_corpus(v, "fr")
        except (CitationError, FileNotFoundError):
            continue
        if not getattr(older, "english_fallback", None):
            return older
    return None


def law_texts(version: str | None = None) -> LawTexts:
    """EN and FR for `version` (default: newest), and what the French text lacks.

    The French text of a version may be composed by `aidesk.law` from an older translation and
    the new English (`Corpus.english_fallback` lists what is in English). If no French text
    of the version can be had at all, the older French text serves for the provisions whose
    English wording did not change.
    """
    en = load_corpus(version, "en")
    try:
        fr = load_corpus(en.version, "fr")
    except (CitationError, FileNotFoundError):
        older = _older_french(en.version)
        if older is None:
            raise CitationError(
                f"no French text of the AI Act is shipped for version {en.version} or earlier"
            ) from None
        en_old = load_corpus(older.version, "en")
        changed = set()
        for c, node in en.provisions():
            old = en_old.index.get(c)
            if old is None or _same(node.full_text) != _same(old.full_text):
                changed.add(c)
        return LawTexts(en.version, en, older, frozenset(changed), older)
    english = frozenset(getattr(fr, "english_fallback", frozenset()))
    return LawTexts(en.version, en, fr, english, _older_french(en.version) if english else None)


def all_law_units(texts: LawTexts) -> list[Unit]:
    """The provisions of both languages, then the headings of articles and annexes.

    French units are left out where the French text has no French wording (or no such
    provision); the older French wording of those stands in for retrieval only.
    """
    fr_skip = texts.fr_english | frozenset(c for c in texts.fr.index if c not in texts.en.index)
    units = [
        *law_units(texts.en),
        *law_units(texts.fr, skip=fr_skip),
        *title_units(texts.en),
        *title_units(texts.fr, skip=fr_skip),
    ]
    if texts.fr_earlier is not None:
        only = texts.fr_english & frozenset(texts.en.index)
        units += law_units(texts.fr_earlier, only=only, display=False)
        units += title_units(texts.fr_earlier, only=only, display=False)
    return units
