#!/usr/bin/env python3
"""Build corpus version ``2026``: the AI Act as amended by Regulation (EU) 2026/1744.

Reads the official Formex XML in ``../shared/data`` (the directory beside the repository root):

* ``corpus/raw/consolidated/CL2024R1689EN0010010.0001.xml`` -- the Publications Office's consolidated
  English text 02024R1689-20260727 (in force 27 July 2026). Amended passages are wrapped in
  ``<?CLG.MDFO ... ACTION="INSERTED|REPLACED|DELETED" ACTIVE.LOC="AR:1;PT:7;PT:a"?> ... <?CLG.MDFC?>``
  markers; DELETED spans are dropped.
* ``omnibus/text/L_202601744EN.000101.fmx.xml`` (+ ``.003601`` for Annex XIV) -- the amending act as
  published in the Official Journal: recitals, Article 1 points, the other articles.
* ``src/aidesk/law/data/ai_act_2024_en.json`` -- the 2024 corpus, for ``changes[].text_2024`` and the
  checks below.

Writes ``src/aidesk/law/data/ai_act_2026_en.json`` (same schema as the 2024 file, plus ``version``,
``changes`` and ``verification``) and ``src/aidesk/law/data/reg_2026_1744_en.json``.

Before writing, the script checks its own work and stops on any failure:

* the same converter, run on the OJ Formex of 2024 (``corpus/raw/aia_fmx_en.xml``), reproduces the
  articles, annexes, chapters and recitals of ``ai_act_2024_en.json`` exactly;
* every consolidation marker maps to one point of Article 1 of the amending act, with the same kind of
  change, and the marked text equals the text the amending act quotes;
* deleted spans hold the 2024 wording; every provision outside the markers equals its 2024 wording
  (whitespace normalised: the consolidated copy lost its no-break spaces).

Standard library only: the product never reads XML at run time.

Usage::

    .venv/bin/python tools/build_corpus_2026.py            # build and write
    .venv/bin/python tools/build_corpus_2026.py --check    # build, compare with the committed files
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import re
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SHARED = REPO_ROOT.parent / "shared"
DATA_DIR = REPO_ROOT / "src" / "aidesk" / "law" / "data"

CONSOLIDATED = Path("data/corpus/raw/consolidated/CL2024R1689EN0010010.0001.xml")
AMENDING_ACT = Path("data/omnibus/text/L_202601744EN.000101.fmx.xml")
AMENDING_ANNEX = Path("data/omnibus/text/L_202601744EN.003601.fmx.xml")
OJ_2024 = Path("data/corpus/raw/aia_fmx_en.xml")
CORPUS_2024 = DATA_DIR / "ai_act_2024_en.json"
OUT_2026 = DATA_DIR / "ai_act_2026_en.json"
OUT_REG = DATA_DIR / "reg_2026_1744_en.json"

AMENDING_REF = "Reg. (EU) 2026/1744"

Json = dict[str, Any]


class BuildError(RuntimeError):
    """The sources do not say what this script expects: stop rather than write doubtful law."""


# --- text helpers -----------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Whitespace-insensitive form used for every comparison: NBSP -> space, runs collapsed."""
    return _WS.sub(" ", text.replace("\u00a0", " ")).strip()


def is_pi(el: ET.Element) -> bool:
    return el.tag is ET.PI  # type: ignore[comparison-overlap]


def pi_attrs(el: ET.Element) -> tuple[str, dict[str, str]]:
    """Name and pseudo-attributes of a processing instruction such as ``<?CLG.MDFO ID="..."?>``."""
    body = el.text or ""
    name, _, rest = body.partition(" ")
    return name, dict(re.findall(r'([A-Z.]+)=["\']([^"\']*)["\']', rest))


def parse_xml(path: Path) -> ET.Element:
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_pis=True))
    return ET.parse(path, parser).getroot()


def req(el: ET.Element, path: str) -> ET.Element:
    """The sub-element at ``path``; its absence means the file is not shaped as this script expects."""
    found = el.find(path)
    if found is None:
        raise BuildError(f"{el.tag} {el.get('IDENTIFIER', '')} has no {path}".replace("  ", " "))
    return found


def children(el: ET.Element) -> list[ET.Element]:
    """Element children without processing instructions."""
    return [c for c in el if not is_pi(c)]


# --- inline text ---------------------------------------------------------------------------------------------

BLOCK_TAGS = {
    "P",
    "LIST",
    "QUOT.S",
    "ALINEA",
    "PARAG",
    "ITEM",
    "NP",
    "ARTICLE",
    "TBL",
    "GR.SEQ",
    "INCL.ELEMENT",
}


@dataclass
class Notes:
    """Footnotes met while rendering: their call-outs are dropped from the running text."""

    found: list[ET.Element] = field(default_factory=list)


def inline(el: ET.Element, notes: Notes | None = None, *, skip_quotes: frozenset[str] = frozenset()) -> str:
    """The running text of an element: quotes as typographic characters, footnotes removed."""
    parts: list[str] = [el.text or ""]
    for ch in el:
        if is_pi(ch):
            pass
        elif ch.tag in ("QUOT.START", "QUOT.END"):
            if ch.get("ID") not in skip_quotes:
                parts.append(chr(int(ch.get("CODE", "0"), 16)))
        elif ch.tag == "NOTE":
            if notes is not None:
                notes.found.append(ch)
        elif ch.tag == "HT" and ch.get("TYPE") == "SUP":
            parts.append("^" + inline(ch, notes, skip_quotes=skip_quotes))
        elif ch.tag == "HT" and ch.get("TYPE") == "UC":
            parts.append(inline(ch, notes, skip_quotes=skip_quotes).upper())
        elif ch.tag == "IE":
            pass
        elif ch.tag == "FT" and ch.get("TYPE") == "NUMBER" and (ch.text or "").isdigit() and len(ch) == 0:
            # The OJ prints Formex numbers in groups of three joined by no-break spaces (35 000 000).
            parts.append(f"{int(ch.text or '0'):,}".replace(",", "\u00a0"))
        else:
            parts.append(inline(ch, notes, skip_quotes=skip_quotes))
        parts.append(ch.tail or "")
    return "".join(parts)


# --- generic block rendering: one printed line per line ----------------------------------------------------


@dataclass
class Render:
    """Rendering context: where footnotes go, which quotation marks to drop, and the layout
    conventions of the file being written."""

    notes: Notes = field(default_factory=Notes)
    skip_quotes: frozenset[str] = frozenset()
    markers: dict[str, str] = field(default_factory=dict)
    # The 2024 corpus prints the number of a paragraph quoted directly in a subparagraph on its own
    # line ("‘3.\nWhen adopting ..."), and joins it to the text when quoted inside a point.
    parag_label_alone: bool = False
    # The 2024 corpus writes the ';' that follows a quotation as "’ ;"; the amending act file does not.
    space_after_block: bool = True
    # Formex files included by reference (the amending act's Annex XIV), by file name.
    includes: dict[str, ET.Element] = field(default_factory=dict)

    def text(self, el: ET.Element) -> str:
        return inline(el, self.notes, skip_quotes=self.skip_quotes).strip()


def has_blocks(el: ET.Element) -> bool:
    return any(c.tag in BLOCK_TAGS for c in children(el))


def join_label(label: str, lines: list[str]) -> list[str]:
    if not lines:
        return [label]
    return [f"{label} {lines[0]}".rstrip(), *lines[1:]]


def block_lines(el: ET.Element, r: Render) -> list[str]:
    """Render any Formex block as printed lines (used for quoted amendments and for annexes)."""
    tag = el.tag
    if tag == "NP":
        label = r.text(req(el, "NO.P")) if el.find("NO.P") is not None else ""
        rest: list[str] = []
        for ch in children(el):
            if ch.tag == "NO.P":
                continue
            rest.extend(block_lines(ch, r))
        return join_label(label, rest) if label else rest
    if tag == "ITEM":
        kids = children(el)
        if kids and kids[0].tag == "NP":
            out: list[str] = []
            for ch in kids:
                out.extend(block_lines(ch, r))
            return out
        # an indent of a DASH list: "— text"
        out = []
        for ch in kids:
            out.extend(block_lines(ch, r))
        return join_label("—", out)
    if tag == "LIST":
        out = []
        for ch in children(el):
            out.extend(block_lines(ch, r))
        return out
    if tag == "PARAG":
        label = r.text(req(el, "NO.PARAG"))
        rest = []
        for ch in children(el):
            if ch.tag != "NO.PARAG":
                rest.extend(block_lines(ch, r))
        if r.parag_label_alone:
            return [label, *rest]
        return join_label(label, rest)
    if tag == "ARTICLE":
        out = []
        for ch in children(el):
            out.extend(block_lines(ch, r))
        return out
    if tag in ("TI.ART", "STI.ART", "NO.P", "NO.PARAG"):
        return [r.text(el)] if not has_blocks(el) else mixed_lines(el, r)
    if tag in ("ANNEX", "CONS.ANNEX"):
        out = []
        for part in ("TITLE", "CONTENTS"):
            sub = el.find(part)
            if sub is not None:
                out.extend(block_lines(sub, r))
        return out
    if tag == "GR.SEQ":
        out = []
        for ch in children(el):
            out.extend(block_lines(ch, r))
        return out
    if tag in ("TITLE", "TI", "STI", "CONTENTS", "QUOT.S"):
        out = []
        for ch in children(el):
            out.extend(block_lines(ch, r))
        return out
    if tag == "TBL":
        out = []
        for row in el.iter("ROW"):
            cells = [r.text(c) for c in row.findall("CELL")]
            out.append("\t".join(cells).rstrip("\t"))
        return out
    if tag == "INCL.ELEMENT":
        included = r.includes.get(el.get("FILEREF", ""))
        return block_lines(included, r) if included is not None else []
    return mixed_lines(el, r)


def mixed_lines(el: ET.Element, r: Render) -> list[str]:
    """Mixed content (P, ALINEA, TXT, ...): inline runs become lines, blocks render their own lines;
    text that follows a block (the ';' after a quotation) is appended to the block's last line."""
    lines: list[str] = []
    buf: list[str] = [el.text or ""]
    after_block = False

    def flush() -> None:
        nonlocal buf, after_block
        text = "".join(buf).strip()
        if text:
            if after_block and lines:
                lines[-1] = f"{lines[-1]} {text}" if r.space_after_block else lines[-1] + text
            else:
                lines.append(text)
        buf = []

    for ch in el:
        if is_pi(ch):
            buf.append(ch.tail or "")
            continue
        if ch.tag in BLOCK_TAGS:
            flush()
            if ch.tag == "QUOT.S" and el.tag == "ALINEA":
                lines.extend(block_lines(ch, replace(r, parag_label_alone=True)))
            else:
                lines.extend(block_lines(ch, replace(r, parag_label_alone=False)))
            after_block = True
            buf = [ch.tail or ""]
            continue
        holder = ET.Element("X")
        holder.append(_detached(ch))
        buf.append(inline(holder, r.notes, skip_quotes=r.skip_quotes))
        buf.append(ch.tail or "")
    flush()
    return lines


def _detached(el: ET.Element) -> ET.Element:
    """A shallow copy of ``el`` without its tail (so that a wrapper renders only the element)."""
    copy = ET.Element(el.tag, el.attrib)
    copy.text = el.text
    copy.extend(list(el))
    return copy


# --- articles in the corpus schema -------------------------------------------------------------------------


def label_id(label: str) -> str:
    """'(a)' -> 'a', '(14a)' -> '14a', '1.' -> '1', '‘(g)' -> 'g'."""
    return label.strip().strip("‘’“”").strip("().").strip()


def article_number(el: ET.Element) -> int | str:
    ident = el.get("IDENTIFIER", "")
    m = re.fullmatch(r"0*(\d+)([A-Z]*)", ident)
    if not m:
        raise BuildError(f"unexpected article identifier {ident!r}")
    return int(m.group(1)) if not m.group(2) else m.group(1) + m.group(2).lower()


def convert_points(lst: ET.Element, r: Render) -> list[Json]:
    points: list[Json] = []
    for item in children(lst):
        if item.tag != "ITEM":
            raise BuildError(f"unexpected {item.tag} in LIST")
        kids = children(item)
        np = kids[0] if kids and kids[0].tag == "NP" else None
        if np is None or len(kids) != 1:
            raise BuildError("a list item in an article is not a single numbered point")
        no_p = np.find("NO.P")
        txt = np.find("TXT")
        if no_p is None or txt is None:
            raise BuildError("a point without a number or text")
        label = r.text(no_p)
        point: Json = {"id": label_id(label), "label": label}
        text_lines = mixed_lines(txt, r)
        sub: list[Json] = []
        for ch in children(np):
            if ch.tag in ("NO.P", "TXT"):
                continue
            lists = [c for c in children(ch) if c.tag == "LIST"]
            if ch.tag == "P" and lists and len(children(ch)) == 1:
                sub.extend(convert_points(lists[0], r))
            else:
                # a quotation (Art. 108 and the amending act) or a further line of the point
                text_lines.extend(block_lines(ch, r))
        point["text"] = "\n".join(text_lines)
        if sub:
            point["points"] = sub
        points.append(point)
    return points


def split_alinea(al: ET.Element, r: Render) -> tuple[str, list[Json], str | None]:
    """First-subparagraph shape: text up to the list, the list, the text after it."""
    if not has_blocks(al):
        return r.text(al), [], None
    before: list[str] = []
    after: list[str] = []
    points: list[Json] = []
    buf: list[str] = [al.text or ""]
    seen_list = False
    for ch in al:
        if is_pi(ch):
            buf.append(ch.tail or "")
            continue
        if ch.tag == "LIST":
            if seen_list:
                raise BuildError("two lists in one subparagraph")
            text = "".join(buf).strip()
            if text:
                before.append(text)
            buf = [ch.tail or ""]
            points = convert_points(ch, r)
            seen_list = True
            continue
        if ch.tag in BLOCK_TAGS:
            text = "".join(buf).strip()
            if text:
                (after if seen_list else before).append(text)
            buf = [ch.tail or ""]
            target = after if seen_list else before
            lines = block_lines(ch, replace(r, parag_label_alone=ch.tag == "QUOT.S"))
            if ch.tag == "P":
                # a P that holds only a list is the list of this subparagraph
                lists = [c for c in children(ch) if c.tag == "LIST"]
                if lists and len(children(ch)) == 1 and not (ch.text or "").strip():
                    if seen_list:
                        raise BuildError("two lists in one subparagraph")
                    points = convert_points(lists[0], r)
                    seen_list = True
                    continue
            target.extend(lines)
            continue
        holder = ET.Element("X")
        holder.append(_detached(ch))
        buf.append(inline(holder, r.notes, skip_quotes=r.skip_quotes))
        buf.append(ch.tail or "")
    text = "".join(buf).strip()
    if text:
        (after if seen_list else before).append(text)
    return "\n".join(before), points, ("\n".join(after) if after else None)


def point_lines(points: list[Json]) -> list[str]:
    out: list[str] = []
    for p in points:
        out.append(f"{p['label']} {p['text']}")
        out.extend(point_lines(p.get("points", [])))
    return out


def convert_paragraph(number: str | None, alineas: list[ET.Element], r: Render) -> Json:
    if not alineas:
        raise BuildError(f"paragraph {number} has no text")
    text, points, text_after = split_alinea(alineas[0], r)
    para: Json = {"number": number, "text": text, "points": points}
    subs: list[Json] = []
    for i, al in enumerate(alineas[1:], start=2):
        s_text, s_points, s_after = split_alinea(al, r)
        if s_after:
            raise BuildError(f"paragraph {number}: text after a list in subparagraph {i}")
        sub: Json = {"text": s_text}
        if s_points:
            sub["points"] = s_points
        subs.append(sub)
    if subs:
        para["subparagraphs"] = subs
    if text_after is not None:
        para["text_after"] = text_after
    lines = [text, *point_lines(points)]
    if text_after is not None:
        lines.append(text_after)
    for s in subs:
        lines.append(s["text"])
        lines.extend(point_lines(s.get("points", [])))
    para["full_text"] = "\n".join(lines)
    return para


def convert_article(el: ET.Element, chapter: str | None, section: str | None, r: Render) -> Json:
    ti = el.find("TI.ART")
    sti = el.find("STI.ART")
    if ti is None or sti is None:
        raise BuildError(f"article {el.get('IDENTIFIER')} without number or heading")
    number = article_number(el)
    if normalise(r.text(ti)) != f"Article {number}":
        raise BuildError(f"article heading {r.text(ti)!r} does not match identifier {el.get('IDENTIFIER')}")
    notes_before = len(r.notes.found)
    art: Json = {"number": number, "title": r.text(sti), "chapter": chapter, "section": section}
    body = [c for c in children(el) if c.tag not in ("TI.ART", "STI.ART")]
    paragraphs: list[Json] = []
    if all(c.tag == "PARAG" for c in body):
        for pg in body:
            no = pg.find("NO.PARAG")
            if no is None:
                raise BuildError(f"article {number}: paragraph without number")
            num = label_id(r.text(no))
            para = convert_paragraph(num, [c for c in children(pg) if c.tag == "ALINEA"], r)
            if [c.tag for c in children(pg)] != ["NO.PARAG"] + ["ALINEA"] * (len(children(pg)) - 1):
                raise BuildError(f"article {number}({num}): unexpected paragraph content")
            paragraphs.append(para)
    elif all(c.tag == "ALINEA" for c in body):
        para = convert_paragraph(None, body, r)
        paragraphs.append(para)
    else:
        raise BuildError(f"article {number}: mixes numbered paragraphs and other blocks")
    art["paragraphs"] = paragraphs
    notes = r.notes.found[notes_before:]
    if notes:
        art["footnotes"] = [footnote_json(n, r) for n in notes]
    return art


def footnote_markers(root: ET.Element) -> dict[str, str]:
    """The printed call-out of every footnote: '*' for notes in quoted text, else a running number."""
    markers: dict[str, str] = {}
    n = 0
    for note in root.iter("NOTE"):
        if note.get("NUMBERING") == "STAR":
            markers[note.get("NOTE.ID", "")] = note.get("NUMBER.ORG", "*")
        else:
            n += 1
            markers[note.get("NOTE.ID", "")] = str(n)
    return markers


def footnote_json(note: ET.Element, r: Render) -> Json:
    inner = Render(notes=Notes(), skip_quotes=r.skip_quotes, markers=r.markers)
    return {
        "marker": r.markers.get(note.get("NOTE.ID", ""), ""),
        "id": note.get("NOTE.ID", ""),
        "text": "\n".join(mixed_lines(note, inner)),
    }


def _division_heading(div: ET.Element, r: Render) -> tuple[str, str]:
    title = div.find("TITLE")
    ti = title.find("TI") if title is not None else None
    sti = title.find("STI") if title is not None else None
    if ti is None or sti is None:
        raise BuildError("a chapter or section without a heading")
    label = normalise(r.text(ti))
    m = re.fullmatch(r"(?:CHAPTER|SECTION)\s+([IVXLC]+|\d+)", label)
    if not m:
        raise BuildError(f"unexpected division heading {label!r}")
    return m.group(1), r.text(sti)


def convert_enacting_terms(et: ET.Element, r: Render) -> tuple[list[Json], list[Json]]:
    chapters: list[Json] = []
    articles: list[Json] = []
    for div in children(et):
        if div.tag != "DIVISION":
            raise BuildError(f"unexpected {div.tag} in the enacting terms")
        number, title = _division_heading(div, r)
        chapter: Json = {"number": number, "title": title, "sections": [], "articles": []}
        for ch in children(div):
            if ch.tag == "TITLE":
                continue
            if ch.tag == "ARTICLE":
                art = convert_article(ch, number, None, r)
                articles.append(art)
                chapter["articles"].append(art["number"])
            elif ch.tag == "DIVISION":
                s_number, s_title = _division_heading(ch, r)
                section: Json = {"number": s_number, "title": s_title, "articles": []}
                for a in children(ch):
                    if a.tag == "TITLE":
                        continue
                    if a.tag != "ARTICLE":
                        raise BuildError(f"unexpected {a.tag} in section {s_number}")
                    art = convert_article(a, number, s_number, r)
                    articles.append(art)
                    section["articles"].append(art["number"])
                    chapter["articles"].append(art["number"])
                chapter["sections"].append(section)
            else:
                raise BuildError(f"unexpected {ch.tag} in chapter {number}")
        chapters.append(chapter)
    return chapters, articles


def convert_annex(el: ET.Element, r: Render) -> Json:
    title = el.find("TITLE")
    contents = el.find("CONTENTS")
    if title is None or contents is None:
        raise BuildError("an annex without title or contents")
    ti = title.find("TI")
    ti_lines = [r.text(p) for p in children(ti)] if ti is not None else []
    m = re.fullmatch(r"‘?ANNEX\s+([IVXLC]+)", normalise(ti_lines[0]) if ti_lines else "", re.I)
    if not m:
        raise BuildError("an annex heading that is not 'ANNEX <roman numeral>'")
    sti = title.find("STI")
    lines = block_lines(contents, r)
    if sti is not None:
        heading = r.text(sti)
    elif len(ti_lines) == 2:
        heading = ti_lines[1]  # Annex X prints its title inside the heading block
    else:
        # Annex XIV has no separate heading: its first paragraph names the list and serves as title.
        first = children(contents)[0]
        if first.tag != "P" or has_blocks(first):
            raise BuildError("an annex without a heading and without a leading paragraph")
        heading = lines.pop(0)
    annex: Json = {"number": m.group(1).upper(), "title": heading, "text": "\n".join(lines)}
    return annex


# --- preamble, recitals, final formula ----------------------------------------------------------------------


def convert_title(title: ET.Element, r: Render) -> str:
    ti = title.find("TI")
    return " ".join(r.text(p) for p in children(ti)) if ti is not None else r.text(title)


def convert_preamble(pre: ET.Element, r: Render) -> tuple[Json, list[Json]]:
    """The preamble without recitals (``{init, citations, final, footnotes}``) and the recitals."""
    init = pre.find("PREAMBLE.INIT")
    final = pre.find("PREAMBLE.FINAL")
    notes_before = len(r.notes.found)
    citations = [r.text(v) for v in pre.iter("VISA")]
    notes = r.notes.found[notes_before:]
    preamble: Json = {
        "init": r.text(init) if init is not None else "",
        "citations": citations,
        "final": r.text(final) if final is not None else "",
        "footnotes": [footnote_json(n, r) for n in notes],
    }
    recitals: list[Json] = []
    for consid in pre.iter("CONSID"):
        np = consid.find("NP")
        if np is None or np.find("NO.P") is None or np.find("TXT") is None:
            raise BuildError("a recital without number or text")
        label = r.text(req(np, "NO.P"))
        before = len(r.notes.found)
        txt = [c for c in children(np) if c.tag != "NO.P"]
        lines = [line for c in txt for line in block_lines(c, r)]
        recital: Json = {"number": int(label_id(label)), "text": "\n".join(lines)}
        found = r.notes.found[before:]
        del r.notes.found[before:]
        if found:
            recital["footnotes"] = [footnote_json(n, r) for n in found]
        recitals.append(recital)
    return preamble, recitals


def convert_final(final: ET.Element, r: Render) -> str:
    return "\n".join(block_lines_all(final, r))


def block_lines_all(el: ET.Element, r: Render) -> list[str]:
    out: list[str] = []
    for ch in children(el):
        if ch.tag in ("SIGNATURE", "PL.DATE", "SIGNATORY"):
            out.extend(block_lines_all(ch, r))
        else:
            out.extend(block_lines(ch, r))
    return out


# --- citations of XML elements (SPEC §3) ----------------------------------------------------------------------

ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]

Parents = dict[ET.Element, ET.Element]


def parent_map(root: ET.Element) -> Parents:
    return {c: p for p in root.iter() for c in p}


def _alineas(el: ET.Element) -> list[ET.Element]:
    return [c for c in children(el) if c.tag == "ALINEA"]


def _alinea_base(al: ET.Element, parents: Parents) -> str:
    """The citation that points of this subparagraph hang from: ``Art. 5(1)``, ``Art. 3``, ``Art. 113(3)``."""
    holder = parents[al]
    if holder.tag == "PARAG":
        return element_ref(holder, parents)[0]
    if holder.tag == "ARTICLE":
        art = element_ref(holder, parents)[0]
        alineas = _alineas(holder)
        # Unnumbered paragraphs are counted (Art. 113(3)(c)); a lone one is not (Art. 3(14)).
        return art if len(alineas) == 1 else f"{art}({alineas.index(al) + 1})"
    raise BuildError(f"a subparagraph inside {holder.tag}")


def _annex_of(el: ET.Element, parents: Parents) -> ET.Element | None:
    while el in parents:
        el = parents[el]
        if el.tag in ("CONS.ANNEX", "ANNEX"):
            return el
    return None


def annex_number(annex: ET.Element) -> str:
    ti = annex.find("TITLE/TI")
    text = normalise(inline(children(ti)[0])) if ti is not None and children(ti) else ""
    m = re.fullmatch(r"‘?ANNEX\s+([IVXLC]+)", text, re.I)
    if not m:
        raise BuildError(f"unexpected annex heading {text!r}")
    return m.group(1).upper()


def _annex_point_ref(el: ET.Element, parents: Parents, annex: ET.Element) -> str:
    """``Annex I Section B 21``, ``Annex VIII Section B 7``: the numbered point ``el`` (NP or ITEM)."""
    path: list[str] = []
    node: ET.Element | None = el
    section: str | None = None
    while node is not None and node is not annex:
        np = node if node.tag == "NP" else (node.find("NP") if node.tag == "ITEM" else None)
        if np is not None and node.tag in ("NP", "ITEM") and np.find("NO.P") is not None:
            path.insert(0, label_id(inline(req(np, "NO.P"))))
        if node.tag == "GR.SEQ" and section is None:
            ti = node.find("TITLE/TI")
            head = normalise(inline(ti)) if ti is not None else ""
            m = re.match(r"Section\s+([A-Z]|\d+)\b", head)
            if m:
                section = m.group(1)
        node = parents.get(node)
    if not path:
        raise BuildError("an annex point without a number")
    head, *rest = path
    ref = f"Annex {annex_number(annex)}"
    if section:
        ref += f" Section {section}"
    ref += f" {head}" if head[0].isdigit() else f" ({head})"
    return ref + "".join(f"({p})" for p in rest)


def element_ref(el: ET.Element, parents: Parents) -> tuple[str, str | None]:
    """The canonical citation of the provision an element holds, and the part of it (or None)."""
    annex = _annex_of(el, parents) if el.tag not in ("CONS.ANNEX", "ANNEX") else None
    if el.tag in ("CONS.ANNEX", "ANNEX"):
        return f"Annex {annex_number(el)}", None
    if annex is not None:
        if el.tag in ("NP", "ITEM"):
            return _annex_point_ref(el, parents, annex), None
        raise BuildError(f"cannot cite a {el.tag} of Annex {annex_number(annex)}")
    if el.tag == "ARTICLE":
        return f"Art. {article_number(el)}", None
    if el.tag == "STI.ART":
        return element_ref(parents[el], parents)[0], "heading"
    if el.tag == "PARAG":
        no = el.find("NO.PARAG")
        if no is None:
            raise BuildError("a paragraph without a number")
        return f"{element_ref(parents[el], parents)[0]}({label_id(inline(no))})", None
    if el.tag == "ALINEA":
        holder = parents[el]
        if holder.tag == "PARAG":
            idx = _alineas(holder).index(el)
            return element_ref(holder, parents)[0], f"{ORDINALS[idx]} subparagraph"
        return _alinea_base(el, parents), None
    if el.tag == "ITEM":
        np = el.find("NP")
        if np is None or np.find("NO.P") is None:
            raise BuildError("a point without a number")
        pid = label_id(inline(req(np, "NO.P")))
        node = parents[parents[el]]  # the LIST's holder: a P, an ALINEA or the NP of a point
        while node.tag == "P":
            node = parents[node]
        if node.tag == "NP":
            return f"{element_ref(parents[node], parents)[0]}({pid})", None
        if node.tag == "ALINEA":
            return f"{_alinea_base(node, parents)}({pid})", None
        raise BuildError(f"a point inside {node.tag}")
    raise BuildError(f"cannot cite a {el.tag}")


# --- consolidation markers ------------------------------------------------------------------------------------


@dataclass
class Marker:
    """One ``<?CLG.MDFO?> … <?CLG.MDFC?>`` span of the consolidated text."""

    id: str
    action: str  # INSERTED | REPLACED | DELETED
    level: str  # STRUCTURE | TEXT
    command: str  # EXPLICIT | IMPLICIT
    loc: tuple[str, ...]  # the amending point named by ACTIVE.LOC: ("7", "a")
    open_pi: ET.Element
    open_parent: ET.Element
    close_pi: ET.Element | None = None
    close_parent: ET.Element | None = None
    units: list[tuple[str, str | None]] = field(default_factory=list)
    top: list[ET.Element] = field(default_factory=list)  # elements wholly inside, outermost first
    partial: list[ET.Element] = field(default_factory=list)  # elements the span enters or leaves

    @property
    def text_span(self) -> str:
        """The text inside a TEXT-level marker (e.g. a ';' replacing a '.')."""
        return self.open_pi.tail or ""


def scan_markers(root: ET.Element) -> tuple[dict[str, Marker], Parents]:
    parents = parent_map(root)
    markers: dict[str, Marker] = {}
    active: list[str] = []
    start: dict[ET.Element, frozenset[str]] = {}
    end: dict[ET.Element, frozenset[str]] = {}

    def walk(el: ET.Element) -> None:
        for ch in el:
            if is_pi(ch):
                name, attrs = pi_attrs(ch)
                if name == "CLG.MDFO":
                    if attrs.get("ACTIVE.DOC") != "32026R1744":
                        raise BuildError(f"marker {attrs.get('ID')} names another amending act")
                    loc = attrs.get("ACTIVE.LOC", "")
                    if not loc.startswith("AR:1;PT:"):
                        raise BuildError(f"marker {attrs.get('ID')} points outside Art. 1: {loc}")
                    markers[attrs["ID"]] = Marker(
                        id=attrs["ID"],
                        action=attrs.get("ACTION", ""),
                        level=attrs.get("LEVEL", ""),
                        command=attrs.get("COMMAND", ""),
                        loc=tuple(p.split(":", 1)[1] for p in loc.split(";")[1:]),
                        open_pi=ch,
                        open_parent=el,
                    )
                    active.append(attrs["ID"])
                elif name == "CLG.MDFC":
                    oid = attrs.get("IDREF", "")
                    if not active or active[-1] != oid:
                        raise BuildError(f"marker {oid} closes out of order")
                    active.pop()
                    markers[oid].close_pi = ch
                    markers[oid].close_parent = el
                continue
            start[ch] = frozenset(active)
            walk(ch)
            end[ch] = frozenset(active)

    walk(root)
    if active:
        raise BuildError(f"markers never closed: {active}")
    for m in markers.values():
        inside = [e for e, s in start.items() if m.id in s]
        whole = [e for e in inside if m.id in end[e]]
        whole_set = set(whole)
        m.top = [e for e in whole if parents.get(e) not in whole_set]
        m.partial = [e for e in inside if m.id not in end[e] and parents.get(e) not in set(inside)]
    return markers, parents


def marker_units(m: Marker, parents: Parents) -> list[tuple[str, str | None]]:
    """The provisions a marker changes, at the grain of the amending act."""
    if m.level == "TEXT":
        node = m.open_parent
        while node.tag not in ("ITEM", "NP") or (node.tag == "NP" and parents[node].tag == "ITEM"):
            node = parents[node]
        return [element_ref(node, parents)]
    if m.partial:
        # Art. 58(1): the span covers the number and the words before the list of the first subparagraph.
        if len(m.partial) != 1 or m.partial[0].tag != "ALINEA":
            raise BuildError(f"marker {m.id} cuts through {[e.tag for e in m.partial]}")
        al = m.partial[0]
        inner = [e for e in m.top if parents.get(e) is al]
        kids = children(al)
        if not inner or [e.tag for e in inner] != ["P"] * len(inner) or kids[len(inner)].tag != "LIST":
            raise BuildError(f"marker {m.id} covers part of a subparagraph other than its introductory words")
        ref, part = element_ref(al, parents)
        return [(ref, f"{part}, introductory part" if part else "introductory part")]
    tops = [e for e in m.top if e.tag != "NO.PARAG"]
    if any(e.tag == "NO.PARAG" for e in m.top) and (not tops or tops[0].tag != "ALINEA"):
        raise BuildError(f"marker {m.id} covers a paragraph number without its text")
    return [element_ref(e, parents) for e in tops]


def marker_text(m: Marker, parents: Parents) -> str:
    """What the marker wraps, rendered like the amending act's quotation, normalised."""
    r = Render()
    lines: list[str] = []
    for e in m.top:
        if e.tag == "CONS.ANNEX":
            body = e.find("CONTENTS")
            lines.extend(block_lines(body, r) if body is not None else [])
        elif e.tag == "NO.PARAG":
            lines.append(r.text(e))
        elif m.partial and parents.get(e) is m.partial[0]:
            lines.extend(block_lines(e, r))
        else:
            lines.extend(block_lines(e, r))
    return normalise(" ".join(lines))


def drop_deleted(markers: dict[str, Marker]) -> dict[str, list[ET.Element]]:
    """Remove every DELETED span from the tree; return what was removed, by marker id."""
    removed: dict[str, list[ET.Element]] = {}
    for m in markers.values():
        if m.action != "DELETED":
            continue
        if m.close_parent is not m.open_parent or m.close_pi is None:
            raise BuildError(f"deleted span {m.id} is not a run of sibling elements")
        parent = m.open_parent
        kids = list(parent)
        i, j = kids.index(m.open_pi), kids.index(m.close_pi)
        span = kids[i + 1 : j]
        if (m.open_pi.tail or "").strip() or any((e.tail or "").strip() for e in span):
            raise BuildError(f"deleted span {m.id} holds loose text")
        for e in span:
            parent.remove(e)
        removed[m.id] = [e for e in span if not is_pi(e)]
    return removed


# --- the amending act, Article 1 -------------------------------------------------------------------------------


@dataclass
class AmendingPoint:
    """A point of Article 1 of Reg. (EU) 2026/1744: its instruction and the text it quotes."""

    path: tuple[str, ...]
    instruction: str
    quotes: list[ET.Element]
    subpoints: list[AmendingPoint] = field(default_factory=list)

    @property
    def citation(self) -> str:
        head, *rest = self.path
        return f"{AMENDING_REF}, Art. 1 point {head}" + "".join(f"({p})" for p in rest)

    @property
    def action(self) -> str:
        """INSERTED / REPLACED / DELETED, read from the wording of the instruction."""
        words = self.instruction.lower()
        if "deleted" in words:
            return "DELETED"
        if "replaced" in words or ("amended as follows" in words and self.quotes):
            return "REPLACED"
        if "inserted" in words or "added" in words:
            return "INSERTED"
        raise BuildError(f"cannot read the instruction of {self.citation}: {self.instruction!r}")


def outer_quote_ids(quot_s: ET.Element) -> frozenset[str]:
    """The quotation marks that open and close an amending quotation (not part of the quoted text)."""
    first = next(quot_s.iter("QUOT.START"), None)
    if first is None:
        return frozenset()
    return frozenset({first.get("ID", ""), first.get("REF.END", "")})


def amending_points(art1: ET.Element) -> dict[tuple[str, ...], AmendingPoint]:
    al = art1.find("ALINEA")
    lst = al.find("LIST") if al is not None else None
    if lst is None:
        raise BuildError("Article 1 of the amending act has no list of points")
    found: dict[tuple[str, ...], AmendingPoint] = {}

    def read(lst: ET.Element, prefix: tuple[str, ...]) -> list[AmendingPoint]:
        out: list[AmendingPoint] = []
        for item in children(lst):
            np = item.find("NP")
            if np is None or np.find("NO.P") is None or np.find("TXT") is None:
                raise BuildError("a point of Article 1 without number or instruction")
            path = (*prefix, label_id(inline(req(np, "NO.P"))))
            point = AmendingPoint(path, normalise(inline(req(np, "TXT"))), [])
            for p in np.findall("P"):
                for ch in children(p):
                    if ch.tag == "QUOT.S":
                        point.quotes.append(ch)
                    elif ch.tag == "LIST":
                        point.subpoints.extend(read(ch, path))
                    else:
                        raise BuildError(f"unexpected {ch.tag} in {point.citation}")
            found[path] = point
            out.append(point)
        return out

    read(lst, ())
    return found


DENEST = str.maketrans({"“": "‘", "”": "’"})


def quoted_annex(annex_file: ET.Element) -> tuple[ET.Element, frozenset[str]]:
    """A copy of the annex file without the full stop that follows its closing quotation mark (it ends
    point 43 of Article 1, not the annex), and the ids of the opening and closing quotation marks."""
    annex_copy = copy.deepcopy(annex_file)
    outer = outer_quote_ids(annex_copy)
    for end in annex_copy.iter("QUOT.END"):
        if end.get("ID") in outer:
            if (end.tail or "").strip() not in ("", ".", ";"):
                raise BuildError("unexpected text after the quotation of Annex XIV")
            end.tail = ""
    return annex_copy, outer


def quote_lines(quot_s: ET.Element, annex_file: ET.Element | None, *, annex_title: bool = False) -> list[str]:
    """The quoted passage as printed in the amending act, without the quotation marks that open and close it
    (and without the punctuation of the amending act that follows them)."""
    kids = children(quot_s)
    if len(kids) == 1 and kids[0].tag == "INCL.ELEMENT":
        if annex_file is None:
            raise BuildError("the amending act includes an annex file that was not given")
        annex_copy, outer = quoted_annex(annex_file)
        r = Render(skip_quotes=outer, space_after_block=False)
        parts = ("TITLE", "CONTENTS") if annex_title else ("CONTENTS",)
        return [line for part in parts for e in annex_copy.findall(part) for line in block_lines(e, r)]
    r = Render(skip_quotes=outer_quote_ids(quot_s), space_after_block=False)
    return block_lines(quot_s, r)


def quote_text(quot_s: ET.Element, annex_file: ET.Element | None) -> str:
    """The quoted passage as the consolidated text prints it: normalised, inner double quotes turned
    into single ones (a consolidation un-nests quotations)."""
    return normalise(" ".join(quote_lines(quot_s, annex_file))).translate(DENEST)


# The one place where the consolidated wording is not the amending act's quotation: the consolidation
# moved the semicolon that follows the quotation in Art. 1 point 38(b) into the inserted point (da).
KNOWN_DEVIATIONS: dict[tuple[str, ...], tuple[str, str]] = {
    ("38", "b"): (
        "(da) obligations of providers and operators pursuant to Article 25(2) and (4)",
        "(da) obligations of providers and operators pursuant to Article 25(2) and (4);",
    ),
}


@dataclass
class MarkerCheck:
    point: AmendingPoint
    notes: list[str]


def check_markers(
    markers: dict[str, Marker],
    parents: Parents,
    points: dict[tuple[str, ...], AmendingPoint],
    annex_file: ET.Element,
) -> dict[str, MarkerCheck]:
    """Tie every marker to the point of Article 1 that made it, and prove the text is the same."""
    result: dict[str, MarkerCheck] = {}
    quoted = {path: " ".join(quote_text(q, annex_file) for q in p.quotes) for path, p in points.items()}
    for m in markers.values():
        notes: list[str] = []
        point = points.get(m.loc)
        if m.level == "TEXT" or m.command == "IMPLICIT":
            if point is None:
                raise BuildError(f"marker {m.id} names a point that does not exist: {m.loc}")
            if m.action != "REPLACED" or m.text_span.strip() not in (";", "."):
                raise BuildError(f"implicit marker {m.id} is not a punctuation change")
            notes.append(
                f"consequential change made by the consolidation, not quoted in the amending act: the final "
                f"punctuation now reads '{m.text_span.strip()}'"
            )
            result[m.id] = MarkerCheck(point, notes)
            continue
        if m.action == "DELETED":
            if point is None or point.action != "DELETED":
                raise BuildError(f"deleted span {m.id} is not a deletion of Art. 1 point {m.loc}")
            result[m.id] = MarkerCheck(point, notes)
            continue
        text = marker_text(m, parents)
        if point is None or text != quoted.get(m.loc):
            expected = KNOWN_DEVIATIONS.get(m.loc)
            if (
                point is not None
                and expected
                and (quoted[m.loc], text) == (normalise(expected[0]), normalise(expected[1]))
            ):
                notes.append(
                    "the consolidated text has the semicolon that follows the quotation in the amending act "
                    "inside the point; the amending act quotes it without"
                )
            else:
                matches = [p for path, p in points.items() if quoted[path] == text]
                if len(matches) != 1:
                    raise BuildError(f"marker {m.id} ({m.loc}): its text is not quoted by the amending act")
                named = m.loc[0] + "".join(f"({p})" for p in m.loc[1:])
                notes.append(
                    f"the consolidation's marker names Art. 1 point {named}, which does not exist; the text is "
                    f"quoted in {matches[0].citation}"
                )
                point = matches[0]
        if point.action != m.action:
            raise BuildError(f"marker {m.id} is {m.action} but {point.citation} says {point.instruction!r}")
        result[m.id] = MarkerCheck(point, notes)
    # every instruction of Article 1 has left its mark in the consolidated text
    used = {c.point.path for c in result.values()}
    for path, p in points.items():
        if not p.subpoints and path not in used:
            raise BuildError(f"{p.citation} ({p.instruction!r}) left no trace in the consolidated text")
    return result


# --- provisions of a corpus, by citation ---------------------------------------------------------------------

Key = tuple[str, str | None]  # (canonical citation, part or None)


def _point_text(point: Json) -> str:
    return "\n".join([point["text"], *point_lines(point.get("points", []))])


def article_text(art: Json) -> str:
    return "\n".join(
        (f"{p['number']}. " if p["number"] is not None else "") + p["full_text"] for p in art["paragraphs"]
    )


def _subparagraphs(p: Json) -> list[tuple[str, list[Json], str | None]]:
    return [(p["text"], p["points"], p.get("text_after"))] + [
        (s["text"], s.get("points", []), None) for s in p.get("subparagraphs", [])
    ]


def index_units(corpus: Json) -> dict[Key, str]:
    """Every citable provision of a corpus file with its text (own label excluded), plus parts that the
    amending act changes on their own: headings, subparagraphs, introductory words."""
    idx: dict[Key, str] = {}
    ambiguous: set[Key] = set()

    def put(key: Key, text: str) -> None:
        if key in idx:
            ambiguous.add(key)
        idx[key] = text

    def put_points(base: str, points: list[Json]) -> None:
        for pt in points:
            ref = f"{base}({pt['id']})"
            put((ref, None), _point_text(pt))
            put_points(ref, pt.get("points", []))

    for art in corpus["articles"]:
        a = f"Art. {art['number']}"
        put((a, "heading"), art["title"])
        put((a, None), article_text(art))
        paras = art["paragraphs"]
        if len(paras) == 1 and paras[0]["number"] is None:
            subs = _subparagraphs(paras[0])
            if len(subs) == 1:
                put_points(a, subs[0][1])
                continue
            for k, (text, points, after) in enumerate(subs, start=1):
                put((f"{a}({k})", None), "\n".join([text, *point_lines(points), *([after] if after else [])]))
                put_points(f"{a}({k})", points)
            continue
        for p in paras:
            base = f"{a}({p['number']})"
            put((base, None), p["full_text"])
            for k, (text, points, after) in enumerate(_subparagraphs(p)):
                part = f"{ORDINALS[k]} subparagraph"
                put((base, part), "\n".join([text, *point_lines(points), *([after] if after else [])]))
                if points:
                    put((base, f"{part}, introductory part"), text)
                put_points(base, points)
    for annex in corpus["annexes"]:
        n = f"Annex {annex['number']}"
        put((n, None), annex["text"])
        put((n, "heading"), annex["title"])
        section: str | None = None
        number: str | None = None
        for line in annex["text"].split("\n"):
            m = re.match(r"Section\s+([A-Z]|\d+)\b", line)
            if m:
                section, number = m.group(1), None
                continue
            head = f"{n} Section {section}" if section else n
            m = re.match(r"(\d+(?:\.\d+)*)\.\s+(.*)", line)
            if m:
                number = m.group(1)
                put((f"{head} {number}", None), m.group(2))
                continue
            m = re.match(r"\(([a-z]{1,3})\)\s+(.*)", line)
            if m and number:
                put((f"{head} {number}({m.group(1)})", None), m.group(2))
    for key in ambiguous:
        del idx[key]
    return idx


# --- the 2026 corpus ---------------------------------------------------------------------------------------------

# Where the consolidated text departs from the authentic OJ wording of a provision that Reg. (EU) 2026/1744
# did not touch, the OJ wording is kept (the consolidation is a documentation tool without legal effect).
HEADING_ARTEFACTS = {
    1: ("Subject matter'", "Subject matter`"),
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rel(path: Path, shared: Path) -> str:
    return "../shared/" + path.relative_to(shared).as_posix()


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:]}"


def _inside(inner: str, outer: str) -> bool:
    """``Art. 5(1)(ba)`` lies inside ``Art. 5(1)`` and ``Art. 5``; ``Annex I Section A 1`` inside ``Annex I``."""
    return inner == outer or inner.startswith((outer + "(", outer + " "))


def _touches(change: Key, unit: Key) -> bool:
    """Does a change to ``change`` alter the text indexed under ``unit``? (Conservative: when a part of a
    provision changes, the whole provision and everything that contains it count as changed.)"""
    c_ref, c_part = change
    u_ref, u_part = unit
    if c_part == "heading" or u_part == "heading":
        return u_part == "heading" and c_ref == u_ref and c_part in (None, "heading")
    if u_ref == c_ref:
        return c_part is None or u_part is None or u_part.startswith(c_part) or c_part.startswith(u_part)
    if _inside(u_ref, c_ref):
        return c_part is None
    return _inside(c_ref, u_ref)


def build_corpus(shared: Path, corpus_2024: Json) -> tuple[Json, dict[tuple[str, ...], list[str]]]:
    cons_path = shared / CONSOLIDATED
    root = parse_xml(cons_path)
    info = root.find("INFO.CONSLEG")
    if info is None or info.get("CONSLEG.REF") != "2024R1689" or info.get("START.DATE") != "20260727":
        raise BuildError("the consolidated file is not version 02024R1689-20260727")
    markers, parents = scan_markers(root)
    act = parse_xml(shared / AMENDING_ACT)
    annex_file = parse_xml(shared / AMENDING_ANNEX)
    art1 = next((a for a in act.findall("ENACTING.TERMS/ARTICLE") if a.get("IDENTIFIER") == "001"), None)
    if art1 is None:
        raise BuildError("the amending act has no Article 1")
    points = amending_points(art1)
    checks = check_markers(markers, parents, points, annex_file)
    units = {m.id: marker_units(m, parents) for m in markers.values()}
    removed = drop_deleted(markers)

    doc = root.find("CONS.DOC")
    if doc is None:
        raise BuildError("no CONS.DOC in the consolidated file")
    r = Render(markers=footnote_markers(doc))
    et = doc.find("ENACTING.TERMS")
    title = doc.find("TITLE")
    final = doc.find("FINAL")
    if et is None or title is None or final is None:
        raise BuildError("the consolidated file lacks title, enacting terms or final formula")
    chapters, articles = convert_enacting_terms(et, r)
    annexes = [convert_annex(a, r) for a in doc.findall("CONS.ANNEX")]

    fixes: list[str] = []
    for art in articles:
        artefact = HEADING_ARTEFACTS.get(art["number"]) if isinstance(art["number"], int) else None
        if artefact and art["title"] == artefact[0]:
            art["title"] = artefact[1]
            fixes.append(
                f"Art. {art['number']} heading: the consolidated file reads {artefact[0]!r}; the OJ text of "
                f"Reg. (EU) 2024/1689, which Reg. (EU) 2026/1744 did not amend here, reads {artefact[1]!r} "
                "(both characters are artefacts of the source files); the OJ wording is kept"
            )

    corpus: Json = {
        "celex": "02024R1689-20260727",
        "language": "en",
        "version": "2026",
        "schema_notes": corpus_2024["schema_notes"]
        + " Version 2026: article numbers are ints for articles of the 2024 text and strings for articles "
        "inserted by Reg. (EU) 2026/1744 ('4a', '60a', '75a'); paragraph numbers and point ids are strings "
        "('1a', 'ba'). Text is from the consolidated Formex, whose copy lost its no-break spaces (plain spaces "
        "instead; numbers printed by Formex FT elements keep U+00A0). 'changes' lists every provision "
        "changed by Reg. (EU) 2026/1744: ref (canonical citation), part (null, or the part of that "
        "provision the amending act changes: 'heading', 'second subparagraph', 'first subparagraph, "
        "introductory part', ...), kind (inserted|replaced|deleted), amending_point, text_2024 and "
        "text_2026 (the provision or part without its own number; null when absent), note (null or why "
        "the entry is special). recitals and preamble are those of the OJ text of Reg. (EU) 2024/1689: "
        "consolidated texts leave preambles out and Reg. (EU) 2026/1744 did not amend them (its own "
        "recitals are in reg_2026_1744_en.json); so is 'final' (the consolidation prints only its first "
        "sentence).",
        "eli": "http://data.europa.eu/eli/reg/2024/1689/2026-07-27",
        "oj": corpus_2024["oj"],
        "amended_by": [
            {
                "act": "Regulation (EU) 2026/1744",
                "celex": "32026R1744",
                "oj": "OJ L, 2026/1744, 24.7.2026",
                "in_force": "2026-07-27",
                "file": "reg_2026_1744_en.json",
            }
        ],
        "source": {
            "file": _rel(cons_path, shared),
            "format": "Formex 4 (formex-06.02.1) CONS.ACT, consolidated version",
            "consolidation": "02024R1689-20260727",
            "start_date": _iso(info.get("START.DATE", "")),
            "repository": "josesiqueira/tere4ai",
            "path": "data/snapshots/formex/CL2024R1689EN0010010.0001.xml",
            "commit": "f880753aa289faaf9107ce91c7c634a6379ba069",
            "sha256": _sha256(cons_path),
            "amending_act": {
                "file": _rel(shared / AMENDING_ACT, shared),
                "sha256": _sha256(shared / AMENDING_ACT),
            },
            "amending_act_annex": {
                "file": _rel(shared / AMENDING_ANNEX, shared),
                "sha256": _sha256(shared / AMENDING_ANNEX),
            },
            "built_by": "tools/build_corpus_2026.py",
        },
        "title": convert_title(title, r),
        "preamble": corpus_2024["preamble"],
        "recitals": corpus_2024["recitals"],
        "chapters": chapters,
        "articles": articles,
        # consolidations print only the first sentence of the final formula; the signatures are the OJ's
        "final": corpus_2024["final"],
        "annexes": annexes,
    }

    idx_2024 = index_units(corpus_2024)
    idx_2026 = index_units(corpus)
    changes: list[Json] = []
    by_point: dict[tuple[str, ...], list[str]] = {}
    kinds = {"INSERTED": "inserted", "REPLACED": "replaced", "DELETED": "deleted"}
    for m in markers.values():
        check = checks[m.id]
        for ref, part in units[m.id]:
            key = (ref, part)
            old = idx_2024.get(key)
            new = idx_2026.get(key)
            kind = kinds[m.action]
            if kind == "inserted" and (old is not None or new is None):
                raise BuildError(
                    f"{ref} {part or ''}: inserted, but {'present in 2024' if old else 'absent in 2026'}"
                )
            if kind == "replaced" and (old is None or new is None):
                raise BuildError(
                    f"{ref} {part or ''}: replaced, but missing in {'2024' if old is None else '2026'}"
                )
            if kind == "deleted" and (old is None or new is not None):
                raise BuildError(
                    f"{ref}: deleted, but {'absent in 2024' if old is None else 'still in 2026'}"
                )
            if kind == "replaced" and normalise(old or "") == normalise(new or ""):
                raise BuildError(f"{ref} {part or ''}: replaced by the same words")
            note = "; ".join(check.notes) or None
            changes.append(
                {
                    "ref": ref,
                    "part": part,
                    "kind": kind,
                    "amending_point": check.point.citation,
                    "text_2024": old,
                    "text_2026": new,
                    "note": note,
                }
            )
            by_point.setdefault(check.point.path, []).append(ref if part is None else f"{ref} ({part})")
    # what was dropped is what the 2024 text said
    for mid, elements in removed.items():
        r_old = Render()
        text = normalise(
            " ".join(
                line
                for e in elements
                for ch in children(req(e, "NP") if e.tag == "ITEM" else e)
                if ch.tag not in ("NO.PARAG", "NO.P")
                for line in block_lines(ch, r_old)
            )
        )
        expected = " ".join(normalise(idx_2024[u]) for u in units[mid])
        if text != expected:
            raise BuildError(f"deleted span {mid} does not hold the 2024 wording of {units[mid]}")

    # everything the amending act did not touch reads as in 2024
    changed_keys = [(c["ref"], c["part"]) for c in changes]
    mismatches: list[str] = []
    for key, old in idx_2024.items():
        if any(_touches(c, key) for c in changed_keys):
            continue
        new = idx_2026.get(key)
        if new is None or normalise(new) != normalise(old):
            mismatches.append(f"{key}: {'missing' if new is None else 'differs'}")
    old_notes = {str(a["number"]): a.get("footnotes", []) for a in corpus_2024["articles"]}
    for art in articles:
        notes_2024 = [normalise(n["text"]) for n in old_notes.get(str(art["number"]), [])]
        notes_2026 = [normalise(n["text"]) for n in art.get("footnotes", [])]
        touched = any(_touches(c, (f"Art. {art['number']}", None)) for c in changed_keys)
        if notes_2024 != notes_2026 and not (touched and set(notes_2024) <= set(notes_2026)):
            mismatches.append(f"Art. {art['number']}: footnotes differ")
    for key in idx_2026:
        if key not in idx_2024 and not any(_touches(c, key) for c in changed_keys):
            mismatches.append(f"{key}: new, but no change explains it")
    if mismatches:
        raise BuildError("unchanged provisions differ from 2024:\n  " + "\n  ".join(mismatches[:40]))
    final_2026 = convert_final(final, r)
    if normalise(corpus["title"]) != normalise(corpus_2024["title"]) or normalise(final_2026) != normalise(
        corpus_2024["final"].split("\n")[0]
    ):
        raise BuildError(f"title or final formula differ from 2024: {corpus['title']!r} {final_2026!r}")

    corpus["changes"] = changes
    corpus["verification"] = {
        "method": (
            "The converter reproduces ai_act_2024_en.json exactly from the OJ Formex of 2024 "
            "(articles, annexes, chapters, recitals). In the consolidated text, each of the "
            f"{len(markers)} amendment markers was tied to the point of Art. 1 of Reg. (EU) 2026/1744 that "
            "made it; the kind of change matches the instruction, and the marked text equals the text the "
            "amending act quotes (whitespace normalised; inner double quotes of the quotation printed as "
            "single quotes, as consolidations do). Every point of Art. 1 left a marker. Deleted spans hold "
            "the 2024 wording. Every provision outside the markers equals its 2024 wording after whitespace "
            "normalisation."
        ),
        "markers": len(markers),
        "notes": [
            *fixes,
            *(
                f"{m.id}: {note}"
                for m in markers.values()
                for note in checks[m.id].notes
                if "does not exist" in note
            ),
            "Art. 111 heading reads 'already placed on the marked' in the OJ text of 2024 and in the "
            "consolidated text; kept.",
        ],
    }
    return corpus, by_point


# --- the amending act as a corpus unit --------------------------------------------------------------------------


def build_amending_act(shared: Path, by_point: dict[tuple[str, ...], list[str]], corpus: Json) -> Json:
    act_path = shared / AMENDING_ACT
    annex_path = shared / AMENDING_ANNEX
    act = parse_xml(act_path)
    annex_file = parse_xml(annex_path)
    cons = parse_xml(shared / CONSOLIDATED)

    # dates: of the act (its own file), of publication (the consolidation's record of the amending act),
    # of entry into force (Art. 4: the third day after publication; the consolidation starts that day)
    act_date = act.find("BIB.INSTANCE/DATE")
    published = next(
        (
            m.find("BIB.DATA/BIB.INSTANCE.CONS/DATE")
            for m in cons.iter("MOD.ACT")
            if m.findtext("BIB.DATA/NO.CELEX") == "32026R1744"
        ),
        None,
    )
    if act_date is None or published is None:
        raise BuildError("cannot read the date of the act or of its publication")
    art4 = next((a for a in act.findall("ENACTING.TERMS/ARTICLE") if a.get("IDENTIFIER") == "004"), None)
    if art4 is None or "third day following that of its publication" not in normalise(inline(art4)):
        raise BuildError("Art. 4 of the amending act does not read 'third day following ... publication'")
    pub_iso = _iso(published.get("ISO", ""))
    start = cons.find("INFO.CONSLEG")
    in_force = _iso(start.get("START.DATE", "")) if start is not None else ""
    if (int(in_force[-2:]) - int(pub_iso[-2:]), in_force[:7]) != (3, pub_iso[:7]):
        raise BuildError(f"entry into force {in_force} is not the third day after publication {pub_iso}")

    r = Render(
        markers=footnote_markers(act),
        space_after_block=False,
        includes={AMENDING_ANNEX.name: annex_file},
    )
    title = act.find("TITLE")
    pre = act.find("PREAMBLE")
    et = act.find("ENACTING.TERMS")
    final = act.find("FINAL")
    if title is None or pre is None or et is None or final is None:
        raise BuildError("the amending act lacks title, preamble, enacting terms or final formula")
    preamble, recitals = convert_preamble(pre, r)
    articles = [convert_article(a, None, None, r) for a in children(et)]
    if [a["number"] for a in articles] != [1, 2, 3, 4]:
        raise BuildError("the amending act does not have Articles 1 to 4")
    if [x["number"] for x in recitals] != list(range(1, 48)):
        raise BuildError(f"expected recitals 1 to 47, found {len(recitals)}")

    annex_copy, outer = quoted_annex(annex_file)
    annex = convert_annex(annex_copy, Render(skip_quotes=outer))
    annex["note"] = (
        "Annex XIV to Regulation (EU) 2024/1689, added by Article 1, point (43); OJ pages 36 to 38"
    )

    art1 = next(a for a in children(et) if a.get("IDENTIFIER") == "001")
    amendments: list[Json] = []
    for path, point in amending_points(art1).items():
        if point.subpoints:
            continue
        kind = {"INSERTED": "inserted", "REPLACED": "replaced", "DELETED": "deleted"}[point.action]
        quoted = [line for q in point.quotes for line in quote_lines(q, annex_file, annex_title=True)]
        amendments.append(
            {
                "point": path[0] + "".join(f"({p})" for p in path[1:]),
                "citation": point.citation,
                "instruction": point.instruction,
                "kind": kind,
                "quoted": "\n".join(quoted) if quoted else None,
                "provisions": by_point.get(path, []),
            }
        )

    return {
        "celex": "32026R1744",
        "language": "en",
        "schema_notes": (
            "The amending act as published in the Official Journal. recitals: [{number, text, footnotes?}]. "
            "articles: the corpus article schema of ai_act_2024_en.json (quoted amendments are lines of the "
            "point's text, printed with their quotation marks). annexes: Annex XIV to Reg. (EU) 2024/1689 as "
            "published with this act (OJ pages 36-38). amendments: one entry per point of Article 1 that "
            "amends Reg. (EU) 2024/1689 (innermost points): instruction, kind, the quoted text without its "
            "opening and closing quotation marks (null for deletions), and the provisions of the 2026 corpus "
            "it changed (refs of ai_act_2026_en.json 'changes', part in brackets). Cite recitals as "
            "'Reg. 2026/1744 Recital 40'. The source file lost its no-break spaces (plain spaces instead)."
        ),
        "eli": "http://data.europa.eu/eli/reg/2026/1744/oj",
        "oj": f"OJ L, 2026/1744, {int(pub_iso[8:])}.{int(pub_iso[5:7])}.{pub_iso[:4]}",
        "date": _iso(act_date.get("ISO", "")),
        "published": pub_iso,
        "in_force": in_force,
        "short_title": "Digital Omnibus on AI",
        "amends": ["Regulation (EU) 2024/1689", "Regulation (EU) 2018/1139", "Regulation (EU) 2023/1230"],
        "source": {
            "file": _rel(act_path, shared),
            "annex_file": _rel(annex_path, shared),
            "format": "Formex 4 (formex-06.02.1) ACT and ANNEX",
            "repository": "josesiqueira/tere4ai",
            "path": "data/snapshots/formex/L_202601744EN.000101.fmx.xml",
            "commit": "f880753aa289faaf9107ce91c7c634a6379ba069",
            "sha256": _sha256(act_path),
            "annex_sha256": _sha256(annex_path),
            "published_from": "the consolidated file's record of the amending act (MOD.ACT, 24.7.2026)",
            "in_force_from": "Art. 4 (third day following publication) and the consolidation's start date",
            "built_by": "tools/build_corpus_2026.py",
        },
        "title": convert_title(title, r),
        "preamble": preamble,
        "recitals": recitals,
        "articles": articles,
        "final": convert_final(final, r),
        "annexes": [annex],
        "amendments": amendments,
    }


# --- self-check of the converter on the 2024 text ----------------------------------------------------------------


def check_converter(shared: Path, corpus_2024: Json) -> None:
    """The same code, run on the OJ Formex of 2024, must give back ai_act_2024_en.json."""
    root = parse_xml(shared / OJ_2024)
    act = root.find("ACT")
    if act is None:
        raise BuildError("no ACT in the 2024 Formex")
    r = Render(markers=footnote_markers(act))
    et = act.find("ENACTING.TERMS")
    pre = act.find("PREAMBLE")
    if et is None or pre is None:
        raise BuildError("the 2024 Formex lacks its preamble or enacting terms")
    chapters, articles = convert_enacting_terms(et, r)
    annexes = [convert_annex(a, r) for a in root.findall("ANNEX")]
    _, recitals = convert_preamble(pre, Render(markers=r.markers))
    for name, got, want in (
        ("chapters", chapters, corpus_2024["chapters"]),
        ("articles", articles, corpus_2024["articles"]),
        ("annexes", annexes, corpus_2024["annexes"]),
        ("recitals", recitals, corpus_2024["recitals"]),
    ):
        if got != want:
            bad = next((i for i, (g, w) in enumerate(zip(got, want, strict=False)) if g != w), len(got))
            raise BuildError(
                f"the converter does not reproduce the 2024 {name} (first difference: item {bad})"
            )


# --- main ---------------------------------------------------------------------------------------------------------


def dump(obj: Json) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1) + "\n"


def build(shared: Path) -> dict[Path, str]:
    """Everything this script writes, by path."""
    corpus_2024 = json.loads(CORPUS_2024.read_text(encoding="utf-8"))
    check_converter(shared, corpus_2024)
    corpus, by_point = build_corpus(shared, corpus_2024)
    reg = build_amending_act(shared, by_point, corpus)
    return {OUT_2026: dump(corpus), OUT_REG: dump(reg)}


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument(
        "--shared", type=Path, default=DEFAULT_SHARED, help="the shared data directory (../shared)"
    )
    ap.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 if the committed files differ"
    )
    args = ap.parse_args(list(argv) if argv is not None else None)
    shared: Path = args.shared.resolve()
    if not (shared / CONSOLIDATED).is_file():
        print(f"error: {shared / CONSOLIDATED} not found (pass --shared DIR)", file=sys.stderr)
        return 2
    try:
        outputs = build(shared)
    except BuildError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    stale = [p for p, text in outputs.items() if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in stale:
            print(f"out of date: {p.relative_to(REPO_ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for p, text in outputs.items():
        p.write_text(text, encoding="utf-8")
        print(f"wrote {p.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
