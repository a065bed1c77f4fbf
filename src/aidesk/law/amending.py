"""Amending acts of the AI Act, as texts of their own: Reg. (EU) 2026/1744 (the AI Omnibus).

Its recitals explain the changes and are cited as `Reg. 2026/1744 Recital 40`; its articles
are the amending instructions (`Reg. 2026/1744 Art. 1`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

from aidesk.law.citations import Citation, CitationError, Kind


@dataclass(frozen=True)
class ActText:
    citation: Citation
    heading: str
    full_text: str


@dataclass(frozen=True)
class AmendingAct:
    number: str  # "2026/1744"
    title: str
    short_title: str
    oj: str
    adopted: str
    in_force: str
    recitals: dict[str, ActText]
    articles: dict[str, ActText]

    def resolve(self, citation: Citation) -> ActText:
        if citation.act != self.number:
            raise CitationError(f"{citation} is not a provision of Regulation (EU) {self.number}")
        table = self.recitals if citation.kind is Kind.RECITAL else self.articles
        if citation.kind is Kind.ANNEX:
            raise CitationError(f"Regulation (EU) {self.number} has no annexes in the corpus")
        if citation.path:
            raise CitationError(
                f"{citation}: only whole articles and recitals of Regulation (EU) {self.number} can be shown"
            )
        found = table.get(citation.number)
        if found is None:
            what = "recital" if citation.kind is Kind.RECITAL else "article"
            raise CitationError(
                f"Regulation (EU) {self.number} has no {what} {citation.number}: it has {what}s 1–{len(table)}"
            )
        return found


AMENDING_ACTS = {"2026/1744": "reg_2026_1744_en.json"}


@cache
def load_amending_act(number: str) -> AmendingAct:
    name = AMENDING_ACTS.get(number)
    if name is None:
        known = ", ".join(AMENDING_ACTS)
        raise CitationError(f"no text of Regulation (EU) {number} is shipped (amending acts: {known})")
    data = json.loads(resources.files("aidesk.law.data").joinpath(name).read_text(encoding="utf-8"))
    recitals = {
        str(r["number"]): ActText(
            Citation.recital(r["number"], act=number), f"Reg. (EU) {number}, recital {r['number']}", r["text"]
        )
        for r in data["recitals"]
    }
    articles = {}
    for a in data["articles"]:
        text = "\n".join(
            (f"{p['number']}. " if p.get("number") else "") + p["full_text"] for p in a["paragraphs"]
        )
        c = Citation(Kind.ARTICLE, str(a["number"]), (), None, number)
        articles[str(a["number"])] = ActText(c, f"Article {a['number']} — {a['title']}", text)
    return AmendingAct(
        number=number,
        title=data["title"],
        short_title=data.get("short_title", ""),
        oj=data["oj"],
        adopted=data["date"],
        in_force=data["in_force"],
        recitals=recitals,
        articles=articles,
    )
