"""Ranking of directory entries: a lexical BM25 scorer, a dense (embedding) scorer, rank fusion.

The search takes any number of :class:`Scorer` objects. Each scores every entry of the index
(0 = no match); with one scorer its scores order the results, with several they are fused by
reciprocal rank fusion (RRF, Cormack et al. 2009). By default the directory fuses BM25 with
:class:`DenseScorer` (the service desk's multilingual-e5 stack, `aidesk.desk.dense`), which is
what lets a French query reach entries described only in English. Entry vectors ship as package
data (`data/vectors.npz`, built by `tools/build_directory.py`); an entry without one (a user
import, or another model) is embedded on first use and cached in the user data dir. Without the
model (`AIDESK_EMBED_MODEL=off`, or it cannot load) the search is BM25 alone and says so.

The lexical scorer indexes names (twice, as a boost), hosts, services, topics and the English
and French labels of the entry's kind, sectors and countries. Every word is stemmed with both
the English and the French Snowball stemmer (PyStemmer) and folded to ASCII, so that "santé",
"sante" and "health sector" reach the same entries whichever language the query is in.
"""

from __future__ import annotations

import contextlib
import re
import threading
import unicodedata
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from aidesk.directory.schema import KIND_LABELS, SECTOR_LABELS, Entry

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    import Stemmer  # type: ignore[import-not-found]

    from aidesk.desk.dense import Embedder

_WORD = re.compile(r"\w+", re.UNICODE)
#: EN/FR equivalences that stemming cannot find (abbreviations).
_SYNONYMS: dict[str, tuple[str, ...]] = {"ia": ("ai",), "ai": ("ia",), "ue": ("eu",), "eu": ("ue",)}


class Scorer(Protocol):
    """Scores every entry of the index it was built on, in index order (0 = no match).

    A scorer may also have a `depth` attribute (int): then only its `depth` best matches among
    the entries the filters allow take part in the fusion (see `Directory.search`).
    """

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


# --------------------------------------------------------------------------- dense scorer
#: Package data: one float16 vector per shipped entry, built by `tools/build_directory.py`.
VECTORS_FILE = "vectors.npz"
#: Cosine similarity (multilingual-e5-small, "query: " vs "passage: ") below which an entry is not a
#: dense match. e5 similarities are compressed: on this directory, off-topic queries ("xylophone
#: zeppelin", "recette de la tarte aux pommes") peak below 0.80, on-topic ones reach 0.82-0.91.
DENSE_FLOOR = 0.81
#: Only this many dense matches (within the filtered entries) enter the fusion.
DENSE_DEPTH = 30


def dense_text(entry: Entry) -> str:
    """The passage embedded for an entry: name, kind, host, services, sectors, focus, place (English)."""
    parts = [entry.name, KIND_LABELS[entry.kind][0]]
    if entry.host:
        parts.append(f"Host: {entry.host}")
    if entry.services:
        parts.append("Services: " + "; ".join(entry.services))
    if entry.sectors:
        parts.append("Sectors: " + "; ".join(SECTOR_LABELS[s][0] for s in entry.sectors))
    if entry.topics:
        parts.append("Focus: " + "; ".join(entry.topics))
    where = [entry.city] if entry.city else []
    where += [_country_names(c)[0] for c in entry.countries]
    if where:
        parts.append("Location: " + ", ".join(where))
    return ". ".join(parts)


Store = dict[int, "npt.NDArray[np.float16]"]


def read_store(path: Path) -> tuple[Store, str | None]:
    """Vectors of an npz store (the desk's layout: `keys`, `vectors`; plus `model` when shipped)
    and the model id it was built with. A missing or damaged file is an empty store."""
    import numpy as np

    try:
        with path.open("rb") as fh, np.load(fh) as data:
            store = dict(zip((int(k) for k in data["keys"]), data["vectors"], strict=True))
            model = str(data["model"]) if "model" in data.files else None
    except (OSError, ValueError, KeyError):
        return {}, None
    return store, model


def shipped_path() -> Path:
    return Path(str(resources.files("aidesk.directory").joinpath("data", VECTORS_FILE)))


def cache_path() -> Path:
    """Vectors of entries the shipped file lacks (user imports, another model): the user data dir."""
    from aidesk.directory.paths import data_dir

    return data_dir() / "directory" / "vectors-cache.npz"


def entry_matrix(embedder: Embedder, entries: Sequence[Entry]) -> tuple[npt.NDArray[np.float32], int]:
    """Row-normalised vectors of `entries`: shipped, then cached, then embedded now (and cached).

    Vectors are keyed by model and passage text (`dense.key_of`), so an entry an import changed is
    re-embedded, never matched to a stale vector. Returns the matrix and how many were embedded now.
    """
    import numpy as np

    from aidesk.desk.dense import key_of, passage_text, write_store

    texts = [dense_text(e) for e in entries]
    keys = [key_of(embedder.model_id, t) for t in texts]
    store, _ = read_store(shipped_path())
    computed = 0
    if any(k not in store for k in keys):
        cache, _ = read_store(cache_path())
        wanted = set(keys)
        cache = {k: v for k, v in cache.items() if k in wanted}  # drop vectors of replaced texts
        todo = {k: t for k, t in zip(keys, texts, strict=True) if k not in store and k not in cache}
        if todo:
            fresh = embedder.passages([passage_text(t) for t in todo.values()])
            for k, vec in zip(todo, fresh, strict=True):
                cache[k] = vec.astype(np.float16)
            computed = len(todo)
            with contextlib.suppress(OSError):  # a read-only home only means embedding again next time
                write_store(cache_path(), cache)
        store.update(cache)
    if not keys:
        return np.zeros((0, 384), np.float32), 0
    matrix = np.stack([store[k] for k in keys]).astype(np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return matrix, computed


class DenseScorer:
    """Cosine similarity of the e5 query vector to each entry's passage vector (0 below the floor)."""

    name = "dense"
    depth = DENSE_DEPTH

    def __init__(self, embedder: Embedder, entries: Sequence[Entry], floor: float = DENSE_FLOOR) -> None:
        self._embedder = embedder
        self._floor = floor
        self.matrix, self.embedded_now = entry_matrix(embedder, entries)

    def score(self, query: str) -> Sequence[float]:
        sims = self.matrix @ self._embedder.query(query)
        return [float(s) if s >= self._floor else 0.0 for s in sims]


_EMBEDDERS: dict[str, Embedder | str] = {}
_EMBEDDERS_LOCK = threading.Lock()


def embedder_for_setting() -> Embedder | str:
    """The e5 model for the current `AIDESK_EMBED_MODEL` setting, loaded once per process and per
    setting (so switching the setting never serves a stale mode), or why it is unavailable."""
    import os

    from aidesk.desk.dense import ENV_MODEL, DenseUnavailable, load_embedder

    setting = os.environ.get(ENV_MODEL, "").strip()
    with _EMBEDDERS_LOCK:
        if setting not in _EMBEDDERS:
            try:
                _EMBEDDERS[setting] = load_embedder()
            except DenseUnavailable as exc:
                _EMBEDDERS[setting] = str(exc)
        return _EMBEDDERS[setting]
