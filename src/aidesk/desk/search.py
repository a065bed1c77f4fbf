"""Hybrid retrieval over the AI Act (EN + FR) and the Commission's guidance.

How a query is answered:

1. A provision the query names ("article 27", "annexe III point 4") comes first, resolved by
   the citation parser (`aidesk.desk.refs`).
2. Rankers score the units (`RANKERS`): BM25 in the query's language (Snowball stems; the
   query is widened with the law's own wording for everyday terms, from the glossary) over
   all units, over whole articles/recitals/annexes and over article and annex headings; and
   cosine similarity of multilingual-e5 embeddings over the units of both languages — which
   is what lets a French question find an English-only provision and the other way round.
3. Each ranker's list is read as a list of groups — article, recital or annex — in order of
   first appearance, so the EN and FR units of one provision and the paragraphs of one
   article count once; the groups are fused by weighted reciprocal rank (RRF), recitals after
   rules at equal evidence, and each is reported with its best passage highlighted
   (`Art. 50(1)` in `Art. 50`).
4. The best few provisions then lend part of their score to the articles and annexes they
   cross-reference (`aidesk.desk.links`: Art. 11 → Annex IV, Art. 43 → Annexes VI and VII),
   so an answer the law states in two places that point to each other surfaces as a whole.

Guidance paragraphs form a second collection ranked the same way and reported separately,
labelled as non-binding. If the embedding model cannot be loaded, ranking uses BM25 alone and
`SearchResult.warnings` says so.
"""

from __future__ import annotations

import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from aidesk.desk.dense import DenseUnavailable, Embedder, load_embedder, passage_matrix
from aidesk.desk.guidance import DOCS_BY_KEY, guidance_units, load_paragraphs
from aidesk.desk.links import cross_references
from aidesk.desk.refs import find_references
from aidesk.desk.text import analyzer, glossary_terms, guess_lang
from aidesk.desk.units import GUIDANCE, LAW, LawTexts, Unit, all_law_units, law_texts

MAX_QUERY_CHARS = 2000
MAX_LIMIT = 100

# Reciprocal-rank fusion: score = Σ weight / (RRF_K + rank). A small constant lets the top of
# each list count: the rankers rarely agree beyond their first few groups.
RRF_K = 5
# How deep each ranker's list of units is read before fusion.
DEPTH = 300
# The rankers fused: (method, grain, weight). Grains: "all" units (articles, paragraphs, points,
# recitals, annexes and their points), "whole" articles/recitals/annexes only, "title" the
# headings of articles and annexes alone. Dense similarity is the strongest single signal
# across languages, hence its weight.
RANKERS: tuple[tuple[str, str, float], ...] = (
    ("bm25", "all", 1.0),
    ("bm25", "whole", 1.0),
    ("bm25", "title", 1.0),
    ("dense", "all", 1.5),
)
# Recitals explain; articles and annexes are the rules. At equal evidence the rule comes first.
GROUP_PRIOR: dict[str, float] = {"Recital": 0.6}
# Link lending (`aidesk.desk.links`): each of the LINK_SOURCES best groups lends this share of
# its fused score, times the link's weight, to the articles and annexes it cross-references.
# A provision keeps the largest loan it gets (no accumulation, so a much-cited hub such as
# Annex III does not rise on links alone), and only provisions that some ranker already found
# can borrow: a link corroborates evidence, it does not replace it. Chosen on the held-out set
# (tests/desk/heldout_questions.yaml), checked on the dev set (docs/benchmarks.md).
LINK_WEIGHT: dict[str, float] = {"ref": 0.2}
LINK_SOURCES = 3


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


def snippet(text: str, terms: Iterable[str], lang: str, width: int = 320) -> str:
    """The stretch of `text` that best matches the query terms, about `width` characters."""
    flat = " ".join(text.split())
    if len(flat) <= width:
        return flat
    wanted = set(terms)
    sentences = re.split(r"(?<=[.;:])\s+|\s(?=\([a-z0-9]{1,4}\)\s)|\s(?=[a-z0-9]{1,4}\)\s)", flat)
    tok = analyzer(lang).tokens
    best, best_score = 0, -1
    for i, s in enumerate(sentences):
        score = len(wanted.intersection(tok(s)))
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


class _Lexical:
    """A BM25 index over some rows of the unit table."""

    def __init__(self, rows: Sequence[int], token_lists: list[list[str]]) -> None:
        import bm25s  # type: ignore[import-untyped]

        self.rows = np.asarray(rows, dtype=np.int64)
        self.bm25 = bm25s.BM25()
        self.bm25.index(token_lists, show_progress=False)

    def rank(self, tokens: list[str], depth: int) -> list[tuple[int, float]]:
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        if not known:
            return []
        scores = self.bm25.get_scores(known)
        top = np.argsort(-scores)[:depth]
        return [(int(self.rows[i]), float(scores[i])) for i in top if scores[i] > 0]


@dataclass
class Ranked:
    """The fused ranking of one collection: groups best first, each with its best passage."""

    groups: list[tuple[str, float, str]]  # (group, score in [0, 1], best ref)


def _grain(unit: Unit) -> str:
    return "title" if unit.kind == "title" else "all"


class DeskIndex:
    """Every unit of the desk, with its BM25 indexes and (if the model loads) embeddings."""

    def __init__(
        self, texts: LawTexts, units: list[Unit], embedder: Embedder | None, dense_error: str | None
    ):
        self.texts = texts
        self.version = texts.version
        self.units = units
        self.embedder = embedder
        self.dense_error = dense_error
        self.embedded_now = 0
        # BM25 per (collection, language, grain): "all" units, or "whole" articles/recitals/annexes.
        self._lexical: dict[tuple[str, str, str], _Lexical] = {}
        parts: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        for i, u in enumerate(units):
            parts[(u.collection, u.lang, _grain(u))].append(i)
            if u.collection == LAW and u.depth == 0 and u.kind != "title":
                parts[(u.collection, u.lang, "whole")].append(i)
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
        self.vectors: npt.NDArray[np.float32] | None = None
        # Contiguous slices of the vectors per (collection, grain): no copy at query time.
        self._matrices: dict[tuple[str, str], npt.NDArray[np.float32]] = {}
        if embedder is not None:
            self.vectors, self.embedded_now = passage_matrix(embedder, [u.index_text() for u in units])
            for key, selected in self._rows.items():
                self._matrices[key] = np.ascontiguousarray(self.vectors[selected])
        self._uncertain = {f"{GUIDANCE}:{p.doc}:{p.number}" for p in load_paragraphs() if p.uncertain}
        self.links = self._build_links()
        # Units by their citation, to show the passage in the reader's language.
        self._by_ref: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
        for i, u in enumerate(units):
            if u.kind != "title" and u.display:
                self._by_ref[(u.collection, u.ref)][u.lang] = i

    def _build_links(self) -> dict[str, list[tuple[str, str, float, str]]]:
        """Links of the law's provisions: group → (passage, group, weight, kind); ~15 ms at load."""
        return {
            source: [(ref, group, w, "ref") for ref, group, w in targets]
            for source, targets in cross_references(self.texts.en).items()
        }

    # -- construction ---------------------------------------------------------------------------
    @classmethod
    def build(cls, version: str | None = None, dense: bool = True) -> DeskIndex:
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
        return cls(texts, units, embedder, error)

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
        if self.embedder is None or self.vectors is None:
            return None
        return self.embedder.query(query)

    def _dense_rank(
        self, qvec: npt.NDArray[np.float32] | None, collection: str, grain: str
    ) -> list[tuple[int, float]]:
        rows = self._rows[(collection, grain)]
        if qvec is None or self.vectors is None or not len(rows):
            return []
        sims = self._matrices[(collection, grain)] @ qvec
        depth = min(DEPTH * 2, len(sims))
        top = np.argpartition(-sims, depth - 1)[:depth]
        top = top[np.argsort(-sims[top])]
        return [(int(rows[i]), float(sims[i])) for i in top]

    def _rankings(
        self, query: str, collection: str, qlang: str, qvec: npt.NDArray[np.float32] | None
    ) -> list[tuple[float, list[tuple[int, float]]]]:
        """The rankers' lists of (unit row, score), best first, with their weights."""
        terms = glossary_terms(query, [qlang])
        tokens = analyzer(qlang).tokens(" ".join([query, *terms]))
        out: list[tuple[float, list[tuple[int, float]]]] = []
        for kind, grain, weight in RANKERS:
            if kind == "bm25":
                lexical = self._lexical.get((collection, qlang, grain))
                ranking = lexical.rank(tokens, DEPTH) if lexical is not None else []
            else:
                ranking = self._dense_rank(qvec, collection, grain)
            if ranking:
                out.append((weight, ranking))
        return out

    def rank(self, query: str, collection: str, qlang: str, qvec: npt.NDArray[np.float32] | None) -> Ranked:
        """Fuse the rankers by reciprocal rank at the level of the group (article, recital, annex).

        Each ranker's list of units becomes a list of groups in order of first appearance, so
        the EN and FR units of a provision, and the paragraphs of an article, count once per
        ranker. The passage shown for a group is its best-fused unit below the whole.
        """
        rankings = self._rankings(query, collection, qlang, qvec)
        group_score: dict[str, float] = defaultdict(float)
        ref_score: dict[str, float] = defaultdict(float)
        group_of: dict[str, str] = {}
        for weight, ranking in rankings:
            seen_groups: set[str] = set()
            seen_refs: set[str] = set()
            for row, _score in ranking:
                unit = self.units[row]
                if unit.ref not in seen_refs:
                    seen_refs.add(unit.ref)
                    ref_score[unit.ref] += weight / (RRF_K + len(seen_refs))
                    group_of[unit.ref] = unit.group
                if unit.group not in seen_groups:
                    seen_groups.add(unit.group)
                    group_score[unit.group] += weight / (RRF_K + len(seen_groups))
        for group in group_score:
            group_score[group] *= GROUP_PRIOR.get(group.split(" ", 1)[0], 1.0)
        lent_ref = self._lend(group_score) if collection == LAW else {}
        perfect = sum(w for w, _ in rankings) / (RRF_K + 1) if rankings else 1.0
        best: dict[str, tuple[float, str]] = {}
        for ref, score in ref_score.items():
            if (collection, ref) not in self._by_ref:
                continue  # found only through a retrieval surrogate: shown through its group
            group = group_of[ref]
            key = (score + (0.0 if ref == group else 1.0), ref)  # prefer a part to the whole
            if group not in best or key > best[group]:
                best[group] = key
        groups = sorted(group_score.items(), key=lambda kv: -kv[1])
        return Ranked(
            [(g, min(s / perfect, 1.0), best.get(g, (0.0, lent_ref.get(g, g)))[1]) for g, s in groups]
        )

    def _lend(self, group_score: dict[str, float]) -> dict[str, str]:
        """Add to `group_score` what the best groups lend along their links; return, for each
        borrower, the passage the link names (shown if nothing of it ranked on its own)."""
        loans: dict[str, tuple[float, str]] = {}
        sources = sorted(group_score.items(), key=lambda kv: -kv[1])[:LINK_SOURCES]
        for source, score in sources:
            for ref, target, weight, kind in self.links.get(source, ()):
                if target not in group_score:
                    continue
                lent = LINK_WEIGHT.get(kind, 0.0) * weight * score
                if lent > loans.get(target, (0.0, ""))[0]:
                    loans[target] = (lent, ref)
        for target, (lent, _ref) in loans.items():
            group_score[target] += lent * GROUP_PRIOR.get(target.split(" ", 1)[0], 1.0)
        return {target: ref for target, (_lent, ref) in loans.items()}

    def unit_for(self, collection: str, ref: str, lang: str) -> Unit | None:
        langs = self._by_ref.get((collection, ref))
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

        for group, score, best in self.rank(text, LAW, qlang, qvec).groups:
            if len(hits) >= limit:
                break
            if group in seen_groups or (LAW, best) not in self._by_ref:
                continue
            hits.append(self._hit(LAW, best, group, score, show, terms))
        if include_guidance:
            en_terms = analyzer("en").tokens(text)
            ranked = self.rank(text, GUIDANCE, qlang, qvec).groups[:limit]
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
