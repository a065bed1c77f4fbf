"""Text handling for the desk: language guess, tokens for BM25 (Snowball stems), the glossary.

Tokens are lower-cased words of two or more letters or digits, without stopwords, stemmed
with the Snowball stemmer of their language (PyStemmer), then stripped of accents so that
"evaluation" and "évaluation" meet.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import Stemmer  # type: ignore[import-not-found]
from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_FRENCH  # type: ignore[import-untyped]

_WORD = re.compile(r"\w\w+", re.UNICODE)

# Question words carry no legal meaning; the short English list of bm25s lacks them.
_EXTRA_EN = (
    "what", "which", "who", "whom", "whose", "how", "when", "where", "why", "do", "does", "did",
    "doing", "can", "could", "would", "should", "may", "might", "i", "me", "my", "we", "us", "our",
    "ours", "you", "your", "am", "has", "have", "had", "having", "been", "being", "about", "any",
    "so", "than", "too", "very", "just", "its", "it's", "also", "get", "got", "even", "only",
    "there", "here", "from", "under", "over", "out", "up", "them", "him", "her", "his", "she",
    "he", "all", "more", "most", "some", "such", "other", "each", "own", "same", "s", "t", "don",
    "isn", "aren", "re", "ve", "ll",
)  # fmt: skip
_EXTRA_FR = (
    "quel", "quelle", "quels", "quelles", "quoi", "qui", "que", "comment", "quand", "où", "pourquoi",
    "est-ce", "puis", "peut", "peuvent", "dois", "doit", "faut", "il", "nous", "notre", "nos",
    "vous", "votre", "vos", "mon", "ma", "mes", "ton", "ta", "tes", "leur", "leurs", "cette", "cet",
    "ces", "ceci", "cela", "ça", "sont", "être", "avoir", "fait", "faire", "sommes", "suis",
    "plus", "aussi", "très", "tout", "tous", "toute", "toutes", "si", "lors", "dont",
)  # fmt: skip

STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(STOPWORDS_EN) | frozenset(_EXTRA_EN),
    "fr": frozenset(STOPWORDS_FRENCH) | frozenset(_EXTRA_FR),
}
_STEMMER_NAMES = {"en": "english", "fr": "french"}

# Words that tell the two languages apart in a short question.
_FR_MARKERS = frozenset(
    (
        "le", "la", "les", "des", "du", "une", "est", "sont", "pour", "dans", "avec", "sur", "qui", "que",
        "quel", "quelle", "quels", "quelles", "nous", "vous", "notre", "nos", "ou", "où", "au", "aux", "ce",
        "cette", "ces", "doit", "doivent", "faut", "peut", "peuvent", "son", "sa", "ses", "leur", "leurs",
        "être", "avoir", "été", "d", "l", "qu", "s", "n", "j", "c", "ne", "pas", "par", "en", "un", "et", "à",
    )
)  # fmt: skip
_EN_MARKERS = frozenset(
    (
        "the", "a", "an", "of", "to", "and", "or", "is", "are", "for", "in", "on", "with", "what", "which",
        "who", "how", "when", "does", "do", "can", "our", "we", "my", "i", "it", "its", "this", "that",
        "these", "those", "be", "been", "must", "should", "may", "by", "from", "as", "at", "not", "any",
    )
)  # fmt: skip


def fold(text: str) -> str:
    """Lower-case without accents: "Évaluation" → "evaluation"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def guess_lang(text: str) -> str:
    """'fr' or 'en' for a question, from its function words and accents (ties → 'en')."""
    words = re.findall(r"[\w’']+", text.lower())
    fr = en = 0
    for w in words:
        head = re.split(r"[’']", w, maxsplit=1)[0]
        if w in _FR_MARKERS or (head != w and head in {"l", "d", "qu", "s", "n", "j", "c"}):
            fr += 1
        if w in _EN_MARKERS:
            en += 1
    fr += len(re.findall(r"[éèêàùçôîâœ]", text.lower()))
    return "fr" if fr > en else "en"


class Analyzer:
    """Tokens for BM25 in one language, with a memo of stems (the vocabulary is small)."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._stemmer = Stemmer.Stemmer(_STEMMER_NAMES[lang])
        self._stop = STOPWORDS[lang]
        self._memo: dict[str, str] = {}

    def tokens(self, text: str) -> list[str]:
        out = []
        memo = self._memo
        for word in _WORD.findall(text.lower()):
            if word in self._stop:
                continue
            stem = memo.get(word)
            if stem is None:
                stem = fold(self._stemmer.stemWord(word))
                memo[word] = stem
            out.append(stem)
        return out


@cache
def analyzer(lang: str) -> Analyzer:
    return Analyzer(lang)


# --- glossary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class GlossaryEntry:
    lang: str
    say: tuple[str, ...]
    law: str


@cache
def glossary() -> tuple[GlossaryEntry, ...]:
    raw = resources.files("aidesk.desk.data").joinpath("glossary.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    return tuple(GlossaryEntry(e["lang"], tuple(e["say"]), e["law"]) for e in data["entries"])


@cache
def _glossary_patterns() -> tuple[tuple[re.Pattern[str], GlossaryEntry], ...]:
    out = []
    for entry in glossary():
        alternatives = "|".join(
            re.escape(fold(s).replace("’", "'")).replace("\\ ", r"[\s-]+") for s in entry.say
        )
        out.append((re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)"), entry))
    return tuple(out)


def glossary_terms(query: str, langs: Iterable[str] = ("en", "fr")) -> list[str]:
    """The law's wording for the everyday terms found in `query` (entries of `langs`)."""
    folded = fold(query).replace("’", "'")
    wanted = set(langs)
    return [
        entry.law
        for pattern, entry in _glossary_patterns()
        if entry.lang in wanted and pattern.search(folded)
    ]
