"""The directory service: load (packaged data + user overlay), filter, search, and the
questions that next-steps rules ask ("authorities in FR", "TEF for health", …).

Pure of CLI and web: callers get :class:`Entry` objects and plain dataclasses.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aidesk.directory.paths import overlay_path
from aidesk.directory.schema import (
    SCHEMA_ID,
    SECTOR_LABELS,
    Entry,
    Kind,
    Sector,
    is_valid_country,
    normalise_country,
)
from aidesk.directory.search import Bm25Scorer, DenseScorer, Scorer, rrf

OVERLAY_SCHEMA = "aidesk/directory-overlay/v1"
#: Legacy seed entries rank below current ones with the same lexical score.
LEGACY_WEIGHT = 0.5


class DirectoryError(ValueError):
    """Bad input to the directory (a filter value, an overlay or import file). The message is for users."""


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float
    scores: dict[str, float] = field(default_factory=dict)


class Hits(list[Hit]):
    """The result of a search: a list of hits that also says how it was ranked.

    `mode` is "hybrid" (BM25 + dense), "bm25" (keyword only), "custom" (caller's scorers) or
    "filter" (no query: list order, no model loaded); `warnings` say what the user should know,
    e.g. that semantic search was unavailable and keyword search alone ranked the results.
    """

    def __init__(self, hits: Iterable[Hit] = (), mode: str = "filter", warnings: Sequence[str] = ()) -> None:
        super().__init__(hits)
        self.mode = mode
        self.warnings: tuple[str, ...] = tuple(warnings)


@dataclass(frozen=True)
class Lookup:
    """Answer to a rule's question: the entries found, and what the data lacks (never a guess)."""

    entries: list[Entry]
    gap: str | None = None


# --------------------------------------------------------------------------- parsing filter values
def parse_country(value: str) -> str:
    code = normalise_country(value)
    if not is_valid_country(code):
        raise DirectoryError(f"--country {value!r}: not an ISO 3166-1 alpha-2 code (e.g. FR, DE, GR)")
    return code


def parse_kind(value: str) -> Kind:
    try:
        return Kind(value.strip().lower())
    except ValueError:
        raise DirectoryError(
            f"--kind {value!r}: unknown kind; use one of {', '.join(k.value for k in Kind)}"
        ) from None


def parse_sector(value: str) -> Sector:
    v = value.strip().lower()
    for s in Sector:
        en, fr, _ = SECTOR_LABELS[s]
        if v in (s.value, en.lower(), fr.lower()):
            return s
    prefixed = [s for s in Sector if s.value.startswith(v)]
    if len(prefixed) == 1:
        return prefixed[0]
    raise DirectoryError(
        f"--sector {value!r}: unknown sector; use one of {', '.join(s.value for s in Sector)}"
    )


# --------------------------------------------------------------------------- the directory
class Directory:
    def __init__(
        self, entries: Sequence[Entry], coverage: dict[str, Any], overlay: Path | None = None
    ) -> None:
        self.entries: tuple[Entry, ...] = tuple(entries)
        self.coverage = coverage
        self.overlay = overlay
        self._by_id = {e.id: e for e in self.entries}
        # Dense scorer (or why there is none) per AIDESK_EMBED_MODEL setting, built on first query.
        self._dense: dict[str, DenseScorer | str] = {}
        self._dense_lock = threading.Lock()

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id.strip().lower())

    def filter(
        self,
        *,
        country: str | None = None,
        kind: Kind | str | None = None,
        sector: Sector | str | None = None,
        include_legacy: bool = True,
        include_partners: bool = False,
    ) -> list[Entry]:
        code = parse_country(country) if country else None
        k = parse_kind(kind) if isinstance(kind, str) else kind
        s = parse_sector(sector) if isinstance(sector, str) else sector
        out = []
        for e in self.entries:
            if not include_legacy and e.legacy:
                continue
            if k is not None and e.kind != k:
                continue
            if s is not None and s not in e.sectors:
                continue
            if (
                code is not None
                and code not in e.countries
                and not (include_partners and code in e.partner_countries)
            ):
                continue
            out.append(e)
        return out

    @cached_property
    def _bm25(self) -> Bm25Scorer:
        return Bm25Scorer(self.entries)

    def dense_scorer(self) -> DenseScorer | str:
        """The dense scorer for the current embedding-model setting, or why it is unavailable.

        Loads the model (once per process and setting) and the entries' vectors: shipped ones, then
        the user cache, then embedded now for entries without one (user imports) and cached."""
        from aidesk.desk.dense import ENV_MODEL
        from aidesk.directory.search import embedder_for_setting

        setting = os.environ.get(ENV_MODEL, "").strip()
        with self._dense_lock:
            if setting not in self._dense:
                embedder = embedder_for_setting()
                if isinstance(embedder, str):
                    self._dense[setting] = embedder
                else:
                    try:
                        self._dense[setting] = DenseScorer(embedder, self.entries)
                    except (OSError, RuntimeError, ValueError) as exc:
                        self._dense[setting] = f"cannot embed the directory entries: {exc}"
            return self._dense[setting]

    def search(
        self,
        query: str | None = None,
        *,
        country: str | None = None,
        kind: Kind | str | None = None,
        sector: Sector | str | None = None,
        include_legacy: bool = True,
        limit: int | None = 20,
        scorers: Sequence[Scorer] | None = None,
        dense: bool = True,
    ) -> Hits:
        """Entries matching the filters, ranked by the query (all scorers fused); no query = list order.

        `scorers` defaults to BM25 fused with the dense scorer (BM25 alone, with a warning in the
        result, when the model is switched off or cannot load; BM25 alone, silently, with
        `dense=False`); each must score `self.entries` in order. Without a query no scorer is built
        and no model is loaded.
        """
        allowed = {
            e.id
            for e in self.filter(country=country, kind=kind, sector=sector, include_legacy=include_legacy)
        }
        if not query or not query.strip():
            listed = [Hit(e, 0.0) for e in self.entries if e.id in allowed]
            listed.sort(key=lambda h: (h.entry.legacy, list(Kind).index(h.entry.kind)))
            return Hits(listed[:limit] if limit else listed, "filter")
        warnings: list[str] = []
        if scorers:
            active, mode = list(scorers), "custom"
        else:
            active, mode = [self._bm25], "bm25"
            if dense:
                scorer = self.dense_scorer()
                if isinstance(scorer, str):
                    warnings.append(f"semantic search unavailable ({scorer}); using keyword search only")
                else:
                    active.append(scorer)
                    mode = "hybrid"
        mask = [e.id in allowed for e in self.entries]
        per_scorer: dict[str, list[float]] = {}
        for s in active:
            try:
                scores = s.score(query)
            except (OSError, RuntimeError, ValueError) as exc:
                if not isinstance(s, DenseScorer):
                    raise
                warnings.append(f"semantic search failed ({exc}); using keyword search only")
                mode = "bm25"
                continue
            per_scorer[s.name] = _within(scores, mask, getattr(s, "depth", None))
        lists = list(per_scorer.values())
        if not lists:
            return Hits([], mode, warnings)
        fused = lists[0] if len(lists) == 1 else rrf(lists)
        hits = []
        for i, e in enumerate(self.entries):
            if fused[i] <= 0:
                continue
            weight = LEGACY_WEIGHT if e.legacy else 1.0
            hits.append(Hit(e, fused[i] * weight, {n: sc[i] for n, sc in per_scorer.items()}))
        hits.sort(key=lambda h: -h.score)
        return Hits(hits[:limit] if limit else hits, mode, warnings)

    # ----------------------------------------------------------------------- rule-facing questions
    def authorities(self, country: str) -> Lookup:
        code = parse_country(country)
        found = self.filter(country=code, kind=Kind.authority)
        if found:
            return Lookup(found)
        counts = self.coverage.get("authority", {}).get("fundamental_rights_body_counts_only", {})
        extra = (
            f" (only the number of Art. 77 fundamental-rights bodies is known: {counts[code]})"
            if code in counts
            else ""
        )
        return Lookup([], f"No national AI Act authority is known for {code} in the directory data{extra}.")

    def sandboxes(self, country: str) -> Lookup:
        code = parse_country(country)
        found = self.filter(country=code, kind=Kind.sandbox)
        if found:
            return Lookup(found)
        return Lookup([], f"No AI regulatory sandbox is recorded for {code} in the directory data.")

    def edihs(self, country: str, *, service: str | None = None) -> Lookup:
        """EDIHs in a country, optionally offering a service (e.g. "test"). Current hubs first; legacy
        2022 hubs only as labelled seed data, since their services are unknown."""
        code = parse_country(country)
        current = [
            e for e in self.filter(country=code, kind=Kind.edih, include_legacy=False) if _offers(e, service)
        ]
        if current:
            return Lookup(current)
        network = [e for e in self.filter(kind=Kind.edih, include_legacy=False) if not e.countries]
        legacy = [e for e in self.filter(country=code, kind=Kind.edih) if e.legacy]
        gap = (
            f"No current EDIH in {code} is listed (no export of the Commission's EDIH catalogue was available); "
            f"showing the EDIH network entry and {len(legacy)} legacy 2022 hub(s) in {code} (seed data only"
            + (", services unknown" if service else "")
            + ")."
        )
        return Lookup([e for e in network if _offers(e, service)] + legacy, gap)

    def tefs(self, sector: Sector | str) -> Lookup:
        s = parse_sector(sector) if isinstance(sector, str) else sector
        found = self.filter(kind=Kind.tef, sector=s)
        if found:
            return Lookup(found)
        return Lookup([], f"No sectoral Testing and Experimentation Facility for {s.value} is recorded.")

    def ai_factories(self, *, country: str | None = None, sector: Sector | str | None = None) -> Lookup:
        """AI Factories with an access route, those in `country` (or with an antenna there) and in
        `sector` first; antennas of `country` are included."""
        code = parse_country(country) if country else None
        s = parse_sector(sector) if isinstance(sector, str) else sector
        factories = [e for e in self.filter(kind=Kind.ai_factory) if e.access]
        antennas = self.filter(country=code, kind=Kind.antenna) if code else []
        linked = {r for a in antennas for r in a.related}

        def rank(e: Entry) -> tuple[int, int, int]:
            return (
                0 if code and (code in e.countries or e.id in linked) else 1,
                0 if code and code in e.partner_countries else 1,
                0 if s and s in e.sectors else 1,
            )

        ordered = sorted(factories, key=rank)
        gap = None
        if s and not any(s in e.sectors for e in factories):
            gap = f"No AI Factory lists the sector {s.value} among its focus areas."
        return Lookup(antennas + ordered, gap)

    def eu_bodies(self) -> Lookup:
        return Lookup(self.filter(kind=Kind.eu_body))

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for e in self.entries:
            key = e.kind.value + (" (legacy)" if e.legacy else "")
            out[key] = out.get(key, 0) + 1
        return dict(sorted(out.items()))


def _within(scores: Sequence[float], mask: Sequence[bool], depth: int | None) -> list[float]:
    """`scores` of the entries the filters allow (others 0), only the `depth` best kept if given."""
    out = [float(s) if ok and s > 0 else 0.0 for s, ok in zip(scores, mask, strict=True)]
    if depth is not None:
        ranked = sorted((i for i, s in enumerate(out) if s > 0), key=lambda i: -out[i])
        for i in ranked[depth:]:
            out[i] = 0.0
    return out


def _offers(entry: Entry, service: str | None) -> bool:
    if not service:
        return True
    needle = service.lower()
    return any(needle in s.lower() for s in entry.services)


# --------------------------------------------------------------------------- loading
@cache
def _packaged() -> tuple[tuple[Entry, ...], dict[str, Any]]:
    raw = json.loads(resources.files("aidesk.directory").joinpath("data/directory.json").read_text("utf-8"))
    if raw.get("schema") != SCHEMA_ID:
        raise RuntimeError(f"packaged directory.json has schema {raw.get('schema')!r}, expected {SCHEMA_ID}")
    entries = tuple(Entry.model_validate(r) for r in raw["entries"])
    return entries, raw.get("coverage", {})


def read_overlay(path: Path) -> list[Entry]:
    """Entries of a user overlay file; a damaged file is bad input naming the file and the fix."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DirectoryError(
            f"{path}: unreadable directory overlay ({exc}); fix or delete the file"
        ) from None
    if (
        not isinstance(raw, dict)
        or raw.get("schema") != OVERLAY_SCHEMA
        or not isinstance(raw.get("entries"), list)
    ):
        raise DirectoryError(f"{path}: not an {OVERLAY_SCHEMA} file; fix or delete the file")
    out = []
    for n, item in enumerate(raw["entries"], start=1):
        try:
            out.append(Entry.model_validate({**item, "origin": "user"}))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            raise DirectoryError(
                f"{path}: entry {n}, field {loc}: {err['msg']}; fix or delete the file"
            ) from None
    return out


def merge(base: Iterable[Entry], updates: Iterable[Entry]) -> list[Entry]:
    """Entries of `updates` replace those of `base` with the same id; new ids are appended."""
    merged = {e.id: e for e in base}
    for e in updates:
        merged[e.id] = e
    return list(merged.values())


@lru_cache(maxsize=8)
def _load(overlay: str, stamp: int | None) -> Directory:
    entries, coverage = _packaged()
    path = Path(overlay)
    if stamp is None:
        return Directory(entries, coverage)
    return Directory(merge(entries, read_overlay(path)), coverage, overlay=path)


def load(data_dir: Path | None = None) -> Directory:
    """The packaged directory with the user's overlay (`AIDESK_DATA_DIR`) merged over it. Cached
    until the overlay file changes."""
    path = overlay_path(data_dir)
    try:
        stamp: int | None = path.stat().st_mtime_ns
    except FileNotFoundError:
        stamp = None
    return _load(str(path), stamp)
