"""The triage description bank: candidate grounds, their descriptions (EN/FR) and their lexical cues.

The bank is data (`bank/*.yaml`, STYLE.md 1): each ground names the canonical citation it stands for
(SPEC §3), the class it leads to, what it sets in a draft profile, the questions that confirm it, a few
descriptions that ARE the ground and look-alikes that are NOT (the Act's carve-outs), and cues over the
named concepts of `bank/concepts.yaml`. `load_bank()` reads and checks it once per process.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

EFFECTS = ("out_of_scope", "prohibited", "high_risk", "transparency", "gpai_model", "gpai_model_systemic")
LANGS = ("en", "fr")
# How much a missing required concept counts, relative to the weights written in the bank.
REQUIRE_SCALE = 1.0
GROUND_FILES = ("exclusions.yaml", "prohibited.yaml", "annex_iii.yaml", "annex_i.yaml", "transparency.yaml")


class BankError(ValueError):
    """The packaged bank is inconsistent (a developer error, caught by the tests)."""


# --- text folding and concepts ----------------------------------------------------------------------------

_APOSTROPHES = re.compile(r"[’'‘`´\"“”«»]")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, accents removed, quotes and apostrophes as spaces, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("œ", "oe").replace("æ", "ae")
    return _SPACES.sub(" ", _APOSTROPHES.sub(" ", bare)).strip()


# A concept said not to apply ("does not identify anyone", "sans reconnaissance faciale", "it never records or
# analyses the agents' voices") is not present: a match counts only when no negation precedes it within
# NEGATION_WINDOW words of the same clause. A clause ends at punctuation and at words that restrict or
# contrast ("but", "only", "ne ... que", "mais", "sauf"), so "not only the callers" and "n'analyse que les
# clients" are not negations of what follows; "n'importe" ("anyone", "any") is not a negation either.
NEGATION_WINDOW = 5
_NEGATION = frozenset(
    ["not", "no", "never", "nor", "without", "cannot", "ne", "n", "sans", "aucun", "aucune", "jamais", "ni"]
)
# English contractions, two words once folded ("doesn't" -> "doesn t")
_NEGATED_PAIRS = frozenset(
    f"{w} t"
    for w in [
        "doesn",
        "don",
        "didn",
        "isn",
        "aren",
        "wasn",
        "weren",
        "won",
        "can",
        "couldn",
        "wouldn",
        "shouldn",
    ]
)
_CLAUSE_END = re.compile(
    r"[.;:!?,()]|\b(but|however|yet|only|except|unless|que|qu|mais|seulement|sauf|uniquement|hormis)\b"
)
_NOT_A_NEGATION = re.compile(r"\bn importe\b")


def negated(before: str) -> bool:
    """Whether the folded text just before a match negates it (see NEGATION_WINDOW)."""
    tail = _NOT_A_NEGATION.sub(" ", before[-80:])
    ends = list(_CLAUSE_END.finditer(tail))
    if ends:
        tail = tail[ends[-1].end() :]
    words = tail.split()[-NEGATION_WINDOW:]
    pairs = [f"{a} {b}" for a, b in itertools.pairwise(words)]
    return any(w in _NEGATION for w in words) or any(p in _NEGATED_PAIRS for p in pairs)


@dataclass(frozen=True)
class Concept:
    name: str
    pattern: re.Pattern[str]

    def found(self, folded: str) -> bool:
        return any(
            not negated(folded[max(0, m.start() - 80) : m.start()]) for m in self.pattern.finditer(folded)
        )


@dataclass(frozen=True)
class Cue:
    """A lexical cue over concepts: every entry of `all_` and (if given) one of `any_`, weighted `weight`.
    An entry of `all_` is a set of alternatives (written "children|vulnerable" in the bank): one suffices."""

    all_: tuple[tuple[str, ...], ...]
    any_: tuple[str, ...]
    weight: float

    def holds(self, present: frozenset[str]) -> bool:
        return all(any(c in present for c in alt) for alt in self.all_) and (
            not self.any_ or any(c in present for c in self.any_)
        )

    @property
    def concepts(self) -> tuple[str, ...]:
        return tuple(c for alt in self.all_ for c in alt) + self.any_


@dataclass(frozen=True)
class Ground:
    key: str
    ground: str  # canonical citation, e.g. "Annex III 4(a)"
    effect: str
    label: Mapping[str, str]
    citations: tuple[str, ...]
    profile: Mapping[str, Any]
    questions: tuple[str, ...]
    boosts: tuple[Cue, ...]
    blocks: tuple[Cue, ...]
    require: Cue | None
    positives: tuple[tuple[str, str], ...]  # (lang, text)
    negatives: tuple[tuple[str, str], ...]
    annex_i: str | None = None

    def cue_score(self, present: frozenset[str]) -> float:
        score = sum(c.weight for c in self.boosts if c.holds(present))
        score -= sum(c.weight for c in self.blocks if c.holds(present))
        if self.require is not None and not self.require.holds(present):
            score -= self.require.weight * REQUIRE_SCALE
        return score

    def cues_seen(self, present: frozenset[str]) -> list[str]:
        return sorted({c for cue in self.boosts if cue.holds(present) for c in cue.concepts})


@dataclass(frozen=True)
class Bank:
    grounds: tuple[Ground, ...]
    minimal: tuple[tuple[str, str], ...]  # ordinary AI uses and carve-outs: (lang, text)
    concepts: Mapping[str, Concept]
    by_key: Mapping[str, Ground] = field(default_factory=dict)

    def present(self, text: str) -> frozenset[str]:
        folded = fold(text)
        return frozenset(name for name, c in self.concepts.items() if c.found(folded))

    def passages(self) -> list[str]:
        """Every text of the bank, in a stable order (the order of `layout()`)."""
        out: list[str] = []
        for g in self.grounds:
            out.extend(t for _, t in g.positives)
            out.extend(t for _, t in g.negatives)
        out.extend(t for _, t in self.minimal)
        return out

    def layout(self) -> tuple[list[tuple[int, int]], list[tuple[int, int]], tuple[int, int]]:
        """Row ranges of `passages()`: per ground (positives, negatives), then the minimal block."""
        pos: list[tuple[int, int]] = []
        neg: list[tuple[int, int]] = []
        row = 0
        for g in self.grounds:
            pos.append((row, row + len(g.positives)))
            row += len(g.positives)
            neg.append((row, row + len(g.negatives)))
            row += len(g.negatives)
        return pos, neg, (row, row + len(self.minimal))


# --- loading ------------------------------------------------------------------------------------------------


def _yaml(name: str) -> Any:
    from ruamel.yaml import YAML

    text = resources.files("aidesk.desk.triage").joinpath("bank", name).read_text(encoding="utf-8")
    return YAML(typ="safe", pure=True).load(text)


def _texts(block: Mapping[str, Any] | None, where: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for lang, items in (block or {}).items():
        if lang not in LANGS:
            raise BankError(f"{where}: unknown language {lang!r}")
        out.extend((lang, " ".join(str(t).split())) for t in items or [])
    return tuple(out)


def _cue(raw: Mapping[str, Any], concepts: Mapping[str, Concept], where: str) -> Cue:
    unknown = set(raw) - {"all", "any", "w"}
    if unknown:
        raise BankError(f"{where}: unknown cue keys {sorted(unknown)}")
    all_ = tuple(tuple(str(entry).split("|")) for entry in raw.get("all") or ())
    cue = Cue(all_, tuple(raw.get("any") or ()), float(raw.get("w", 1.0)))
    missing = [c for c in cue.concepts if c not in concepts]
    if missing or not cue.concepts:
        raise BankError(f"{where}: unknown or no concepts {missing}")
    return cue


def _ground(raw: Mapping[str, Any], concepts: Mapping[str, Concept], source: str) -> Ground:
    key = str(raw.get("key", ""))
    where = f"{source}: {key or '(no key)'}"
    allowed = {"key", "ground", "effect", "label", "citations", "profile", "questions", "cues", "en", "fr", "not",
               "annex_i"}  # fmt: skip
    unknown = set(raw) - allowed
    if unknown:
        raise BankError(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("effect") not in EFFECTS:
        raise BankError(f"{where}: effect must be one of {EFFECTS}")
    cues = raw.get("cues") or {}
    require = cues.get("require")
    positives = _texts({lang: raw.get(lang) for lang in LANGS if raw.get(lang)}, where)
    if not positives:
        raise BankError(f"{where}: no descriptions")
    return Ground(
        key=key,
        ground=str(raw["ground"]),
        effect=str(raw["effect"]),
        label=dict(raw.get("label") or {}),
        citations=tuple(raw.get("citations") or (raw["ground"],)),
        profile=dict(raw.get("profile") or {}),
        questions=tuple(raw.get("questions") or ()),
        boosts=tuple(_cue(c, concepts, where) for c in cues.get("boost") or ()),
        blocks=tuple(_cue(c, concepts, where) for c in cues.get("block") or ()),
        require=_cue(require, concepts, where) if require else None,
        positives=positives,
        negatives=_texts(raw.get("not"), where),
        annex_i=raw.get("annex_i"),
    )


def _concepts(raw: Mapping[str, Iterable[str]]) -> dict[str, Concept]:
    out = {}
    for name, patterns in raw.items():
        try:
            out[name] = Concept(name, re.compile("|".join(f"(?:{p})" for p in patterns)))
        except re.error as exc:
            raise BankError(f"concepts.yaml: {name}: {exc}") from exc
    return out


@functools.cache
def load_bank() -> Bank:
    concepts = _concepts(_yaml("concepts.yaml"))
    grounds: list[Ground] = []
    for name in GROUND_FILES:
        grounds.extend(_ground(raw, concepts, name) for raw in _yaml(name))
    keys = [g.key for g in grounds]
    if len(set(keys)) != len(keys):
        raise BankError(f"duplicate ground keys: {sorted({k for k in keys if keys.count(k) > 1})}")
    minimal = _texts(_yaml("minimal.yaml"), "minimal.yaml")
    return Bank(tuple(grounds), minimal, concepts, {g.key: g for g in grounds})


def ground_order(grounds: Sequence[Ground]) -> dict[str, int]:
    return {g.key: i for i, g in enumerate(grounds)}
