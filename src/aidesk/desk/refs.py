"""The direct-reference path: "what does article 27 say", "annexe III point 4", "considérant 53".

A question that names a provision gets that provision first, resolved by the citation parser
against the corpus, before any ranking.
"""

from __future__ import annotations

import re

from aidesk.law.citations import Citation, try_parse
from aidesk.law.corpus import Corpus

_HEAD = re.compile(
    r"(?<![\w/])(?:art(?:icle)?s?\.?|annex(?:e|es)?|recitals?|consid[ée]rants?)\s*"
    r"(?:n[°o]\s*)?(?:[0-9]+[a-z]{0,2}|[ivxlc]+)(?![\w])",
    re.I,
)
_STOP = re.compile(r"[?!;]|\s(?:and|et|or|ou|to|à)\s", re.I)
_MAX_TOKENS = 10
_ART_IDIOM = re.compile(r"\bthe\s+$", re.I)


def find_references(query: str, corpus: Corpus) -> list[Citation]:
    """The provisions that `query` names, in order of appearance, each once."""
    found: list[Citation] = []
    for m in _HEAD.finditer(query):
        if _ART_IDIOM.search(query[: m.start()]) and not m.group(0).lower().startswith(("art.", "arti")):
            continue  # "state of the art 2 …" is not Article 2
        tail = query[m.start() : m.start() + 120]
        stop = _STOP.search(tail, m.end() - m.start())
        if stop:
            tail = tail[: stop.start()]
        tokens = re.sub(r"\bn[°o]\s*", "", tail, flags=re.I).split()[:_MAX_TOKENS]
        for n in range(len(tokens), 1, -1):
            candidate = " ".join(tokens[:n]).rstrip(",.:")
            c = try_parse(candidate)
            if c is None:
                continue
            try:
                provision = corpus.resolve(c)
            except ValueError:
                continue
            resolved = getattr(provision, "citation", c)
            if resolved not in found:
                found.append(resolved)
            break
    return found
