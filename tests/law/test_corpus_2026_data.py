"""Corpus version 2026: the AI Act as amended by Regulation (EU) 2026/1744 (the AI Omnibus).

These tests read the shipped JSON files directly (``src/aidesk/law/data``) and check them against
each other and against the amending act: every passage the amending act inserts or substitutes is in
the 2026 text, everything else reads as in 2024, deletions are gone, and every change is cited to its
amending point with a canonical citation (SPEC §3).

Texts are compared after normalising whitespace: the source XML of 2026 lost its no-break spaces.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from aidesk.law.citations import Kind, format_citation, parse

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "aidesk" / "law" / "data"
SHARED = REPO.parent / "shared"  # CI checks the data repository out beside the clone
BUILD_SCRIPT = REPO / "tools" / "build_corpus_2026.py"

Json = dict[str, Any]
AMENDING_POINT = re.compile(r"Reg\. \(EU\) 2026/1744, Art\. 1 point [1-9]\d*(\([a-z]\))?")

# Changes the consolidation made as a consequence of an amendment without the amending act quoting
# them: the last punctuation of the point before an added point, or of the new last point.
CONSEQUENTIAL = {
    "Art. 58(1)(c)": ";",  # point (d) added by Art. 1 point 23(b)
    "Art. 96(1)(f)": ";",  # point (g) added by Art. 1 point 36(b)
    "Annex I Section B 20": ";",  # point 21 added by Art. 1 point 41(b)
    "Annex VIII Section B 8": ".",  # point 9 deleted by Art. 1 point 42
}
# The one place where the consolidated wording departs from the quotation in the amending act:
# the semicolon after the quotation of Art. 1 point 38(b) was moved into Art. 99(4)(da).
SEMICOLON_MOVED = "Reg. (EU) 2026/1744, Art. 1 point 38(b)"
ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


@cache
def load(name: str) -> Json:
    data: Json = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def v2024() -> Json:
    return load("ai_act_2024_en.json")


def v2026() -> Json:
    return load("ai_act_2026_en.json")


def reg() -> Json:
    return load("reg_2026_1744_en.json")


def norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def denest(text: str) -> str:
    """A consolidation prints the inner “double” quotes of an amending quotation as ‘single’ ones."""
    return text.replace("“", "‘").replace("”", "’")


# --- reading a corpus file by citation -------------------------------------------------------------------


def point_lines(points: list[Json]) -> list[str]:
    out: list[str] = []
    for p in points:
        out.append(f"{p['label']} {p['text']}")
        out.extend(point_lines(p.get("points", [])))
    return out


def subparagraphs(p: Json) -> list[Json]:
    """All subparagraphs of a paragraph, the first one included, as {text, points, text_after?}."""
    first = {"text": p["text"], "points": p["points"], "text_after": p.get("text_after")}
    return [first, *({"text": s["text"], "points": s.get("points", [])} for s in p.get("subparagraphs", []))]


def sub_text(s: Json) -> str:
    return "\n".join(
        [s["text"], *point_lines(s["points"]), *([s["text_after"]] if s.get("text_after") else [])]
    )


def article(corpus: Json, number: str) -> Json | None:
    return next((a for a in corpus["articles"] if str(a["number"]) == number), None)


def annex(corpus: Json, number: str) -> Json | None:
    return next((a for a in corpus["annexes"] if a["number"] == number), None)


def annex_point_line(corpus: Json, ref: str) -> str | None:
    """The printed line of a numbered annex point (``Annex I Section B 21``)."""
    c = parse(ref)
    ax = annex(corpus, c.number)
    if ax is None or len(c.path) != 1:
        return None
    section: str | None = None
    for line in str(ax["text"]).split("\n"):
        m = re.match(r"Section\s+([A-Z]|\d+)\b", line)
        if m:
            section = m.group(1)
        elif section == c.section and line.startswith(f"{c.path[0]}. "):
            return line
    return None


def resolve(corpus: Json, ref: str) -> tuple[str, Json] | None:
    """Find an article provision: ('article'|'paragraph'|'subparagraph'|'point', node)."""
    c = parse(ref)
    assert c.kind is Kind.ARTICLE, ref
    art = article(corpus, c.number)
    if art is None:
        return None
    if not c.path:
        return "article", art
    paras = art["paragraphs"]
    path = list(c.path)
    node: Json
    kind: str
    if paras[0]["number"] is not None:
        para = next((p for p in paras if p["number"] == path[0]), None)
        if para is None:
            return None
        node, kind, path = para, "paragraph", path[1:]
        points = [pt for s in subparagraphs(para) for pt in s["points"]]
    else:
        subs = subparagraphs(paras[0])
        if len(subs) == 1:  # a lone unnumbered paragraph: points hang from the article (Art. 3(14))
            node, kind, points = paras[0], "paragraph", subs[0]["points"]
        else:  # unnumbered paragraphs are counted (Art. 113(3)(c))
            if not path[0].isdigit() or not 1 <= int(path[0]) <= len(subs):
                return None
            node, kind = subs[int(path[0]) - 1], "subparagraph"
            points, path = node["points"], path[1:]
    for pid in path:
        found = next((pt for pt in points if pt["id"] == pid), None)
        if found is None:
            return None
        node, kind, points = found, "point", found.get("points", [])
    return kind, node


def must_resolve(corpus: Json, ref: str) -> tuple[str, Json]:
    found = resolve(corpus, ref)
    assert found is not None, f"{ref} is not in the corpus"
    return found


def text_at(corpus: Json, ref: str, part: str | None = None) -> str | None:
    """The text of a provision (or of a part of it) without its own number, as ``changes`` gives it."""
    c = parse(ref)
    if c.kind is Kind.ANNEX:
        if c.path:
            line = annex_point_line(corpus, ref)
            return None if line is None else line.split(" ", 1)[1]
        ax = annex(corpus, c.number)
        return None if ax is None else str(ax["title"] if part == "heading" else ax["text"])
    found = resolve(corpus, ref)
    if found is None:
        return None
    kind, node = found
    if part == "heading":
        return node["title"] if kind == "article" else None
    if kind == "article":
        return "\n".join(
            (f"{p['number']}. " if p["number"] is not None else "") + p["full_text"]
            for p in node["paragraphs"]
        )
    if kind == "point":
        return "\n".join([node["text"], *point_lines(node.get("points", []))])
    if kind == "subparagraph":
        return sub_text(node)
    if part is None:
        return str(node["full_text"])
    ordinal, _, intro = part.partition(", ")
    subs = subparagraphs(node)
    k = ORDINALS.index(ordinal.split()[0])
    if k >= len(subs):
        return None
    return str(subs[k]["text"]) if intro == "introductory part" else sub_text(subs[k])


def printed(corpus: Json, ref: str, part: str | None) -> str:
    """The provision as an amending act quotes it: with its own number, an article with its heading."""
    text = text_at(corpus, ref, part)
    assert text is not None, (ref, part)
    c = parse(ref)
    if c.kind is Kind.ANNEX:
        line = annex_point_line(corpus, ref) if c.path else None
        return line if line is not None else text
    kind, node = must_resolve(corpus, ref)
    if part == "heading":
        return text
    if kind == "article":
        return f"Article {node['number']}\n{node['title']}\n{text}"
    if kind == "point":
        return f"{node['label']} {text}"
    if kind == "paragraph" and node["number"] is not None and (part is None or part.startswith("first")):
        return f"{node['number']}. {text}"
    return text


def changes() -> list[Json]:
    return list(v2026()["changes"])


def changes_of(amending_point: str) -> list[Json]:
    return [c for c in changes() if c["amending_point"] == amending_point and c["ref"] not in CONSEQUENTIAL]


def inside(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith((outer + "(", outer + " "))


# --- the files ------------------------------------------------------------------------------------------


def test_the_2026_corpus_has_the_2024_schema_plus_version_changes_and_source() -> None:
    old, new = v2024(), v2026()
    assert new["version"] == "2026"
    assert {
        "celex",
        "language",
        "schema_notes",
        "source",
        "title",
        "recitals",
        "chapters",
        "articles",
    } <= set(new)
    assert {"changes", "source"} <= set(new)
    assert new["source"]["consolidation"] == "02024R1689-20260727"
    assert set(new["annexes"][0]) == set(old["annexes"][0]) == {"number", "title", "text"}
    allowed_article = {"number", "title", "chapter", "section", "paragraphs", "footnotes"}
    allowed_paragraph = {"number", "text", "points", "subparagraphs", "text_after", "full_text"}
    for art in new["articles"]:
        assert set(art) <= allowed_article and {"number", "title", "paragraphs"} <= set(art)
        for p in art["paragraphs"]:
            assert set(p) <= allowed_paragraph and {"number", "text", "points", "full_text"} <= set(p)


def test_articles_of_the_2024_text_keep_int_numbers_and_inserted_articles_have_string_numbers() -> None:
    numbers_2024 = {a["number"] for a in v2024()["articles"]}
    numbers_2026 = [a["number"] for a in v2026()["articles"]]
    assert numbers_2024 <= set(numbers_2026)
    assert all(isinstance(n, int) for n in numbers_2024)
    assert [n for n in numbers_2026 if isinstance(n, str)] == ["4a", "60a", "75a", "75b", "75c", "75d"]
    assert len(numbers_2026) == 119


def test_inserted_articles_sit_in_the_chapter_and_section_of_their_neighbours() -> None:
    where = {str(a["number"]): (a["chapter"], a["section"]) for a in v2026()["articles"]}
    assert where["4a"] == ("I", None)  # Art. 1 point 6
    assert where["60a"] == ("VI", None)  # Art. 1 point 25
    assert {where[n] for n in ("75a", "75b", "75c", "75d")} == {("IX", "3")}  # Art. 1 point 32
    chapter_ix = next(c for c in v2026()["chapters"] if c["number"] == "IX")
    assert chapter_ix["sections"][2]["articles"][:6] == [74, 75, "75a", "75b", "75c", "75d"]


def test_the_2026_corpus_has_fourteen_annexes_with_annex_xiv_last() -> None:
    assert [a["number"] for a in v2026()["annexes"]][-2:] == ["XIII", "XIV"]
    xiv = annex(v2026(), "XIV")
    assert xiv is not None and xiv["title"].startswith(
        "The list of codes, categories and corresponding types"
    )
    assert "AIP 0102\tAI systems subject to point 2 of Section A of Annex I" in xiv["text"].split("\n")


# --- changes: well-formed, complete, true ----------------------------------------------------------------


def test_every_change_ref_is_a_canonical_citation() -> None:
    for c in changes():
        assert format_citation(parse(c["ref"])) == c["ref"], c["ref"]


def test_every_change_names_its_kind_and_its_amending_point_in_article_1_of_reg_2026_1744() -> None:
    for c in changes():
        assert c["kind"] in ("inserted", "replaced", "deleted"), c
        assert AMENDING_POINT.fullmatch(c["amending_point"]), c["amending_point"]
        assert (c["text_2024"] is None) == (c["kind"] == "inserted"), c["ref"]
        assert (c["text_2026"] is None) == (c["kind"] == "deleted"), c["ref"]
    assert len(changes()) == len({(c["ref"], c["part"]) for c in changes()}), (
        "one entry per changed provision"
    )


def test_change_texts_are_the_2024_and_2026_wording_of_the_provision() -> None:
    for c in changes():
        assert text_at(v2024(), c["ref"], c["part"]) == c["text_2024"], (c["ref"], c["part"])
        assert text_at(v2026(), c["ref"], c["part"]) == c["text_2026"], (c["ref"], c["part"])


def test_changes_count_39_insertions_49_replacements_4_deletions() -> None:
    kinds = [c["kind"] for c in changes()]
    assert (kinds.count("inserted"), kinds.count("replaced"), kinds.count("deleted")) == (39, 49, 4)


@pytest.mark.parametrize(
    ("ref", "part", "kind", "point"),
    [
        ("Art. 4", None, "replaced", "5"),  # AI literacy
        ("Art. 4a", None, "inserted", "6"),
        ("Art. 5(1)(ba)", None, "inserted", "7(a)"),
        ("Art. 5(1)(bb)", None, "inserted", "7(a)"),
        ("Art. 5(1a)", None, "inserted", "7(b)"),
        ("Art. 5(1b)", None, "inserted", "7(b)"),
        ("Art. 6(1a)", None, "inserted", "8"),
        ("Art. 6(1b)", None, "inserted", "8"),
        ("Art. 6(1c)", None, "inserted", "8"),
        ("Art. 10(5)", None, "deleted", "9(b)"),
        ("Art. 11(1)", "second subparagraph", "replaced", "10"),
        ("Art. 60a", None, "inserted", "25"),
        ("Art. 75", "heading", "replaced", "31(a)"),
        ("Art. 75a", None, "inserted", "32"),
        ("Art. 75b", None, "inserted", "32"),
        ("Art. 75c", None, "inserted", "32"),
        ("Art. 75d", None, "inserted", "32"),
        ("Art. 99(4)(da)", None, "inserted", "38(b)"),
        ("Art. 111(2)", None, "replaced", "39(a)"),
        ("Art. 111(4)", None, "inserted", "39(b)"),
        ("Art. 113(3)(a)", None, "replaced", "40(a)"),
        ("Art. 113(3)(c)", None, "replaced", "40(b)"),
        ("Art. 113(3)(d)", None, "inserted", "40(c)"),
        ("Annex I Section A 1", None, "deleted", "41(a)"),  # machinery leaves Section A ...
        ("Annex I Section B 21", None, "inserted", "41(b)"),  # ... for Section B
        ("Annex VIII Section B 7", None, "deleted", "42"),
        ("Annex VIII Section B 9", None, "deleted", "42"),
        ("Annex XIV", None, "inserted", "43"),
    ],
)
def test_the_changes_named_in_the_issue_are_listed_with_their_amending_point(
    ref: str, part: str | None, kind: str, point: str
) -> None:
    entry = next((c for c in changes() if (c["ref"], c["part"]) == (ref, part)), None)
    assert entry is not None, f"{ref} is not in changes"
    assert entry["kind"] == kind
    assert entry["amending_point"] == f"Reg. (EU) 2026/1744, Art. 1 point {point}"


def test_consequential_punctuation_changes_are_listed_with_a_note_and_touch_only_the_last_character() -> None:
    noted = {c["ref"]: c for c in changes() if c["note"] and "not quoted in the amending act" in c["note"]}
    assert set(noted) == set(CONSEQUENTIAL)
    for ref, mark in CONSEQUENTIAL.items():
        c = noted[ref]
        assert c["kind"] == "replaced"
        assert c["text_2026"].endswith(mark) and norm(c["text_2026"][:-1]) == norm(c["text_2024"][:-1]), ref


# --- the amending act's passages are in the 2026 text ------------------------------------------------------


def amendments(kind: str | None = None) -> list[Json]:
    return [a for a in reg()["amendments"] if kind is None or a["kind"] == kind]


def test_every_inserted_or_replacing_passage_of_reg_2026_1744_appears_in_the_2026_text() -> None:
    checked = 0
    for a in amendments():
        if a["kind"] == "deleted":
            continue
        expected = norm(denest(a["quoted"]))
        entries = changes_of(a["citation"])
        assert entries, f"{a['citation']} changed nothing in the 2026 corpus"
        if [c["ref"] for c in entries] == ["Annex XIV"]:
            # Art. 1 point 43 quotes the whole annex: its heading line, then title and text
            heading, _, body = a["quoted"].partition("\n")
            assert heading == "Annex XIV"
            xiv = annex(v2026(), "XIV")
            assert xiv is not None and norm(body) == norm(f"{xiv['title']}\n{xiv['text']}")
            checked += 1
            continue
        got = norm(" ".join(printed(v2026(), c["ref"], c["part"]) for c in entries))
        if a["citation"] == SEMICOLON_MOVED:
            # Art. 99(4)(da): the consolidation moved the semicolon that follows the quotation into the point.
            assert got == expected + ";"
        else:
            assert got == expected, a["citation"]
        checked += 1
    assert checked == 69  # 72 innermost points of Art. 1, less the 3 that only delete


def test_every_amending_point_of_article_1_is_traced_to_the_provisions_it_changed() -> None:
    points = {a["citation"] for a in amendments()}
    assert points == {c["amending_point"] for c in changes()}
    assert len(amendments()) == 72
    for a in amendments():
        listed = [c["ref"] if c["part"] is None else f"{c['ref']} ({c['part']})" for c in changes()]
        assert a["provisions"] and set(a["provisions"]) <= set(listed), a["citation"]


def test_the_amending_act_quotes_art_5_1_ba_as_the_2026_corpus_prints_it() -> None:
    # Art. 5(1)(ba): the prohibition of non-consensual intimate imagery, as enacted by Art. 1 point 7(a)
    kind, ba = must_resolve(v2026(), "Art. 5(1)(ba)")
    assert kind == "point" and ba["label"] == "(ba)"
    assert ba["text"].startswith(
        "the placing on the market, the putting into service or the use of an AI system that generates or "
        "manipulates realistic images, videos, audio or similar material of an identifiable natural person’s "
        "intimate parts"
    )
    assert ba["text"].endswith("unambiguous and explicit consent for that generation or manipulation;")


# --- what was not amended reads as in 2024 --------------------------------------------------------------------


def units(corpus: Json) -> dict[tuple[str, str | None], str]:
    """Headings, paragraphs, subparagraphs and points of every article, by citation and part."""
    out: dict[tuple[str, str | None], str] = {}

    def put_points(base: str, points: list[Json]) -> None:
        for pt in points:
            out[(f"{base}({pt['id']})", None)] = "\n".join([pt["text"], *point_lines(pt.get("points", []))])
            put_points(f"{base}({pt['id']})", pt.get("points", []))

    for art in corpus["articles"]:
        a = f"Art. {art['number']}"
        out[(a, "heading")] = art["title"]
        paras = art["paragraphs"]
        if paras[0]["number"] is None:
            subs = subparagraphs(paras[0])
            if len(subs) == 1:
                out[(a, "text")] = subs[0]["text"]
                put_points(a, subs[0]["points"])
            else:
                for k, s in enumerate(subs, start=1):
                    out[(f"{a}({k})", None)] = sub_text(s)
                    put_points(f"{a}({k})", s["points"])
            continue
        for p in paras:
            base = f"{a}({p['number']})"
            out[(base, None)] = p["full_text"]
            for k, s in enumerate(subparagraphs(p)):
                out[(base, f"{ORDINALS[k]} subparagraph")] = s["text"]
                put_points(base, s["points"])
    return out


def changed(unit: tuple[str, str | None]) -> bool:
    """Is this unit changed by Reg. (EU) 2026/1744, or does it hold something that is?"""
    ref, part = unit
    for c in changes():
        c_ref, c_part = c["ref"], c["part"]
        if "heading" in (part, c_part):
            if part == "heading" and ref == c_ref and c_part in (None, "heading"):
                return True
        elif c_ref != ref and inside(c_ref, ref):
            return True  # holds a changed provision
        elif c_ref != ref and inside(ref, c_ref):
            if c_part is None:
                return True  # lies inside a changed provision
        elif c_ref == ref and (c_part is None or part is None or c_part.startswith(part)):
            return True
    return False


def test_unchanged_provisions_of_the_articles_read_as_in_2024() -> None:
    old, new = units(v2024()), units(v2026())
    compared = 0
    for unit, text in old.items():
        if changed(unit):
            continue
        assert unit in new, f"{unit} disappeared without an amendment"
        if unit == ("Art. 1", "heading"):
            continue  # "Subject matter`", kept from the OJ (the consolidated file has "Subject matter'")
        assert norm(new[unit]) == norm(text), unit
        compared += 1
    assert compared > 1500  # of 1673 units in 2024; the rest lie in or around amended provisions
    assert new[("Art. 1", "heading")] == old[("Art. 1", "heading")]
    for unit in set(new) - set(old):
        assert changed(unit), f"{unit} is new but not in changes"


def test_footnotes_of_articles_keep_their_2024_texts() -> None:
    old = {str(a["number"]): [norm(n["text"]) for n in a.get("footnotes", [])] for a in v2024()["articles"]}
    for art in v2026()["articles"]:
        texts = [norm(n["text"]) for n in art.get("footnotes", [])]
        if str(art["number"]) == "40":
            # Art. 40(2), fourth subparagraph (Art. 1 point 17) cites Regulation (EU) No 1025/2012
            assert len(texts) == 1 and texts[0].startswith("Regulation (EU) No 1025/2012")
        else:
            assert texts == old.get(str(art["number"]), []), art["number"]


def test_unamended_annexes_read_as_in_2024() -> None:
    old = {a["number"]: a for a in v2024()["annexes"]}
    for ax in v2026()["annexes"]:
        if ax["number"] in ("I", "VIII", "XIV"):
            continue
        assert norm(ax["title"]) == norm(old[ax["number"]]["title"]), ax["number"]
        assert [norm(x) for x in ax["text"].split("\n")] == [
            norm(x) for x in old[ax["number"]]["text"].split("\n")
        ]


@pytest.mark.parametrize("number", ["I", "VIII"])
def test_annexes_i_and_viii_are_the_2024_lines_with_the_listed_changes_applied(number: str) -> None:
    # Annex I (Art. 1 point 41) and Annex VIII (Art. 1 point 42), line by line
    old_annex, new_annex = annex(v2024(), number), annex(v2026(), number)
    assert old_annex is not None and new_annex is not None
    lines = [norm(x) for x in old_annex["text"].split("\n")]
    for c in changes():
        if not c["ref"].startswith(f"Annex {number} "):
            continue
        label = parse(c["ref"]).path[0]
        if c["kind"] == "inserted":
            previous = str(int(label) - 1)
            section = parse(c["ref"]).section
            at = _line_index(lines, section, previous)
            lines.insert(at + 1, norm(f"{label}. {c['text_2026']}"))
            continue
        at = _line_index(lines, parse(c["ref"]).section, label)
        assert lines[at] == norm(f"{label}. {c['text_2024']}")
        if c["kind"] == "deleted":
            del lines[at]
        else:
            lines[at] = norm(f"{label}. {c['text_2026']}")
    assert lines == [norm(x) for x in new_annex["text"].split("\n")]


def _line_index(lines: list[str], section: str | None, label: str) -> int:
    current: str | None = None
    for i, line in enumerate(lines):
        m = re.match(r"Section\s+([A-Z]|\d+)\b", line)
        if m:
            current = m.group(1)
        elif current == section and line.startswith(f"{label}. "):
            return i
    raise AssertionError(f"no point {label} in section {section}")


# --- deletions and insertions ---------------------------------------------------------------------------------


def test_art_10_5_is_deleted_and_paragraph_6_keeps_its_number() -> None:
    # Art. 1 point 9(b): "paragraph 5 is deleted" (the processing of special categories moved to Art. 4a)
    assert resolve(v2024(), "Art. 10(5)") is not None
    assert resolve(v2026(), "Art. 10(5)") is None
    art10 = article(v2026(), "10")
    assert art10 is not None and [p["number"] for p in art10["paragraphs"]] == ["1", "2", "3", "4", "6"]


def test_machinery_is_no_longer_in_annex_i_section_a_but_in_section_b_point_21() -> None:
    # Art. 1 point 41: Annex I Section A point 1 (Directive 2006/42/EC) deleted; Section B point 21 added
    assert annex_point_line(v2024(), "Annex I Section A 1") is not None
    assert annex_point_line(v2026(), "Annex I Section A 1") is None
    new_annex_i = annex(v2026(), "I")
    assert new_annex_i is not None
    section_a = new_annex_i["text"].split("Section B")[0]
    assert "2006/42/EC" not in section_a
    line = annex_point_line(v2026(), "Annex I Section B 21")
    assert line is not None and line.startswith("21. Regulation (EU) 2023/1230") and "on machinery" in line


def test_annex_viii_section_b_loses_points_7_and_9() -> None:
    # Art. 1 point 42: "in Annex VIII, section B, points 7 and 9 are deleted"
    for ref in ("Annex VIII Section B 7", "Annex VIII Section B 9"):
        assert annex_point_line(v2024(), ref) is not None
        assert annex_point_line(v2026(), ref) is None
    assert annex_point_line(v2026(), "Annex VIII Section B 8") is not None


@pytest.mark.parametrize(
    "ref",
    [
        "Art. 4a",  # bias detection and correction
        "Art. 5(1)(ba)",  # non-consensual intimate imagery
        "Art. 5(1)(bb)",  # child sexual abuse material
        "Art. 5(1a)",
        "Art. 5(1b)",
        "Art. 6(1a)",
        "Art. 6(1b)",
        "Art. 6(1c)",
        "Art. 60a",  # real-world testing, Annex I Section B
        "Art. 75a",
        "Art. 75b",
        "Art. 75c",
        "Art. 75d",
        "Annex XIV",  # codes for the designation of notified bodies
    ],
)
def test_provisions_inserted_by_reg_2026_1744_exist_in_2026_only(ref: str) -> None:
    assert text_at(v2026(), ref) is not None, ref
    assert text_at(v2024(), ref) is None, ref


def test_art_113_3_c_reads_2_december_2027_for_annex_iii_and_2_august_2028_for_annex_i() -> None:
    # Art. 1 point 40(b): Chapter III Sections 1-3 apply from fixed dates
    kind, c = must_resolve(v2026(), "Art. 113(3)(c)")
    assert kind == "point"
    assert (
        c["text"]
        == "Chapter III, Sections 1, 2, and 3, with the exception of Article 6(5), shall apply from:"
    )
    i, ii = c["points"]
    assert norm(i["text"]).startswith("2 December 2027 as regards AI systems classified as high-risk")
    assert "Article 6(2) and Annex III" in i["text"]
    assert norm(ii["text"]).startswith("2 August 2028 as regards AI systems classified as high-risk")
    assert "Article 6(1) and Annex I" in ii["text"]
    # ... where the 2024 text had Art. 6(1) apply from 2 August 2027
    assert "2 August 2027" in norm(text_at(v2024(), "Art. 113(3)(c)") or "")


def test_art_113_3_d_brings_articles_102_to_110_forward_to_27_july_2026() -> None:
    assert text_at(v2026(), "Art. 113(3)(d)") == "Articles 102 to 110 shall apply from 27 July 2026."


# --- the amending act ---------------------------------------------------------------------------------------------


def test_reg_2026_1744_has_47_recitals_numbered_1_to_47() -> None:
    recitals = reg()["recitals"]
    assert [r["number"] for r in recitals] == list(range(1, 48))
    assert all(r["text"].strip() for r in recitals)
    # cited as "Reg. 2026/1744 Recital 40"
    c = parse("Reg. 2026/1744 Recital 40")
    assert (c.act, c.kind, c.number) == ("2026/1744", Kind.RECITAL, "40")
    assert format_citation(c) == "Reg. 2026/1744 Recital 40"


def test_reg_2026_1744_was_published_24_july_2026_and_entered_into_force_27_july_2026() -> None:
    r = reg()
    assert (r["date"], r["published"], r["in_force"]) == ("2026-07-08", "2026-07-24", "2026-07-27")
    assert r["oj"] == "OJ L, 2026/1744, 24.7.2026"
    assert [a["number"] for a in r["articles"]] == [1, 2, 3, 4]
    art4 = r["articles"][3]["paragraphs"][0]["text"]
    assert "third day following that of its publication" in art4


def test_article_1_of_reg_2026_1744_has_43_points() -> None:
    art1 = reg()["articles"][0]
    assert [p["id"] for p in art1["paragraphs"][0]["points"]] == [str(n) for n in range(1, 44)]


# --- the committed files are what the build script writes ----------------------------------------------------


@pytest.mark.skipif(
    not (SHARED / "data" / "corpus" / "raw" / "consolidated").is_dir(),
    reason="the shared data directory (../shared beside the repository) holds the Formex sources; not present",
)
def test_the_committed_json_is_what_tools_build_corpus_2026_produces() -> None:
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--check", "--shared", str(SHARED)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr or result.stdout
