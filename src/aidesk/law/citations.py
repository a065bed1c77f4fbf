"""Citations: one value type for every reference to the law, with a tolerant parser and
one canonical formatter (SPEC §3).

Canonical forms::

    Art. 5(1)(f)   Art. 3(14)   Art. 113(3)(c)   Art. 5(1)(h)(i)   Art. 4a   Art. 5(1)(ba)
    Recital 53     Reg. 2026/1744 Recital 40
    Annex III      Annex III 4(a)   Annex I Section B 21   Annex XI Section 1 2(b)   Annex XIII (a)

The parser also reads the ways people and the Official Journal write them
("Article 5(1), first subparagraph, point (f)", "art. 5 para 1 point f",
"Annex III, point 4(a)", "article 5, paragraphe 1, point f)", "annexe III", "considérant 53").
Subparagraphs are not part of a citation and are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class CitationError(ValueError):
    """A citation that cannot be read, or that names no provision of the corpus."""


class Kind(StrEnum):
    ARTICLE = "article"
    RECITAL = "recital"
    ANNEX = "annex"


# The AI Act is the default act; other acts are named by their number ("2026/1744").
AI_ACT = "2024/1689"


@dataclass(frozen=True, slots=True)
class Citation:
    """A reference to an article, recital or annex, down to paragraph, point and sub-point.

    `path` holds the ids below the unit: for an article the paragraph number (or the
    position of an unnumbered paragraph) then points and sub-points; for an annex the point
    ids, top-down. `section` is an annex section ("A", "B", "1").
    """

    kind: Kind
    number: str
    path: tuple[str, ...] = ()
    section: str | None = None
    act: str = AI_ACT

    # -- construction -------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Citation:
        return parse(text)

    @classmethod
    def article(cls, number: str | int, *path: str | int) -> Citation:
        return cls(Kind.ARTICLE, str(number), tuple(str(p) for p in path))

    @classmethod
    def recital(cls, number: str | int, act: str = AI_ACT) -> Citation:
        return cls(Kind.RECITAL, str(number), (), None, act)

    @classmethod
    def annex(cls, number: str, *path: str | int, section: str | None = None) -> Citation:
        return cls(Kind.ANNEX, number, tuple(str(p) for p in path), section)

    # -- views ----------------------------------------------------------------------------
    def __str__(self) -> str:
        return format_citation(self)

    @property
    def unit(self) -> Citation:
        """The whole article, recital or annex this citation points into."""
        return Citation(self.kind, self.number, (), None, self.act)

    @property
    def parent(self) -> Citation | None:
        """One level up (`Art. 5(1)(f)` → `Art. 5(1)`), or None for a whole unit."""
        if self.path:
            return Citation(self.kind, self.number, self.path[:-1], self.section, self.act)
        if self.section is not None:
            return self.unit
        return None

    def child(self, part: str) -> Citation:
        return Citation(self.kind, self.number, (*self.path, part), self.section, self.act)

    def with_section(self, section: str) -> Citation:
        return Citation(self.kind, self.number, self.path, section, self.act)

    def covers(self, other: Citation) -> bool:
        """True when `other` is this provision or lies inside it (`Art. 26` covers `Art. 26(7)`)."""
        if (self.kind, self.number, self.act) != (other.kind, other.number, other.act):
            return False
        if self.section is not None and self.section != other.section:
            return False
        if self.section is None and other.section is not None and self.path:
            return False
        return other.path[: len(self.path)] == self.path


# --- formatting ------------------------------------------------------------------------------


def format_citation(c: Citation) -> str:
    if c.kind is Kind.RECITAL:
        prefix = "" if c.act == AI_ACT else f"Reg. {c.act} "
        return f"{prefix}Recital {c.number}"
    if c.kind is Kind.ARTICLE:
        prefix = "" if c.act == AI_ACT else f"Reg. {c.act} "
        return f"{prefix}Art. {c.number}" + "".join(f"({p})" for p in c.path)
    text = f"Annex {c.number}"
    if c.section is not None:
        text += f" Section {c.section}"
    if c.path:
        head, *rest = c.path
        # A numbered annex point is written bare ("4", "3.1"); a lettered one in brackets.
        text += f" {head}" if head[0].isdigit() else f" ({head})"
        text += "".join(f"({p})" for p in rest)
    return text


# --- parsing ---------------------------------------------------------------------------------

_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$", re.I)
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
    "premier": 1, "première": 1, "premiere": 1, "deuxième": 2, "deuxieme": 2,
    "seconde": 2, "troisième": 3, "troisieme": 3, "quatrième": 4, "quatrieme": 4,
    "cinquième": 5, "cinquieme": 5, "sixième": 6, "sixieme": 6, "septième": 7, "septieme": 7,
    "huitième": 8, "huitieme": 8, "neuvième": 9, "neuvieme": 9, "dixième": 10, "dixieme": 10,
}  # fmt: skip

_HEAD = re.compile(
    r"""^\s*
    (?:(?:reg(?:ulation)?\.?|règlement|reglement)\s*(?:\(eu\)\s*)?(?P<act>\d{4}/\d+)\s*,?\s*)?
    (?P<kind>
        art(?:icle)?s?\.?
      | recitals?|considérants?|considerants?|rec\.?
      | annex(?:e|es)?
    )
    \s*(?P<number>[0-9]+[a-z]{0,2}\b|\(\s*[0-9]+\s*\)|[ivxlc]+\b)
    """,
    re.I | re.X,
)
_SUBPARAGRAPH = re.compile(
    r"\b(?:(?:first|second|third|fourth|fifth|sixth|premier|première|premiere|deuxième|deuxieme|"
    r"troisième|troisieme|quatrième|quatrieme|cinquième|cinquieme|last|dernier)\s+"
    r"(?:subparagraph|sub-paragraph|alinéa|alinea)|(?:subparagraph|sub-paragraph|alinéa|alinea)\s+\d+)\b",
    re.I,
)
_ORDINAL_PARAGRAPH = re.compile(r"\b(?P<ord>[a-zéè]+)\s+(?:paragraph|paragraphe)\b", re.I)
_SECTION = re.compile(r"\bsection\s+(?P<id>[a-z]|\d+)\b", re.I)
_FILLER = re.compile(
    r"\b(?:paragraphs?|paragraphes?|para\.?|par\.|points?|pt\.?|sub-?points?|"
    r"thereof|of|du|de|the|le|la)\b|§|,|;|:|—|–",
    re.I,
)
_TOKEN = re.compile(
    r"\(\s*([0-9]+[a-z]{0,2}(?:\.[0-9]+)*|[a-z]{1,5})\s*\)|([0-9]+[a-z]{0,2}(?:\.[0-9]+)*|[a-z]{1,5})\)?"
)


def _kind_of(word: str) -> Kind:
    w = word.lower()
    if w.startswith("art"):
        return Kind.ARTICLE
    if w.startswith("annex"):
        return Kind.ANNEX
    return Kind.RECITAL


def parse(text: str) -> Citation:
    """Read a citation written the canonical way or any common English/French way."""
    if not isinstance(text, str) or not text.strip():
        raise CitationError("empty citation: write e.g. 'Art. 5(1)(f)', 'Recital 53' or 'Annex III 4(a)'")
    if len(text) > 200:
        raise CitationError("citation too long (over 200 characters)")
    source = " ".join(text.replace("\u00a0", " ").split())
    m = _HEAD.match(source)
    if not m:
        raise CitationError(
            f"cannot read {source!r} as a citation: write e.g. 'Art. 5(1)(f)', 'Recital 53' or 'Annex III 4(a)'"
        )
    kind = _kind_of(m.group("kind"))
    act = m.group("act") or AI_ACT
    number = re.sub(r"[\s()]", "", m.group("number"))
    rest = source[m.end() :]

    if kind is Kind.ANNEX:
        if not _ROMAN.match(number):
            raise CitationError(f"{source!r}: an annex is numbered in Roman numerals (e.g. 'Annex III')")
        number = number.upper()
    elif not re.fullmatch(r"[0-9]+[a-z]{0,2}", number, re.I):
        raise CitationError(f"{source!r}: expected an article or recital number, got {number!r}")
    else:
        number = number.lower()
        if number[0] == "0":
            raise CitationError(f"{source!r}: numbers do not start with 0")

    if kind is Kind.RECITAL:
        if rest.strip(" .,"):
            raise CitationError(f"{source!r}: a recital has no paragraphs or points")
        if not number.isdigit():
            raise CitationError(f"{source!r}: recitals are numbered 1, 2, 3, …")
        return Citation(kind, number, (), None, act)

    section: str | None = None
    rest = _SUBPARAGRAPH.sub(" ", rest)
    path: list[str] = []
    if kind is Kind.ARTICLE:
        # "Article 113, third paragraph, point (c)": an ordinal paragraph counts unnumbered ones.
        om = _ORDINAL_PARAGRAPH.search(rest)
        if om and om.group("ord").lower() in _ORDINALS:
            path.append(str(_ORDINALS[om.group("ord").lower()]))
            rest = rest[: om.start()] + " " + rest[om.end() :]
    else:
        sm = _SECTION.search(rest)
        if sm:
            section = sm.group("id").upper()
            rest = rest[: sm.start()] + " " + rest[sm.end() :]
    rest = _FILLER.sub(" ", rest)
    pos = 0
    rest = rest.strip()
    while pos < len(rest):
        if rest[pos].isspace() or rest[pos] == ".":
            pos += 1
            continue
        tm = _TOKEN.match(rest, pos)
        if not tm:
            raise CitationError(f"cannot read {rest[pos:]!r} in citation {source!r}")
        token = (tm.group(1) or tm.group(2)).lower()
        path.append(token)
        pos = tm.end()
    if kind is Kind.ARTICLE and section is not None:
        raise CitationError(f"{source!r}: articles have no sections in a citation")
    return Citation(kind, number, tuple(path), section, act)


def try_parse(text: str) -> Citation | None:
    try:
        return parse(text)
    except CitationError:
        return None
