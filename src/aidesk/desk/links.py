"""Links between provisions, along which a strong match lends score to the provisions it points to.

The links are the law's own cross-references, read from its text, never chosen per question: an
article names the articles and annexes that complete it ("the elements set out in Annex IV",
"the registration obligation set out in Article 49(2)"), and a question that matches Art. 11
is often answered by Annex IV too. References to other acts ("Article 4(3) of Directive (EU)
2019/790") are not links. A link is weighted by its share of the source's references, so a
provision that cites many others spreads its credit thin.

Tried and left out (docs/benchmarks.md): recital ↔ article links from embedding similarity
(the recitals never cite articles). The nearest article is often the right one (Recital 20 →
Art. 4) but not reliably (Recital 132, on chatbots → Art. 26 rather than Art. 50), and the
wrong links cost more than the right ones gained.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from aidesk.law.citations import Kind, try_parse
from aidesk.law.corpus import Corpus

# A link: (target citation as precise as the reference names it, target group, weight).
Link = tuple[str, str, float]

_REF = re.compile(
    r"\b(?P<word>Articles?|Annex(?:es)?)\s+"
    r"(?P<list>(?:\d+[a-z]?|[IVX]+)(?:\(\w{1,4}\))*"
    r"(?:(?:,\s*|\s+and\s+|\s+or\s+|\s+to\s+)(?:\d+[a-z]?|[IVX]+)(?:\(\w{1,4}\))*(?![\w(]))*)"
)
_EXTERNAL = re.compile(
    r"^(?:,?\s*(?:first|second|third|fourth)?\s*(?:subparagraphs?|points?|paragraphs?)\b[^,;.]{0,40},)?\s*"
    r"(?:of|to|in)\s+(?:Regulation|Directive|Decision|Council|Implementing|Delegated|the Treaty|the Charter|TFEU)"
    r"|^\s*(?:TFEU|TEU)\b"
)
_ITEM = re.compile(r"(\d+[a-z]?|[IVX]+)((?:\(\w{1,4}\))*)")


def references(text: str) -> list[str]:
    """The provisions of the AI Act that `text` names, as citations ("Art. 49(2)", "Annex IV")."""
    out: list[str] = []
    for m in _REF.finditer(text):
        if _EXTERNAL.match(text[m.end() : m.end() + 90]):
            continue
        article = m.group("word").startswith("Article")
        for number, path in _ITEM.findall(m.group("list")):
            if article != number[0].isdigit():
                continue
            out.append(f"Art. {number}{path}" if article else f"Annex {number}")
    return out


def cross_references(corpus: Corpus) -> dict[str, list[Link]]:
    """group → the provisions its articles and annexes name (not itself), weighted by share."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    groups: dict[str, str] = {}
    for c, node in corpus.provisions():
        if c.path or c.section is not None or c.kind is Kind.RECITAL:
            continue  # whole articles and annexes: their full text holds every reference once
        source = str(c.unit)
        for ref in references(node.full_text):
            target = try_parse(ref)
            if target is None or (target not in corpus.index and target.unit not in corpus.index):
                continue
            group = str(target.unit)
            if group == source:
                continue
            precise = ref if target in corpus.index else group
            counts[source][precise] += 1
            groups[precise] = group
    out: dict[str, list[Link]] = {}
    for source, refs in counts.items():
        per_group: Counter[str] = Counter()
        for ref, n in refs.items():
            per_group[groups[ref]] += n
        total = sum(per_group.values())
        best: dict[str, str] = {}
        for ref, _n in refs.most_common():
            best.setdefault(groups[ref], ref)  # the most-cited part stands for the group
        out[source] = [(best[g], g, n / total) for g, n in per_group.most_common()]
    return out
