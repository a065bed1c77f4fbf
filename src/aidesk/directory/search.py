"""Ranking of directory entries: a lexical BM25 scorer, and rank fusion for more scorers.

The search takes any number of :class:`Scorer` objects. Each scores every entry of the index
(0 = no match); with one scorer its scores order the results, with several they are fused by
reciprocal rank fusion (RRF, Cormack et al. 2009). The service desk's dense embedding scorer can
be passed in later without changing callers.

The lexical scorer indexes names (twice, as a boost), hosts, services, topics and the English
and French labels of the entry's kind, sectors and countries. Every word is stemmed with both
the English and the French Snowball stemmer (PyStemmer) and folded to ASCII, so that "santé",
"sante" and "health sector" reach the same entries whichever language the query is in.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Protocol

from aidesk.directory.schema import KIND_LABELS, SECTOR_LABELS, Entry

if TYPE_CHECKING:
    import Stemmer  # type: ignore[import-not-found]

_WORD = re.compile(r"\w+", re.UNICODE)
#: EN/FR equivalences that stemming cannot find (abbreviations).
_SYNONYMS: dict[str, tuple[str, ...]] = {"ia": ("ai",), "ai": ("ia",), "ue": ("eu",), "eu": ("ue",)}


class Scorer(Protocol):
    """Scores every entry of the index it was built on, in index order (0 = no match)."""

    name: str

    def score(self, query: str) -> Sequence[float]: ...


@cache
def _stemmers() -> tuple[Stemmer.Stemmer, Stemmer.Stemmer]:
    import Stemmer

    return Stemmer.Stemmer("english"), Stemmer.Stemmer("french")


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH  # type: ignore[import-untyped]

    return frozenset(STOPWORDS_EN) | frozenset(STOPWORDS_FRENCH)


def fold(text: str) -> str:
    """Strip accents: 'santé' -> 'sante'."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def analyse(text: str) -> list[str]:
    """Lower-case, drop EN/FR stop words, stem each word in English and French, fold accents."""
    en, fr = _stemmers()
    stop = _stopwords()
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        if len(word) < 2 or word in stop:
            continue
        for w in (word, *_SYNONYMS.get(word, ())):
            for stem in dict.fromkeys((fold(en.stemWord(w)), fold(fr.stemWord(w)))):
                tokens.append(stem)
    return tokens


@cache
def _country_names(code: str) -> tuple[str, ...]:
    """English and French names of a country (pycountry's ISO 3166 data and its translations)."""
    import gettext

    import pycountry

    from aidesk.directory.schema import EXTRA_COUNTRY_CODES

    if code in EXTRA_COUNTRY_CODES:
        return EXTRA_COUNTRY_CODES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return (code,)
    names = [country.name, getattr(country, "common_name", country.name)]
    try:
        fr = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["fr"])
        names.append(fr.gettext(country.name))
    except OSError:
        pass
    return tuple(dict.fromkeys(names))


def document_text(entry: Entry) -> str:
    parts: list[str] = [entry.name, entry.name, entry.host or "", entry.city or ""]
    parts += entry.services + entry.topics
    parts += KIND_LABELS[entry.kind]
    for sector in entry.sectors:
        en, fr, _ = SECTOR_LABELS[sector]
        parts += [en, fr]
    for code in entry.countries:
        parts += _country_names(code)
    return " \n".join(p for p in parts if p)


class Bm25Scorer:
    """BM25 (bm25s, Lucene variant) over :func:`document_text`, analysed by :func:`analyse`."""

    name = "bm25"

    def __init__(self, entries: Sequence[Entry]) -> None:
        import bm25s  # type: ignore[import-untyped]

        self._size = len(entries)
        corpus = [analyse(document_text(e)) or ["\u2205"] for e in entries]
        self._vocab = {t for doc in corpus for t in doc}
        self._bm25 = bm25s.BM25()
        self._bm25.index(corpus, show_progress=False)

    def score(self, query: str) -> Sequence[float]:
        tokens = [t for t in analyse(query) if t in self._vocab]
        if not tokens:
            return [0.0] * self._size
        return [float(s) for s in self._bm25.get_scores(tokens)]


def rrf(score_lists: Sequence[Sequence[float]], k: int = 60) -> list[float]:
    """Reciprocal rank fusion: sum of 1/(k + rank) over the scorers in which an entry matched."""
    if not score_lists:
        return []
    fused = [0.0] * len(score_lists[0])
    for scores in score_lists:
        ranked = sorted((i for i, s in enumerate(scores) if s > 0), key=lambda i: -scores[i])
        for rank, i in enumerate(ranked, start=1):
            fused[i] += 1.0 / (k + rank)
    return fused
