"""A translation of a consolidated text, composed from an older translation and the new English.

No official French text of Reg. (EU) 2026/1744 is in the corpus. So the French 2026 corpus is
the French 2024 text wherever the amending act changed nothing, and the English 2026 wording
wherever it did — never a translation of our own. Provisions shown in English are listed in
`Corpus.english_fallback` so that every interface can say so.

The composition works on the provision tree: a provision covered by a change is taken whole
from the English text; one untouched by any change is taken from the older translation; one
that only contains changes (Art. 5(1) around the inserted point (ba)) keeps its own French
words and is composed again from its children.
"""

from __future__ import annotations

from dataclasses import replace

from aidesk.law.citations import Citation
from aidesk.law.corpus import Corpus, index_provisions
from aidesk.law.model import Annex, AnnexSection, Article, Change, Paragraph, Point, Recital


class _Composer:
    def __init__(self, new_en: Corpus, old: Corpus) -> None:
        self.new_en = new_en
        self.old = old
        # A heading-only change touches the title, not the provisions inside.
        self.changed = [ch.citation for ch in new_en.changes if not ch.heading_only]
        self.headings = {ch.citation for ch in new_en.changes if ch.heading_only}
        self.english: set[Citation] = set()

    def covered(self, c: Citation) -> bool:
        return any(ch.covers(c) for ch in self.changed)

    def touched(self, c: Citation) -> bool:
        return any(c.covers(ch) for ch in self.changed)

    def english_subtree(self, node: Article | Paragraph | Point | Annex | AnnexSection) -> None:
        self.english.add(node.citation)
        children: tuple[Paragraph | Point | AnnexSection, ...]
        if isinstance(node, Article):
            children = node.paragraphs
        elif isinstance(node, Annex):
            children = (*node.points, *node.sections)
        else:
            children = node.points
        for child in children:
            if child.citation != node.citation:
                self.english_subtree(child)

    # -- articles ---------------------------------------------------------------------------
    def point(self, en: Point) -> Point:
        old = self.old.index.get(en.citation)
        if self.covered(en.citation) or not isinstance(old, Point):
            self.english_subtree(en)
            return en
        if not self.touched(en.citation):
            return old
        return replace(old, points=tuple(self.point(p) for p in en.points))

    def paragraph(self, en: Paragraph, article: Article) -> Paragraph:
        old_article = self.old.articles.get(article.number)
        old = (
            next((p for p in old_article.paragraphs if p.citation == en.citation), None)
            if old_article
            else None
        )
        if self.covered(en.citation) or old is None:
            self.english_subtree(en)
            return en
        if not self.touched(en.citation):
            return old
        points = tuple(self.point(p) for p in en.points)
        lines = [old.text, *(p.full_text for p in points)]
        return replace(old, points=points, full_text="\n".join(line for line in lines if line))

    def article(self, en: Article) -> Article:
        old = self.old.articles.get(en.number)
        if old is None or self.covered(en.citation):
            self.english_subtree(en)
            # The text is English, but the chapter and section it sits in keep their French titles.
            chapter_title, section_title = self._structure_titles(en)
            return replace(en, chapter_title=chapter_title, section_title=section_title)
        title = old.title
        if en.citation in self.headings:
            self.english.add(en.citation)
            title = en.title
        chapter_title, section_title = self._structure_titles(en)
        if not self.touched(en.citation):
            return replace(old, title=title, chapter_title=chapter_title, section_title=section_title)
        return replace(
            old,
            title=title,
            chapter=en.chapter,
            chapter_title=chapter_title,
            section=en.section,
            section_title=section_title,
            paragraphs=tuple(self.paragraph(p, en) for p in en.paragraphs),
        )

    def _structure_titles(self, en: Article) -> tuple[str, str | None]:
        chapter = next((c for c in self.old.chapters if c.number == en.chapter), None)
        chapter_title = chapter.title if chapter else en.chapter_title
        section_title = en.section_title
        if chapter and en.section:
            section_title = dict(chapter.sections).get(en.section, en.section_title)
        return chapter_title, section_title

    # -- annexes ----------------------------------------------------------------------------
    def annex_point(self, en: Point) -> Point:
        return self.point(en)

    def annex(self, en: Annex) -> Annex:
        old = self.old.annexes.get(en.number)
        if old is None or self.covered(en.citation):
            self.english_subtree(en)
            return en
        if not self.touched(en.citation):
            return old
        points = tuple(self.annex_point(p) for p in en.points)
        sections = []
        for s in en.sections:
            old_s = next((x for x in old.sections if x.id == s.id), None)
            if old_s is None or self.covered(s.citation):
                self.english_subtree(s)
                sections.append(s)
            elif not self.touched(s.citation):
                sections.append(old_s)
            else:
                sections.append(replace(old_s, points=tuple(self.annex_point(p) for p in s.points)))
        text = "\n".join([*old.intro, *(p.full_text for p in points), *(s.full_text for s in sections)])
        return replace(old, text=text, points=points, sections=tuple(sections))


def compose_translation(new_en: Corpus, old: Corpus) -> Corpus:
    """The `old.lang` text of `new_en.version`: old wording where unchanged, English where changed."""
    composer = _Composer(new_en, old)
    recitals: dict[int, Recital] = {n: old.recitals.get(n, r) for n, r in new_en.recitals.items()}
    articles = {n: composer.article(a) for n, a in new_en.articles.items()}
    annexes = {n: composer.annex(x) for n, x in new_en.annexes.items()}
    chapters = []
    for nc in new_en.chapters:
        oc = next((c for c in old.chapters if c.number == nc.number), None)
        if oc is None:
            chapters.append(nc)
            continue
        old_titles = dict(oc.sections)
        sections = tuple((sid, old_titles.get(sid, title)) for sid, title in nc.sections)
        chapters.append(replace(oc, sections=sections, articles=nc.articles))
    changes: tuple[Change, ...] = new_en.changes
    return Corpus(
        version=new_en.version,
        lang=old.lang,
        title=old.title,
        chapters=tuple(chapters),
        recitals=recitals,
        articles=articles,
        annexes=annexes,
        index=index_provisions(recitals, articles, annexes),
        corrections=old.corrections,
        changes=changes,
        english_fallback=frozenset(composer.english),
    )
