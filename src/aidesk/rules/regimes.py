"""Regimes as data: load `regimes/*.yaml`, check them, and stack a layer on its base (STYLE.md 2).

A parameter is a list of dated versions. A layer (e.g. `ai-act-2026`) appends versions with a later
`since` to its base's parameters, or adds parameters; it never replaces a base version. The regime's
value of a parameter is its newest version. Loading fails loudly on anything inconsistent: unknown
sources, a layer version not later than the base text, a reference to a missing parameter, a
citation that is not canonical.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

from aidesk.law.citations import CitationError, format_citation, parse

DEFAULT_REGIME = "ai-act-2026"
REGIME_IDS: tuple[str, ...] = ("ai-act-2024", "ai-act-2026")
CONFIDENCE = ("high", "medium", "low")
LANGS = ("en", "fr")


class RegimeError(RuntimeError):
    """Regime or catalogue data that is inconsistent: a bug in aidesk's data, never bad user input."""


class UnknownRegime(ValueError):
    def __init__(self, regime: str) -> None:
        super().__init__(f"unknown regime {regime!r}; available: {', '.join(REGIME_IDS)}")
        self.regime = regime


@dataclass(frozen=True, slots=True)
class Version:
    """One dated value of a parameter."""

    name: str
    since: date
    value: Any
    citations: tuple[str, ...]
    source: str
    confidence: str
    layer: str
    what: Mapping[str, str] | None = None
    title: Mapping[str, str] | None = None
    note: str | None = None  # in English; `note_in(lang)` for the assessment's language
    note_fr: str | None = None
    amended_by: str | None = None

    def note_in(self, lang: str) -> str | None:
        """The note in `lang` (the loader requires `note_fr` with every `note`)."""
        return self.note_fr if lang == "fr" else self.note


@dataclass(frozen=True)
class Regime:
    id: str
    title: Mapping[str, str]
    base: str | None
    text_date: date
    revision: date
    sources: Mapping[str, Mapping[str, Any]]
    history: Mapping[str, tuple[Version, ...]]
    _resolved: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    # Derived data the engine caches per regime (e.g. the obligations owed for a set of facts): a regime
    # is immutable, so anything computed from it alone stays valid as long as the regime lives.
    memo: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def version(self) -> str:
        """`<id>+<date of the newest data revision>`, recorded in every assessment."""
        return f"{self.id}+{self.revision.isoformat()}"

    def has(self, name: str) -> bool:
        return name in self.history

    def param(self, name: str) -> Version:
        """The version in force under this regime (the newest)."""
        try:
            return self.history[name][-1]
        except KeyError:
            raise RegimeError(f"regime {self.id}: no parameter {name!r}") from None

    def value(self, name: str) -> Any:
        """The value in force, with `=name` references resolved."""
        if name not in self._resolved:
            self._resolved[name] = self._resolve(self.param(name).value, (name,))
        return self._resolved[name]

    def date(self, name: str) -> date:
        value = self.value(name)
        if not isinstance(value, date):
            raise RegimeError(f"regime {self.id}: parameter {name!r} is not a date")
        return value

    def names(self, prefix: str = "") -> Iterator[str]:
        return (n for n in self.history if n.startswith(prefix))

    def _resolve(self, value: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(value, str) and value.startswith("="):
            ref = value[1:]
            if ref in seen:
                raise RegimeError(f"regime {self.id}: circular reference {' -> '.join((*seen, ref))}")
            if ref not in self.history:
                raise RegimeError(f"regime {self.id}: {seen[-1]!r} refers to missing parameter {ref!r}")
            return self._resolve(self.param(ref).value, (*seen, ref))
        if isinstance(value, Mapping):
            return {k: self._resolve(v, seen) for k, v in value.items()}
        if isinstance(value, list):
            return [self._resolve(v, seen) for v in value]
        return value


# --- loading -----------------------------------------------------------------------------------------


def _read_yaml(package_path: str) -> Any:
    from ruamel.yaml import YAML

    text = resources.files("aidesk.rules").joinpath(package_path).read_text(encoding="utf-8")
    try:  # the C parser of ruamel.yaml.clib when installed: the same values, a faster start
        return YAML(typ="safe", pure=False).load(text)
    except Exception:  # the pure-Python parser words the error, as it always has
        return YAML(typ="safe", pure=True).load(text)


def check_citation(text: object, where: str) -> str:
    if not isinstance(text, str):
        raise RegimeError(f"{where}: citation {text!r} is not text")
    try:
        canonical = format_citation(parse(text))
    except CitationError as exc:
        raise RegimeError(f"{where}: {exc}") from None
    if canonical != text:
        raise RegimeError(f"{where}: citation {text!r} is not canonical; write {canonical!r}")
    return text


def _texts(value: object, where: str) -> Mapping[str, str] | None:
    if value is None:
        return None
    if (
        not isinstance(value, Mapping)
        or set(value) != set(LANGS)
        or not all(isinstance(v, str) for v in value.values())
    ):
        raise RegimeError(f"{where}: expected text in {', '.join(LANGS)}")
    return dict(value)


_VERSION_KEYS = {
    "since", "value", "citations", "source", "confidence", "what", "title", "note", "note_fr", "amended_by"
}  # fmt: skip


def _version(name: str, raw: object, layer: str, sources: Mapping[str, Any]) -> Version:
    where = f"regime {layer}, parameter {name}"
    if not isinstance(raw, Mapping):
        raise RegimeError(f"{where}: a version must be a mapping")
    unknown = set(raw) - _VERSION_KEYS
    missing = {"since", "value", "citations", "source", "confidence"} - set(raw)
    if unknown or missing:
        raise RegimeError(f"{where}: unknown keys {sorted(unknown)}, missing keys {sorted(missing)}")
    since = raw["since"]
    if not isinstance(since, date):
        raise RegimeError(f"{where}: since must be a date")
    if raw["source"] not in sources:
        raise RegimeError(f"{where}: unknown source {raw['source']!r}")
    if raw["confidence"] not in CONFIDENCE:
        raise RegimeError(f"{where}: confidence must be one of {CONFIDENCE}")
    if (raw.get("note") is None) != (raw.get("note_fr") is None):
        raise RegimeError(f"{where}: a note needs its French wording (note_fr), and note_fr a note")
    citations = raw["citations"]
    if not isinstance(citations, list) or not citations:
        raise RegimeError(f"{where}: every value needs at least one citation")
    return Version(
        name=name,
        since=since,
        value=raw["value"],
        citations=tuple(check_citation(c, where) for c in citations),
        source=str(raw["source"]),
        confidence=str(raw["confidence"]),
        layer=layer,
        what=_texts(raw.get("what"), where),
        title=_texts(raw.get("title"), where),
        note=raw.get("note"),
        note_fr=raw.get("note_fr"),
        amended_by=raw.get("amended_by"),
    )


@functools.cache
def load_regime(regime_id: str = DEFAULT_REGIME) -> Regime:
    """Load a regime (and its bases), checked and merged. Cached: regimes are immutable."""
    if regime_id not in REGIME_IDS:
        raise UnknownRegime(regime_id)
    raw = _read_yaml(f"regimes/{regime_id}.yaml")
    if raw.get("id") != regime_id:
        raise RegimeError(f"regimes/{regime_id}.yaml: id is {raw.get('id')!r}")
    base = load_regime(raw["base"]) if raw.get("base") else None
    sources: dict[str, Any] = dict(base.sources) if base else {}
    for key, src in (raw.get("sources") or {}).items():
        if key in sources:
            raise RegimeError(f"regime {regime_id}: source {key!r} already defined by the base")
        sources[key] = src
    history: dict[str, tuple[Version, ...]] = dict(base.history) if base else {}
    text_date = raw["text_date"]
    for name, versions in (raw.get("parameters") or {}).items():
        if not isinstance(versions, list) or not versions:
            raise RegimeError(f"regime {regime_id}, parameter {name}: expected a list of versions")
        added = tuple(_version(name, v, regime_id, sources) for v in versions)
        for v in added:
            if base is not None and v.since <= base.text_date:
                raise RegimeError(
                    f"regime {regime_id}, parameter {name}: a layer adds versions dated after its base "
                    f"({base.text_date}), got since {v.since}"
                )
            if v.since > text_date:
                raise RegimeError(
                    f"regime {regime_id}, parameter {name}: since {v.since} is after {text_date}"
                )
        merged = history.get(name, ()) + added
        if any(a.since >= b.since for a, b in itertools.pairwise(merged)):
            raise RegimeError(
                f"regime {regime_id}, parameter {name}: versions must be in strictly increasing date order"
            )
        history[name] = merged
    revision = max(raw["revision"], base.revision) if base else raw["revision"]
    regime = Regime(
        id=regime_id,
        title=_texts(raw["title"], f"regime {regime_id}") or {},
        base=raw.get("base"),
        text_date=text_date,
        revision=revision,
        sources=sources,
        history=history,
    )
    for name in regime.history:  # every reference must resolve
        regime.value(name)
    return regime


def list_regimes() -> list[Regime]:
    return [load_regime(r) for r in REGIME_IDS]


# --- the obligations catalogue -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    id: str
    roles: tuple[str, ...]
    title: Mapping[str, str] | None
    citations: tuple[str, ...]
    param: str | None
    when: tuple[str, ...]
    date: str
    legacy: str | None


_ENTRY_KEYS = {"id", "roles", "title", "citations", "param", "when", "date", "legacy"}
DATE_BUCKETS = ("high_risk", "annex_iii", "general", "chapters_i_ii", "gpai")
LEGACY_RULES = ("high_risk", "gpai", "art_50_2")


@functools.cache
def load_catalogue() -> tuple[CatalogueEntry, ...]:
    from aidesk.rules.vocab import Role

    raw = _read_yaml("obligations.yaml")
    entries: list[CatalogueEntry] = []
    seen: set[str] = set()
    for item in raw:
        where = f"obligations.yaml, entry {item.get('id')!r}"
        unknown = set(item) - _ENTRY_KEYS
        if unknown:
            raise RegimeError(f"{where}: unknown keys {sorted(unknown)}")
        if item["id"] in seen:
            raise RegimeError(f"{where}: duplicate id")
        seen.add(item["id"])
        roles = tuple(item["roles"])
        if not roles or any(r not in Role.__members__ for r in roles):
            raise RegimeError(f"{where}: roles must be among {list(Role.__members__)}")
        if item["date"] not in DATE_BUCKETS:
            raise RegimeError(f"{where}: date must be one of {DATE_BUCKETS}")
        if item.get("legacy") not in (None, *LEGACY_RULES):
            raise RegimeError(f"{where}: legacy must be one of {LEGACY_RULES}")
        if item.get("param") is None and (item.get("title") is None or not item.get("citations")):
            raise RegimeError(f"{where}: needs a title and citations, or a param that provides them")
        entries.append(
            CatalogueEntry(
                id=item["id"],
                roles=roles,
                title=_texts(item.get("title"), where),
                citations=tuple(check_citation(c, where) for c in item.get("citations") or ()),
                param=item.get("param"),
                when=tuple(item.get("when") or ()),
                date=item["date"],
                legacy=item.get("legacy"),
            )
        )
    return tuple(entries)
