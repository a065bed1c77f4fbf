"""The typed model of the legal text: recitals, articles (paragraphs → points → sub-points)
and annexes (sections → points). Every node knows its citation, which is its stable id.

The model is immutable and built once per (version, language) by `aidesk.law.corpus`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from aidesk.law.citations import Citation


@dataclass(frozen=True, slots=True)
class Point:
    """A lettered, numbered or Roman point, possibly with sub-points."""

    citation: Citation
    id: str
    label: str
    text: str
    points: tuple[Point, ...] = ()
    # Continuation lines of an annex point (paragraphs printed under it, before the next point).
    after: tuple[str, ...] = ()

    @property
    def full_text(self) -> str:
        lines = [f"{self.label} {self.text}".strip()]
        lines += [p.full_text for p in self.points]
        lines += list(self.after)
        return "\n".join(lines)

    def walk(self) -> Iterator[Point]:
        yield self
        for p in self.points:
            yield from p.walk()


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A numbered paragraph, or (in articles without numbers) a counted one."""

    citation: Citation
    number: str | None
    index: int
    text: str
    points: tuple[Point, ...]
    full_text: str

    def walk(self) -> Iterator[Point]:
        for p in self.points:
            yield from p.walk()


@dataclass(frozen=True, slots=True)
class Article:
    citation: Citation
    number: str
    title: str
    chapter: str
    chapter_title: str
    section: str | None
    section_title: str | None
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[str, ...] = ()

    @property
    def points_directly(self) -> bool:
        """Articles with one unnumbered paragraph cite their points directly: `Art. 3(14)`."""
        return len(self.paragraphs) == 1 and self.paragraphs[0].number is None

    @property
    def full_text(self) -> str:
        parts = []
        for p in self.paragraphs:
            prefix = f"{p.number}. " if p.number else ""
            parts.append(prefix + p.full_text)
        return "\n".join(parts)


@dataclass(frozen=True, slots=True)
class Recital:
    citation: Citation
    number: int
    text: str

    @property
    def full_text(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class AnnexSection:
    citation: Citation
    id: str
    heading: str
    intro: tuple[str, ...]
    points: tuple[Point, ...]

    @property
    def full_text(self) -> str:
        return "\n".join([self.heading, *self.intro, *(p.full_text for p in self.points)])


@dataclass(frozen=True, slots=True)
class Annex:
    citation: Citation
    number: str
    title: str
    text: str
    intro: tuple[str, ...]
    sections: tuple[AnnexSection, ...] = ()
    points: tuple[Point, ...] = ()

    @property
    def full_text(self) -> str:
        return self.text

    def walk(self) -> Iterator[Point]:
        for p in self.points:
            yield from p.walk()
        for s in self.sections:
            for p in s.points:
                yield from p.walk()


@dataclass(frozen=True, slots=True)
class Chapter:
    number: str
    title: str
    sections: tuple[tuple[str, str], ...] = field(default=())
    articles: tuple[str, ...] = field(default=())


Provision = Article | Paragraph | Point | Recital | Annex | AnnexSection


@dataclass(frozen=True, slots=True)
class Change:
    """How an amending act changed one provision (e.g. Reg. (EU) 2026/1744 on the AI Act)."""

    citation: Citation
    kind: str  # "inserted" | "replaced" | "deleted"
    amending_point: str  # "Reg. (EU) 2026/1744, Art. 1 point 7(a)"
    part: str | None = None  # "heading", "second subparagraph", … when less than the whole provision
    text_before: str | None = None
    text_after: str | None = None
    note: str | None = None

    @property
    def heading_only(self) -> bool:
        return self.part == "heading"
