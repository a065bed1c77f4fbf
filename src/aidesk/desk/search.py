"""Hybrid retrieval over the AI Act (EN + FR) and the Commission's guidance.

How a query is answered:

1. A provision the query names ("article 27", "annexe III point 4") comes first, resolved by
   the citation parser (`aidesk.desk.refs`).
2. Rankers score the units (`RANKERS`): BM25 in the query's language (Snowball stems; the
   query is widened with the law's own wording for everyday terms, from the glossary) over
   all units, over whole articles/recitals/annexes and over article and annex headings; and
   cosine similarity of multilingual-e5 embeddings over the units of both languages — which
   is what lets a French question find an English-only provision and the other way round.
   The question bank (`aidesk.desk.question_bank`: what people ask that each provision
   answers, EN and FR) is ranked the same two ways, and a matching question counts for the
   provision it is filed under. The recitals are also ranked on their own (e5 and BM25), so
   that the recital that explains a rule can still be found next to it.
3. Each ranker's list is read as a list of groups — article, recital or annex — in order of
   first appearance, so the EN and FR units of one provision and the paragraphs of one
   article count once; the groups are fused by weighted reciprocal rank (RRF), recitals after
   rules at equal evidence, and each is reported with its best passage highlighted
   (`Art. 50(1)` in `Art. 50`).
4. The best few provisions then lend part of their score to the articles and annexes they
   cross-reference (`aidesk.desk.links`: Art. 11 → Annex IV, Art. 43 → Annexes VI and VII),
   so an answer the law states in two places that point to each other surfaces as a whole.

Fusion is array arithmetic over integer ids of units, citations and groups (a few hundred
microseconds); the query embedding is most of a query's time (`aidesk.desk.dense`).

Guidance paragraphs form a second collection ranked the same way and reported separately,
labelled as non-binding. If the embedding model cannot be loaded, ranking uses BM25 alone and
`SearchResult.warnings` says so.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from aidesk.desk.dense import (
    DenseUnavailable,
    Embedder,
    load_embedder,
    passage_matrix,
    query_key,
    stored_matrix,
)
from aidesk.desk.guidance import DOCS_BY_KEY, guidance_units, load_paragraphs
from aidesk.desk.links import cross_references
from aidesk.desk.question_bank import Question, bank_questions, question_cache_path, read_shipped
from aidesk.desk.refs import find_references
from aidesk.desk.text import analyzer, glossary_terms, guess_lang
from aidesk.desk.units import GUIDANCE, LAW, LawTexts, Unit, all_law_units, law_texts

MAX_QUERY_CHARS = 2000
MAX_LIMIT = 100

# Reciprocal-rank fusion: score = Σ weight / (RRF_K + rank). A small constant lets the top of
# each list count: the rankers rarely agree beyond their first few groups.
RRF_K = 5
# How deep each ranker's list of units is read before fusion.
DEPTH = 100
# The rankers fused: (method, grain, weight). Grains: "all" units (articles, paragraphs, points,
# recitals, annexes and their points), "whole" articles/recitals/annexes only, "title" the
# headings of articles and annexes alone, "questions" the question bank (`question_bank`: what
# people ask that each provision answers), whose matches credit the provision the question is
# filed under, "recital" the recitals alone (recitals are rarely the first answer but often
# the second: their own rankers keep the best of them in view next to the rules they explain),
# and "recital_questions" the bank's questions on recitals, kept out of "questions" so that a
# recital's question does not outrank the rule it explains (held-out +1 citation in the top 5,
# dev ±0; in "questions" they cost dev 1 and 0.025 of MRR).
# Dense similarity is the strongest single signal across languages, hence its weight; a match
# with a question of the bank, strongest of all. Weights chosen on the held-out set
# (tests/desk/heldout_questions.yaml), checked on the dev set (docs/benchmarks.md).
RANKERS: tuple[tuple[str, str, float], ...] = (
    ("bm25", "all", 1.0),
    ("bm25", "whole", 1.0),
    ("bm25", "title", 1.0),
    ("dense", "all", 1.5),
    ("dense", "questions", 3.0),
    ("bm25", "questions", 1.0),
    ("dense", "recital", 1.5),
    ("bm25", "recital", 1.5),
    ("dense", "recital_questions", 1.5),
    ("bm25", "recital_questions", 1.5),
)
# Recitals explain; articles and annexes are the rules. At equal evidence the rule comes first.
GROUP_PRIOR: dict[str, float] = {"Recital": 0.6}
# Link lending (`aidesk.desk.links`): each of the LINK_SOURCES best groups lends this share of
# its fused score, times the link's weight, to the articles and annexes it cross-references.
# A provision keeps the largest loan it gets (no accumulation, so a much-cited hub such as
# Annex III does not rise on links alone), and only provisions that some ranker already found
# can borrow: a link corroborates evidence, it does not replace it. Chosen on the held-out set
# (tests/desk/heldout_questions.yaml), checked on the dev set (docs/benchmarks.md).
LINK_WEIGHT: dict[str, float] = {"ref": 0.1}
LINK_SOURCES = 3
# Query embeddings kept, most recent first out last (a few hundred bytes each).
RECENT_QUERIES = 64


class QueryError(ValueError):
    """A query that cannot be searched (empty, too long); the message says what to do."""


@dataclass(frozen=True)
class Hit:
    """One result: a provision (or a guidance paragraph) with its best passage."""

    ref: str  # the highlighted passage: "Art. 50(1)"
    unit: str  # what it belongs to: "Art. 50"
    title: str
    snippet: str
    score: float
    lang: str
    collection: str  # "law" | "guidance"
    kind: str
    text: str  # the highlighted passage in full
    direct: bool = False  # named in the query
    source: dict[str, Any] = field(default_factory=dict)  # guidance: document, status, date

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ref": self.ref,
            "title": self.title,
            "snippet": self.snippet,
            "score": self.score,
            "unit": self.unit,
            "lang": self.lang,
            "collection": self.collection,
        }
        if self.direct:
            out["direct"] = True
        if self.source:
            out["source"] = self.source
        return out


@dataclass(frozen=True)
class SearchResult:
    query: str
    lang: str
    results: list[Hit]
    mode: str  # "hybrid" | "bm25"
    version: str
    warnings: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"query": self.query, "results": [h.to_json() for h in self.results]}


def normalise_query(query: str) -> str:
    """The query with its whitespace collapsed, or `QueryError` if it cannot be searched."""
    if not isinstance(query, str):
        raise QueryError("the query must be text")
    text = " ".join(query.split())
    if not text:
        raise QueryError("empty query: ask a question or name a provision, e.g. 'who must do a FRIA?'")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long ({len(text)} characters): keep it under {MAX_QUERY_CHARS}")
    return text


_TITLE_PREFIX = re.compile(r"^(?:Article|Annex|Annexe)\s+\S+\s+—\s+")


def display_title(unit: Unit) -> str:
    return _TITLE_PREFIX.sub("", unit.title)


_SENTENCE = re.compile(r"(?<=[.;:])\s+|\s(?=\([a-z0-9]{1,4}\)\s)|\s(?=[a-z0-9]{1,4}\)\s)")


@functools.lru_cache(maxsize=2048)
def _sentences(text: str, lang: str) -> tuple[str, tuple[str, ...], tuple[frozenset[str], ...]]:
    """`text` on one line, its sentences (and points), and the tokens of each: read once per
    passage shown, not at every query that shows it."""
    flat = " ".join(text.split())
    sentences = tuple(_SENTENCE.split(flat))
    tok = analyzer(lang).tokens
    return flat, sentences, tuple(frozenset(tok(s)) for s in sentences)


def snippet(text: str, terms: Iterable[str], lang: str, width: int = 320) -> str:
    """The stretch of `text` that best matches the query terms, about `width` characters."""
    flat, sentences, tokens = _sentences(text, lang)
    if len(flat) <= width:
        return flat
    wanted = set(terms)
    best, best_score = 0, -1
    for i, have in enumerate(tokens):
        score = len(wanted.intersection(have))
        if score > best_score:
            best, best_score = i, score
    out = sentences[best]
    j = best + 1
    while j < len(sentences) and len(out) + len(sentences[j]) < width:
        out += " " + sentences[j]
        j += 1
    cut = len(out) > width
    if cut:
        out = out[:width].rsplit(" ", 1)[0].rstrip(" ,;")
    prefix = "… " if best > 0 else ""
    suffix = " …" if cut or j < len(sentences) else ""
    return prefix + out + suffix


Rows = npt.NDArray[np.int64]
_NO_ROWS: Rows = np.zeros(0, dtype=np.int64)


class _Lexical:
    """A BM25 index over some rows of the unit table (or over the bank's questions, each
    standing for the row of the provision it is filed under)."""

    def __init__(self, rows: Sequence[int] | Rows, token_lists: list[list[str]]) -> None:
        import bm25s  # type: ignore[import-untyped]

        self.rows = np.asarray(rows, dtype=np.int64)
        self.bm25 = bm25s.BM25()
        self.bm25.index(token_lists, show_progress=False)

    def rank(self, tokens: list[str], depth: int) -> Rows:
        """The rows of the best-scoring documents, best first (only those matching a token)."""
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        if not known:
            return _NO_ROWS
        scores = self.bm25.get_scores(known)
        matched = np.flatnonzero(scores > 0)
        if len(matched) > depth:
            matched = matched[np.argpartition(-scores[matched], depth - 1)[:depth]]
        return self.rows[matched[np.argsort(-scores[matched], kind="stable")]]


def _first_seen(ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """The distinct values of `ids` in order of first appearance."""
    _, first = np.unique(ids, return_index=True)
    first.sort()
    return ids[first]


def _top(scores: npt.NDArray[np.floating[Any]], depth: int) -> npt.NDArray[np.int64]:
    """Indices of the `depth` highest scores, best first."""
    depth = min(depth, len(scores))
    if depth == 0:
        return _NO_ROWS
    top = np.argpartition(-scores, depth - 1)[:depth]
    return top[np.argsort(-scores[top], kind="stable")]


@dataclass
class Ranked:
    """The fused ranking of one collection: groups best first, each with its best passage."""

    index: DeskIndex
    order: npt.NDArray[np.int64]  # group ids, best first
    group_score: npt.NDArray[np.float64]
    ref_score: npt.NDArray[np.float64]
    perfect: float
    lent_ref: dict[int, str]

    def __iter__(self) -> Iterator[tuple[str, float, str]]:
        """(group, score in [0, 1], best passage), best first; computed as they are read."""
        index = self.index
        for g in self.order.tolist():
            best = index.best_ref(g, self.ref_score)
            if best is None:
                best = self.lent_ref.get(g, index.group_names[g])
            yield index.group_names[g], min(float(self.group_score[g]) / self.perfect, 1.0), best

    @property
    def groups(self) -> list[tuple[str, float, str]]:
        return list(self)


def _grain(unit: Unit) -> str:
    return "title" if unit.kind == "title" else "all"


class _QuestionBank:
    """The question bank as a ranker: BM25 over the questions of each language and embedding
    similarity to all of them; a provision scores by its best-matching question."""

    def __init__(self, index: DeskIndex, questions: Sequence[Question], shipped_vectors: Any) -> None:
        rows: list[int] = []
        kept: list[Question] = []
        for q in questions:
            langs = index.by_ref.get((LAW, q.cite))
            if langs:  # a citation of another corpus version than the index's: left out
                rows.append(langs.get("en", next(iter(langs.values()))))
                kept.append(q)
        # Questions in order of their provision, so that a provision's questions are contiguous.
        order = sorted(range(len(kept)), key=lambda i: rows[i])
        self.questions = [kept[i] for i in order]
        self.rows = np.asarray([rows[i] for i in order], dtype=np.int64)
        self.lexical: dict[str, _Lexical] = {}
        for lang in ("en", "fr"):
            mine = [i for i, q in enumerate(self.questions) if q.lang == lang]
            if mine:
                tok = analyzer(lang).tokens
                self.lexical[lang] = _Lexical(self.rows[mine], [tok(self.questions[i].text) for i in mine])
        starts = np.flatnonzero(np.r_[True, self.rows[1:] != self.rows[:-1]]) if len(self.rows) else _NO_ROWS
        self.starts = starts.astype(np.int64)
        self.cite_rows = self.rows[self.starts]
        self.matrix: npt.NDArray[np.float32] | None = None
        self.embedded_now = 0
        if index.embedder is not None and len(self.questions):
            texts = [q.text for q in self.questions]
            keys = [query_key(index.embedder.model_id, t) for t in texts]
            self.matrix, self.embedded_now = stored_matrix(
                index.embedder, texts, keys, shipped_vectors, question_cache_path(), as_query=True
            )

    def __len__(self) -> int:
        return len(self.questions)

    def dense(self, qvec: npt.NDArray[np.float32] | None, depth: int) -> Rows:
        if qvec is None or self.matrix is None:
            return _NO_ROWS
        best = np.maximum.reduceat(self.matrix @ qvec, self.starts)  # a provision's best question
        return self.cite_rows[_top(best, depth)]

    def bm25(self, tokens: list[str], lang: str, depth: int) -> Rows:
        lexical = self.lexical.get(lang)
        return lexical.rank(tokens, depth) if lexical is not None else _NO_ROWS


class DeskIndex:
    """Every unit of the desk, with its BM25 indexes and (if the model loads) embeddings."""

    def __init__(
        self,
        texts: LawTexts,
        units: list[Unit],
        embedder: Embedder | None,
        dense_error: str | None,
        questions: Sequence[Question] | None = None,
    ):
        self.texts = texts
        self.version = texts.version
        self.units = units
        self.embedder = embedder
        self.dense_error = dense_error
        self.embedded_now = 0
        self._recent: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self._recent_lock = threading.Lock()
        # BM25 per (collection, language, grain): "all" units, or "whole" articles/recitals/annexes.
        self._lexical: dict[tuple[str, str, str], _Lexical] = {}
        parts: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for i, u in enumerate(units):
            parts[(u.collection, u.lang, _grain(u))].append(i)
            if u.collection == LAW and u.depth == 0 and u.kind != "title":
                parts[(u.collection, u.lang, "whole")].append(i)
            if u.kind == "recital":
                parts[(u.collection, u.lang, "recital")].append(i)
        tokens: dict[int, list[str]] = {}
        for part, rows in parts.items():
            tok = analyzer(part[1]).tokens
            for i in rows:
                if i not in tokens:
                    tokens[i] = tok(units[i].index_text())
            self._lexical[part] = _Lexical(rows, [tokens[i] for i in rows])
        self._rows: dict[tuple[str, str], npt.NDArray[np.int64]] = {}
        for collection in (LAW, GUIDANCE):
            mine = [i for i, u in enumerate(units) if u.collection == collection]
            for grain in ("all", "title"):
                self._rows[(collection, grain)] = np.asarray(
                    [i for i in mine if _grain(units[i]) == grain], np.int64
                )
            whole = [i for i in mine if units[i].depth == 0 and units[i].kind != "title"]
            self._rows[(collection, "whole")] = np.asarray(whole, dtype=np.int64)
            recitals = [i for i in mine if units[i].kind == "recital"]
            self._rows[(collection, "recital")] = np.asarray(recitals, dtype=np.int64)
        self.vectors: npt.NDArray[np.float32] | None = None
        if embedder is not None:
            self.vectors, self.embedded_now = passage_matrix(embedder, [u.index_text() for u in units])
        self._uncertain = {f"{GUIDANCE}:{p.doc}:{p.number}" for p in load_paragraphs() if p.uncertain}
        # Units by their citation, to show the passage in the reader's language.
        self.by_ref: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        for i, u in enumerate(units):
            if u.kind != "title" and u.display:
                self.by_ref[(u.collection, u.ref)][u.lang] = i
        self._number_units()
        self.links = self._build_links()
        self._links = self._number_links()
        shipped = read_shipped()
        every = bank_questions(shipped) if questions is None else questions
        # The bank's questions on recitals rank with the recitals (see RANKERS), not against the rules.
        on_recitals = [q.cite.startswith("Recital") for q in every]
        rules = [q for q, r in zip(every, on_recitals, strict=True) if not r]
        self.bank = _QuestionBank(self, rules, shipped.vectors)
        self.recital_bank = _QuestionBank(
            self, [q for q, r in zip(every, on_recitals, strict=True) if r], shipped.vectors
        )

    def _number_units(self) -> None:
        """Integer ids of groups and citations, so that fusion is array arithmetic."""
        group_ids: dict[str, int] = {}
        ref_ids: dict[str, int] = {}
        self.group_names: list[str] = []
        self.ref_names: list[str] = []
        ref_group: list[int] = []
        unit_group = np.empty(len(self.units), dtype=np.int64)
        unit_ref = np.empty(len(self.units), dtype=np.int64)
        for i, u in enumerate(self.units):
            g = group_ids.setdefault(u.group, len(group_ids))
            if g == len(self.group_names):
                self.group_names.append(u.group)
            r = ref_ids.setdefault(u.ref, len(ref_ids))
            if r == len(self.ref_names):
                self.ref_names.append(u.ref)
                ref_group.append(g)
            unit_group[i], unit_ref[i] = g, r
        self.group_ids = group_ids
        self._unit_group, self._unit_ref = unit_group, unit_ref
        self._group_prior = np.array(
            [GROUP_PRIOR.get(name.split(" ", 1)[0], 1.0) for name in self.group_names], dtype=np.float64
        )
        # A part is preferred to the whole as the passage shown; only citations with a
        # displayable unit can be shown (not one found only through a retrieval surrogate).
        self._ref_part = np.array(
            [name != self.group_names[g] for name, g in zip(self.ref_names, ref_group, strict=True)],
            np.float64,
        )
        shown: dict[int, list[int]] = defaultdict(list)
        for r, (name, g) in enumerate(zip(self.ref_names, ref_group, strict=True)):
            if any((c, name) in self.by_ref for c in (LAW, GUIDANCE)):
                shown[g].append(r)
        self._group_refs = {g: np.asarray(refs, dtype=np.int64) for g, refs in shown.items()}

    def _build_links(self) -> dict[str, list[tuple[str, str, float, str]]]:
        """Links of the law's provisions: group → (passage, group, weight, kind); ~15 ms at load."""
        return {
            source: [(ref, group, w, "ref") for ref, group, w in targets]
            for source, targets in cross_references(self.texts.en).items()
        }

    def _number_links(self) -> dict[int, list[tuple[str, int, float, str]]]:
        """`links` with groups as their ids, for `_lend`."""
        return {
            self.group_ids[source]: [
                (ref, self.group_ids[group], w, kind)
                for ref, group, w, kind in targets
                if group in self.group_ids
            ]
            for source, targets in self.links.items()
            if source in self.group_ids
        }

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def build(
        cls, version: str | None = None, dense: bool = True, questions: Sequence[Question] | None = None
    ) -> DeskIndex:
        """The index of a corpus version; `questions` replaces the packaged question bank."""
        texts = law_texts(version)
        units = [*all_law_units(texts), *guidance_units()]
        embedder: Embedder | None = None
        error: str | None = None
        if dense:
            try:
                embedder = load_embedder()
            except DenseUnavailable as exc:
                error = str(exc)
        else:
            error = "dense retrieval not requested"
        return cls(texts, units, embedder, error, questions)

    @property
    def mode(self) -> str:
        return "hybrid" if self.vectors is not None else "bm25"

    @property
    def warnings(self) -> tuple[str, ...]:
        out = []
        if self.vectors is None and self.dense_error:
            out.append(f"semantic search unavailable ({self.dense_error}); using keyword search only")
        if self.texts.fr_note:
            out.append(self.texts.fr_note)
        return tuple(out)

    # -- ranking --------------------------------------------------------------------------------
    def query_vector(self, query: str) -> npt.NDArray[np.float32] | None:
        """The query's embedding; the last few are kept (`ask` searches the same text twice)."""
        if self.embedder is None or self.vectors is None:
            return None
        with self._recent_lock:
            vector = self._recent.get(query)
            if vector is not None:
                self._recent.move_to_end(query)
                return vector
        vector = self.embedder.query(query)
        vector.setflags(write=False)
        with self._recent_lock:
            self._recent[query] = vector
            if len(self._recent) > RECENT_QUERIES:
                self._recent.popitem(last=False)
        return vector

    def forget_queries(self) -> None:
        """Drop the kept query embeddings (benchmarks time the embedding of every query)."""
        with self._recent_lock:
            self._recent.clear()

    def _dense_rank(self, sims: npt.NDArray[np.float32] | None, collection: str, grain: str) -> Rows:
        rows = self._rows[(collection, grain)]
        if sims is None or not len(rows):
            return _NO_ROWS
        return rows[_top(sims[rows], DEPTH * 2)]

    def _rankings(
        self, query: str, collection: str, qlang: str, qvec: npt.NDArray[np.float32] | None
    ) -> list[tuple[str, float, Rows]]:
        """The rankers' lists of unit rows, best first, with their grains and weights."""
        terms = glossary_terms(query, [qlang])
        tokens = analyzer(qlang).tokens(" ".join([query, *terms]))
        # Similarity of the query to every unit, once (a few thousand rows: well under a ms).
        sims = self.vectors @ qvec if qvec is not None and self.vectors is not None else None
        out: list[tuple[str, float, Rows]] = []
        for kind, grain, weight in RANKERS:
            if grain in ("questions", "recital_questions"):
                bank = self.bank if grain == "questions" else self.recital_bank
                if collection != LAW or not len(bank):
                    continue
                if grain == "recital_questions" and qvec is None:
                    # Keywords alone over the recitals' questions pull recitals above the rules
                    # (BM25-only: held-out 50 -> 47/61); with e5 beside them they help (52 -> 53).
                    continue
                ranking = bank.bm25(tokens, qlang, DEPTH) if kind == "bm25" else bank.dense(qvec, DEPTH)
            elif kind == "bm25":
                lexical = self._lexical.get((collection, qlang, grain))
                ranking = lexical.rank(tokens, DEPTH) if lexical is not None else _NO_ROWS
            else:
                ranking = self._dense_rank(sims, collection, grain)
            if len(ranking):
                out.append((grain, weight, ranking))
        return out

    def rank(self, query: str, collection: str, qlang: str, qvec: npt.NDArray[np.float32] | None) -> Ranked:
        """Fuse the rankers by reciprocal rank at the level of the group (article, recital, annex).

        Each ranker's list of units becomes a list of groups in order of first appearance, so
        the EN and FR units of a provision, and the paragraphs of an article, count once per
        ranker. The passage shown for a group is its best-fused unit below the whole.
        """
        rankings = self._rankings(query, collection, qlang, qvec)
        group_score = np.zeros(len(self.group_names), dtype=np.float64)
        ref_score = np.zeros(len(self.ref_names), dtype=np.float64)
        for _, weight, rows in rankings:
            for ids, score in ((self._unit_group[rows], group_score), (self._unit_ref[rows], ref_score)):
                seen = _first_seen(ids)
                score[seen] += weight / (RRF_K + 1 + np.arange(len(seen)))
        group_score *= self._group_prior
        lent_ref = self._lend(group_score) if collection == LAW else {}
        # 1.0 = first in every ranker that can rank an article (the recitals' own rankers cannot).
        perfect = (
            sum(w for grain, w, _ in rankings if not grain.startswith("recital")) / (RRF_K + 1)
            if rankings
            else 1.0
        )
        found = np.flatnonzero(group_score > 0)
        order = found[np.argsort(-group_score[found], kind="stable")]
        return Ranked(self, order, group_score, ref_score, perfect, lent_ref)

    def best_ref(self, group: int, ref_score: npt.NDArray[np.float64]) -> str | None:
        """The passage of `group` to show: its best-fused part (a part before the whole), if any
        of its displayable citations was ranked."""
        refs = self._group_refs.get(group)
        if refs is None:
            return None
        scores = ref_score[refs]
        if not scores.any():
            return None
        key = np.where(scores > 0, scores + self._ref_part[refs], -1.0)
        return self.ref_names[int(refs[int(np.argmax(key))])]

    def _lend(self, group_score: npt.NDArray[np.float64]) -> dict[int, str]:
        """Add to `group_score` what the best groups lend along their links; return, for each
        borrower, the passage the link names (shown if nothing of it ranked on its own)."""
        loans: dict[int, tuple[float, str]] = {}
        for source in _top(group_score, LINK_SOURCES).tolist():
            score = float(group_score[source])
            if score <= 0:
                break
            for ref, target, weight, kind in self._links.get(source, ()):
                if group_score[target] <= 0:
                    continue
                lent = LINK_WEIGHT.get(kind, 0.0) * weight * score * self._group_prior[target]
                if lent > loans.get(target, (0.0, ""))[0]:
                    loans[target] = (lent, ref)
        for target, (lent, _ref) in loans.items():
            group_score[target] += lent
        return {target: ref for target, (_lent, ref) in loans.items()}

    def unit_for(self, collection: str, ref: str, lang: str) -> Unit | None:
        langs = self.by_ref.get((collection, ref))
        if not langs:
            return None
        row = langs.get(lang)
        if row is None:
            row = next(iter(langs.values()))
        return self.units[row]

    def _hit(self, collection: str, ref: str, group: str, score: float, lang: str, terms: list[str]) -> Hit:
        unit = self.unit_for(collection, ref, lang)
        assert unit is not None
        source: dict[str, Any] = {}
        if collection == GUIDANCE:
            _, doc_key, _number = unit.uid.split(":")
            doc = DOCS_BY_KEY[doc_key]
            source = {"document": doc.cite, "title": doc.title, "status": doc.status, "date": doc.date,
                      "binding": False}  # fmt: skip
            if unit.uid in self._uncertain:
                source["number_uncertain"] = True
        return Hit(
            ref=ref,
            unit=group,
            title=display_title(unit),
            snippet=snippet(unit.text, terms, unit.lang),
            score=round(score, 4),
            lang=unit.lang,
            collection=collection,
            kind=unit.kind,
            text=unit.text,
            source=source,
        )

    def search(
        self,
        query: str,
        limit: int = 10,
        lang: str | None = None,
        include_guidance: bool = False,
    ) -> SearchResult:
        text = normalise_query(query)
        if not 1 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        qlang = guess_lang(text)
        show = lang or qlang
        terms = analyzer(show).tokens(text)
        qvec = self.query_vector(text)

        hits: list[Hit] = []
        seen_groups: set[str] = set()
        for c in find_references(text, self.texts.en):
            unit = self.unit_for(LAW, str(c), show)
            if unit is None:
                continue
            hit = self._hit(LAW, str(c), str(c.unit), 1.0, show, terms)  # named: first, full score
            hits.append(Hit(**{**hit.__dict__, "direct": True}))
            seen_groups.add(str(c.unit))

        law = self.rank(text, LAW, qlang, qvec)
        guided = self.rank(text, GUIDANCE, qlang, qvec) if include_guidance else None
        for group, score, best in law:
            if len(hits) >= limit:
                break
            if group in seen_groups or (LAW, best) not in self.by_ref:
                continue
            hits.append(self._hit(LAW, best, group, score, show, terms))
        if guided is not None:
            en_terms = analyzer("en").tokens(text)
            ranked = itertools.islice(guided, limit)
            guidance = [self._hit(GUIDANCE, ref, ref, score, "en", en_terms) for ref, score, _ in ranked]
            hits = sorted(hits + guidance, key=lambda h: (not h.direct, -h.score))[:limit]
        return SearchResult(text, show, hits[:limit], self.mode, self.version, self.warnings)


_LOCK = threading.Lock()
_INDEXES: dict[tuple[str, str], DeskIndex] = {}


def get_index(version: str | None = None) -> DeskIndex:
    """The desk index for a corpus version (default: newest), built once per process and per
    embedding-model setting, so that switching `AIDESK_EMBED_MODEL` never serves a stale mode."""
    from aidesk.desk.dense import ENV_MODEL
    from aidesk.law.corpus import default_version

    version = version or default_version()
    key = (version, os.environ.get(ENV_MODEL, "").strip())
    with _LOCK:
        index = _INDEXES.get(key)
        if index is None:
            index = DeskIndex.build(version)
            _INDEXES[key] = index
        return index


def search(
    query: str,
    limit: int = 10,
    lang: str | None = None,
    include_guidance: bool = False,
    version: str | None = None,
) -> SearchResult:
    return get_index(version).search(query, limit=limit, lang=lang, include_guidance=include_guidance)


def reset() -> None:
    """Forget the built indexes (tests that change the environment)."""
    with _LOCK:
        _INDEXES.clear()
