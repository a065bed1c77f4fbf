"""Parse an annex, delivered as printed lines, into sections and points.

The corpus gives each annex as text, one printed line per line ("Section A. …", "1. …",
"(a) …" in English, "a) …" in French, "— …" indents). The law cites annex points
(`Annex III 4(a)`, `Annex I Section B 21`, `Annex VII 3.1(a)`), so we rebuild the tree:
numbered points (dotted ones such as 3.1 nest under 3), lettered points under the numbered
point above them, and every other line attached to the point it follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aidesk.law.citations import Citation
from aidesk.law.model import Annex, AnnexSection, Point

# The French source (a PDF conversion) sometimes runs a section heading on from the line
# before it: "… (facultatif). Section B - Informations …". Split those first.
_EMBEDDED_SECTION = re.compile(r"(?<=[.;:])\s+(?=Section\s+(?:[A-Z]|\d+)\s*[-—–.]?\s+[A-ZÀ-Ý])")
_SECTION = re.compile(r"^Section\s+(?P<id>[A-Z]|\d+)\b\s*[-—–.]?\s*(?P<rest>.*)$")
_NUMBERED = re.compile(r"^(?P<id>\d+(?:\.\d+)*)\.\s+(?P<text>.*)$")
_LETTERED_EN = re.compile(r"^\((?P<id>[a-z]{1,2})\)\s+(?P<text>.*)$")
_LETTERED_FR = re.compile(r"^(?P<id>[a-z]{1,2})\)\s+(?P<text>.*)$")


@dataclass
class _Node:
    id: str
    label: str
    text: str
    kind: str  # "numbered" | "lettered"
    children: list[_Node] = field(default_factory=list)
    after: list[str] = field(default_factory=list)

    def freeze(self, base: Citation, path: tuple[str, ...]) -> Point:
        # Dotted ids are cited on their own ("Annex VII 3.1"), not under their parent.
        own = (self.id,) if "." in self.id else (*path, self.id)
        citation = Citation(base.kind, base.number, own, base.section, base.act)
        return Point(
            citation=citation,
            id=self.id,
            label=self.label,
            text=self.text,
            points=tuple(c.freeze(base, own) for c in self.children),
            after=tuple(self.after),
        )


@dataclass
class _Section:
    id: str
    heading: str
    intro: list[str] = field(default_factory=list)
    points: list[_Node] = field(default_factory=list)


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for raw in text.splitlines():
        for line in _EMBEDDED_SECTION.split(raw):
            if line.strip():
                out.append(line.strip())
    return out


def parse_annex(number: str, title: str, text: str) -> Annex:
    base = Citation.annex(number)
    intro: list[str] = []
    top: list[_Node] = []
    sections: list[_Section] = []
    # The stack of open points: numbered ones by depth of their dotted id, then a lettered one.
    stack: list[_Node] = []

    def container() -> list[_Node]:
        return sections[-1].points if sections else top

    for line in _lines(text):
        if m := _SECTION.match(line):
            sections.append(_Section(m.group("id"), line))
            stack = []
            continue
        numbered = _NUMBERED.match(line)
        lettered = _LETTERED_EN.match(line) or _LETTERED_FR.match(line)
        if numbered:
            node = _Node(numbered.group("id"), f"{numbered.group('id')}.", numbered.group("text"), "numbered")
            depth = node.id.count(".")
            numbered_stack = [n for n in stack if n.kind == "numbered" and n.id.count(".") < depth]
            parent = numbered_stack[-1] if numbered_stack else None
            (parent.children if parent else container()).append(node)
            stack = [*numbered_stack, node]
        elif lettered:
            label = line[: lettered.start("text")].strip()
            node = _Node(lettered.group("id"), label, lettered.group("text"), "lettered")
            numbered_stack = [n for n in stack if n.kind == "numbered"]
            parent = numbered_stack[-1] if numbered_stack else None
            (parent.children if parent else container()).append(node)
            stack = [*numbered_stack, node]
        elif stack:
            stack[-1].after.append(line)
        elif sections:
            sections[-1].intro.append(line)
        else:
            intro.append(line)

    frozen_sections = []
    for s in sections:
        sbase = base.with_section(s.id)
        frozen_sections.append(
            AnnexSection(
                citation=sbase,
                id=s.id,
                heading=s.heading,
                intro=tuple(s.intro),
                points=tuple(n.freeze(sbase, ()) for n in s.points),
            )
        )
    return Annex(
        citation=base,
        number=number,
        title=title,
        text=text,
        intro=tuple(intro),
        sections=tuple(frozen_sections),
        points=tuple(n.freeze(base, ()) for n in top),
    )
