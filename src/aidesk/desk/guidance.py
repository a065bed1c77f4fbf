"""The Commission's guidance on the AI Act, as a second, non-binding collection of the desk.

The guidelines are cited by numbered paragraph (SPEC §3): `Guidelines C(2025) 5052 para 123`,
and drafts `Guidelines draft 2026-05-19 (high-risk) para 12`. `tools/build_desk_guidance.py`
splits the markdown conversions of the Commission's PDFs into those paragraphs with
`split_paragraphs()` and ships them as package data; at run time `guidance_units()` reads only
that data.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from aidesk.desk.units import GUIDANCE, Unit

DATA_FILE = "guidance.json.gz"


@dataclass(frozen=True)
class GuidanceDoc:
    """One Commission document (a draft may come in several files that share a numbering)."""

    key: str
    cite: str  # the citation prefix: "Guidelines C(2025) 5052"
    title: str
    status: str  # "final" | "draft"
    date: str  # ISO date of the document
    files: tuple[str, ...]

    def ref(self, para: int) -> str:
        return f"{self.cite} para {para}"


DOCS: tuple[GuidanceDoc, ...] = (
    GuidanceDoc(
        "prohibited",
        "Guidelines C(2025) 5052",
        "Commission Guidelines on prohibited artificial intelligence practices (Article 5 AI Act)",
        "final",
        "2025-07-29",
        ("guidelines_prohibited_practices.md",),
    ),
    GuidanceDoc(
        "ai_system",
        "Guidelines C(2025) 5053",
        "Commission Guidelines on the definition of an AI system (Article 3(1) AI Act)",
        "final",
        "2025-07-29",
        ("guidelines_ai_system_definition.md",),
    ),
    GuidanceDoc(
        "gpai",
        "Guidelines C(2025) 5045",
        "Commission Guidelines on the scope of the obligations for general-purpose AI models",
        "final",
        "2025-07-18",
        ("guidelines_gpai_models.md",),
    ),
    GuidanceDoc(
        "transparency",
        "Guidelines C(2026) 5054",
        "Commission Guidelines on the transparency obligations of Article 50 AI Act",
        "final",
        "2026-07-20",
        ("guidelines_transparency_art50.md",),
    ),
    GuidanceDoc(
        "high_risk_draft",
        "Guidelines draft 2026-05-19 (high-risk)",
        "Draft Commission guidelines on the classification of high-risk AI systems (Article 6 AI Act), "
        "consultation draft",
        "draft",
        "2026-05-19",
        (
            "guidelines_high_risk_draft_1_general.md",
            "guidelines_high_risk_draft_2_annex_i.md",
            "guidelines_high_risk_draft_3_annex_iii.md",
        ),
    ),
)
DOCS_BY_KEY = {d.key: d for d in DOCS}


# --- splitting the markdown into numbered paragraphs (build time) -------------------------------

_MARK_AT_START = re.compile(r"^((?:\(\d{1,3}\)\s*)+)(.*)$")
_MARK_INSIDE = re.compile(r"(?<=[.;:’'”)])\s+\((\d{1,3})\)\s+(?=[A-Z‘'“(])")
_HEADING = re.compile(r"^(?:#{1,6}\s+(.*)|([IVX]+\.\s+[A-Z].{3,}))$")
# Superscripts were lost in the PDF conversion: "1025 FLOP" is 10^25 FLOP (see SOURCES.md).
_FLAT_POWER = re.compile(r"\b10(1\d|2\d)\b(?=\s*(?:FLOP|floating|≈|\.’))")


def unflatten_powers(text: str) -> str:
    return _FLAT_POWER.sub(r"10^\1", text)


@dataclass
class _Para:
    number: int
    section: str
    lines: list[str]
    uncertain: bool = False  # the source printed several numbers here, or skipped one


def split_paragraphs(markdown: str, start_after: int = 0) -> list[tuple[int, str, str, bool]]:
    """(number, section, text, uncertain) for each numbered paragraph "(N) …" of a guidelines file.

    Paragraph numbers run in sequence, which tells them from footnotes printed in the body
    (also "(N) …", out of sequence: dropped) and finds paragraphs that the conversion ran
    into the previous line ("… Act. (38) High-impact …"). Runs like "(15) (14) Given …" take
    the number the sequence expects; such paragraphs, and those after a gap in the numbering,
    are flagged `uncertain`. `start_after` continues the numbering of an earlier file.
    """
    out: list[_Para] = []
    section = ""
    last = start_after
    lines = markdown.splitlines()
    # The header (title, source line, cover text) ends at the first numbered paragraph.
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        heading = _HEADING.match(line)
        if heading and not line.startswith("(") and len(line) < 200:
            section = (heading.group(1) or heading.group(2) or "").strip()
            continue
        m = _MARK_AT_START.match(line)
        if m:
            numbers = [int(n) for n in re.findall(r"\d+", m.group(1))]
            nxt = next((n for n in numbers if n == last + 1), None)
            if nxt is None:
                nxt = next((n for n in numbers if last + 1 < n <= last + 3), None)
            if nxt is not None:
                uncertain = len(numbers) > 1 or nxt != last + 1
                last = nxt
                out.append(_Para(nxt, section, [m.group(2)], uncertain))
                _split_inside(out, section)
                last = out[-1].number
                continue
            if out and max(numbers) < last:
                continue  # a footnote printed in the body
        if out:
            out[-1].lines.append(line)
            _split_inside(out, section)
            last = out[-1].number
    result = []
    for p in out:
        text = unflatten_powers(" ".join(x for x in p.lines if x).strip())
        text = re.sub(r"\s+", " ", text)
        if text:
            result.append((p.number, p.section, text, p.uncertain))
    return result


def _split_inside(out: list[_Para], section: str) -> None:
    """Split the last paragraph where the next number was run into its text."""
    current = out[-1]
    while True:
        joined = current.lines[-1]
        m = next((m for m in _MARK_INSIDE.finditer(joined) if int(m.group(1)) == current.number + 1), None)
        if m is None:
            return
        current.lines[-1] = joined[: m.start()]
        current = _Para(current.number + 1, section, [joined[m.end() :]])
        out.append(current)


# --- the packaged collection (run time) ----------------------------------------------------------


@dataclass(frozen=True)
class GuidancePara:
    doc: str
    number: int
    section: str
    text: str
    uncertain: bool = False


@cache
def load_paragraphs() -> tuple[GuidancePara, ...]:
    path = resources.files("aidesk.desk.data").joinpath(DATA_FILE)
    try:
        raw = gzip.decompress(path.read_bytes())
    except FileNotFoundError:
        return ()
    data = json.loads(raw)
    return tuple(
        GuidancePara(p["doc"], p["number"], p["section"], p["text"], p.get("uncertain", False))
        for p in data["paragraphs"]
    )


def guidance_units() -> list[Unit]:
    """Every shipped guidance paragraph as a unit (English only)."""
    units = []
    for p in load_paragraphs():
        doc = DOCS_BY_KEY[p.doc]
        ref = doc.ref(p.number)
        units.append(
            Unit(
                uid=f"{GUIDANCE}:{doc.key}:{p.number}",
                collection=GUIDANCE,
                lang="en",
                kind="guidance",
                ref=ref,
                group=ref,
                title=doc.title,
                context=p.section,
                lead="",
                text=p.text,
                depth=0,
            )
        )
    return units
