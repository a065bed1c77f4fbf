"""Triage: a plain-language description in, a likely classification out (SPEC §5, issue 7).

How a description is scored, ground by ground (the grounds and their texts are `bank/*.yaml`):

1. Dense evidence: the description is embedded once (multilingual e5, "query: "); its similarity to the
   ground's own descriptions (mean of the best two) is compared with the best explanation that it is *not*
   that ground — the ground's carve-outs (`not:`) or ordinary, unregulated AI uses (`minimal.yaml`, mean of
   the best three). The margin, scaled, is the dense term.
2. Lexical evidence: named concepts found in the text (`concepts.yaml`, EN and FR) add the ground's boosts,
   subtract its blocks (the carve-outs again: fraud detection for credit scoring, 1:1 verification for
   remote identification, a medical or safety purpose for emotion recognition at work) and a penalty when
   what the ground requires is absent (emotion recognition *and* a workplace or school for Art. 5(1)(f)).
   A concept the text negates ("does not identify anyone") is absent.
3. score = logistic(dense + lexical + bias), with a bonus for the ground the text is closest to — except
   for prohibitions, exclusions and Annex I products whose required concepts are absent: their conditions
   are specific and must be stated. A candidate is confident at 0.5.
4. GPAI models: the Art. 51(2) presumption is a fact, so `Art. 51(2)` needs a compute figure above 10^25
   FLOP (read from the text) or words saying the model is above the threshold.

The class is never decided here: the confident candidates become a draft profile, and the rules engine
classifies it, so `risk_class` follows the engine's precedence (out_of_scope > prohibited > high_risk >
transparency > minimal; GPAI models apart). When nothing is confident, or the text says too little, the
answer is `minimal` with `confidence: low` and the questions that would settle it. Triage proposes; the
questionnaire confirms.

Without the embedding model (`AIDESK_EMBED_MODEL=off`, or it cannot load) triage runs on the lexical cues
alone and says so in `notes`.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from aidesk.desk.triage import TriageError
from aidesk.desk.triage.bank import Bank, Ground, fold, load_bank
from aidesk.desk.triage.questions import DESCRIPTION_QUESTION, question

if TYPE_CHECKING:
    from aidesk.rules.profile import Profile

# --- calibration (see docs/benchmarks.md, section Triage) --------------------------------------------------
# Chosen by a grid search on our own labelled descriptions (tests/triage/cases.yaml and probe sets written
# for the purpose), never on the development set, which only checks the result.
DENSE_SCALE = 40.0  # e5 similarities are compressed: a margin of 0.05 is strong evidence
# A negative margin means a carve-out or an ordinary AI use explains the text better than the ground does:
# evidence against it, weighed more than the same margin in favour, so that keywords alone cannot carry a
# ground the meaning of the text contradicts ("premiums" of a car insurer are not workers' bonuses).
NEG_DENSE_EXTRA = 40.0
TOP_BONUS = 1.0  # the ground whose descriptions the text is closest to, relative to the references
BIAS = -0.6
LEXICAL_BIAS = -0.5  # lexical-only mode
TOP_K = 2  # a ground's similarity: mean of its best TOP_K descriptions
NULL_K = 3  # the "ordinary AI" reference: mean of the best NULL_K minimal descriptions
CONFIDENT = 0.5
HIGH = 0.8
NEAR = 0.3  # a heavier ground this close to the threshold keeps the confidence at medium
MIN_WORDS = 4  # fewer words than this say too little to classify
MAX_QUERY_CHARS = 2000  # e5 reads about 512 tokens
MAX_DESCRIPTION_CHARS = 20000  # the profile's limit for `description`
MAX_CANDIDATES = 6
MAX_QUESTIONS = 6

RISK_CLASSES = (
    "out_of_scope",
    "prohibited",
    "high_risk",
    "transparency",
    "minimal",
    "gpai_model",
    "gpai_model_systemic",
)
# Grounds whose conditions are specific — prohibitions, exclusions, and Annex I products (a description of a
# lift names the lift) — do not get the bonus for being the closest ground when their required concepts
# are absent.
_STRICT = frozenset({"prohibited", "out_of_scope"})


def _strict(g: Ground) -> bool:
    return g.effect in _STRICT or g.annex_i is not None


# Weight of each class in the engine's precedence (higher wins), for "is a heavier class near?".
_WEIGHT = {"out_of_scope": 5, "prohibited": 4, "high_risk": 3, "transparency": 2, "minimal": 1,
           "gpai_model": 2, "gpai_model_systemic": 3}  # fmt: skip
_GENERAL_QUESTIONS = (
    "q_annex_iii",
    "q_prohibited_practices",
    "q_transparency_interacts_with_natural_persons",
    "q_transparency_generates_synthetic_content",
    "q_annex_i_legislation",
)


@dataclass(frozen=True)
class Scored:
    ground: Ground
    score: float
    dense: float | None  # the dense margin, before scaling (None without the model)
    cue: float

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT


@dataclass
class TriageResult:
    text: str
    lang: str
    risk_class: str
    confidence: str
    candidates: list[Scored]
    citations: dict[str, list[str]]  # ground citation -> citations shown
    questions: list[dict[str, Any]]
    draft_profile: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    mode: str = "dense+lexical"

    def to_json(self) -> dict[str, Any]:
        """Exactly the keys of SPEC §5."""
        return {
            "text": self.text,
            "risk_class": self.risk_class,
            "confidence": self.confidence,
            "candidates": [
                {
                    "ground": s.ground.ground,
                    "score": round(s.score, 3),
                    "citations": self.citations[s.ground.ground],
                }
                for s in self.candidates
            ],
            "questions": self.questions,
            "draft_profile": self.draft_profile,
        }


# --- GPAI compute, read from the text ----------------------------------------------------------------------

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_FLOP_PATTERNS = (
    re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:x|×|\*|·)\s*10\s*(?:\^|\*\*)?\s*\(?(\d{1,2})\)?"),
    re.compile(r"(?<![\w.])()10\s*(?:\^|\*\*)\s*\(?(\d{1,2})\)?"),
    re.compile(r"(\d+(?:\.\d+)?)[eE]\+?(\d{1,2})\b"),
)
_MORE_THAN = re.compile(
    r"(more than|over|above|exceed\w*|in excess of|greater than|beyond|plus de|au-dessus de|sup[ée]rieure? [àa]|d[ée]passant)\s*$",
    re.I,
)
_SYSTEMIC_WORDS = re.compile(
    r"\b(systemic[- ]risk|risque systemique|designated by the commission|designe par la commission"
    r"|(above|over|exceed\w*|beyond) the (\w+ )?(compute |flop |systemic[- ]risk )?threshold"
    r"|au-dessus du seuil|depass\w* le seuil)"
)


def training_compute(text: str) -> float | None:
    """The largest FLOP figure written in the text (3e25, 3 x 10^25, 10²⁵), if any."""
    flat = text.translate(_SUPERSCRIPT)
    flat = re.sub(
        r"10\s*([0-9]{2})\b(?=\s*(?:flop|flops|floating|op[eé]rations))", r"10^\1", flat, flags=re.I
    )
    found: list[float] = []
    for pattern in _FLOP_PATTERNS:
        for m in pattern.finditer(flat):
            mantissa = float(m.group(1).replace(",", ".")) if m.group(1) else 1.0
            exponent = int(m.group(2))
            if 15 <= exponent <= 35:
                # "more than 10^25": just above the figure (the presumption needs "greater than", Art. 51(2))
                above = _MORE_THAN.search(flat[max(0, m.start() - 25) : m.start()]) is not None
                found.append(float(f"{mantissa!r}e{exponent}") * (1.001 if above else 1.0))
    return max(found) if found else None


# --- the service --------------------------------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _topk_mean(values: npt.NDArray[np.float32], k: int) -> float:
    if values.size == 0:
        return -1.0
    if values.size <= k:
        return float(values.mean())
    return float(np.partition(values, -k)[-k:].mean())


class Triager:
    """Loads the bank (and, if it can, the embedding model and the bank's vectors) once; then `triage()`."""

    def __init__(self, regime: str | None = None, dense: bool = True) -> None:
        from aidesk.rules import DEFAULT_REGIME
        from aidesk.rules.regimes import load_regime

        self.regime = load_regime(regime or DEFAULT_REGIME)
        self.bank: Bank = load_bank()
        self.notes: list[str] = []
        self.embedder: Any = None
        self.matrix: npt.NDArray[np.float32] | None = None
        self._lock = threading.Lock()
        if dense:
            from aidesk.desk.dense import DenseUnavailable, load_embedder
            from aidesk.desk.triage.vectors import bank_matrix

            try:
                self.embedder = load_embedder()
                self.matrix, _ = bank_matrix(self.embedder, self.bank.passages())
            except DenseUnavailable as exc:
                self.notes.append(f"keyword cues only: {exc}")
                self.embedder = None
        else:
            self.notes.append("keyword cues only: dense scoring switched off")
        self._pos, self._neg, self._null = self.bank.layout()
        self._citations = {g.key: self._ground_citations(g) for g in self.bank.grounds}
        threshold = self.regime.value("gpai.systemic_risk_compute")
        self._systemic_flop = float(threshold["flop"])

    @property
    def mode(self) -> str:
        return "dense+lexical" if self.embedder is not None else "lexical"

    def _ground_citations(self, g: Ground) -> list[str]:
        cites = list(g.citations)
        if g.annex_i:
            cites[1:1] = [c for c in self.regime.param(f"annex_i.{g.annex_i}").citations if c not in cites]
        return cites

    # --- scoring -------------------------------------------------------------------------------------------

    def score(self, text: str) -> list[Scored]:
        """Every ground, scored, best first."""
        present = self.bank.present(text[:MAX_DESCRIPTION_CHARS])
        sims: npt.NDArray[np.float32] | None = None
        if self.embedder is not None and self.matrix is not None:
            with self._lock:  # the C engine is not documented as thread-safe
                q = self.embedder.query(" ".join(text[:MAX_QUERY_CHARS].split()))
            sims = self.matrix @ q
        null = _topk_mean(sims[self._null[0] : self._null[1]], NULL_K) if sims is not None else 0.0
        flop = training_compute(text)
        systemic_words = _SYSTEMIC_WORDS.search(fold(text)) is not None
        cues = [g.cue_score(present) + self._gpai_cue(g, flop, systemic_words) for g in self.bank.grounds]
        confirmed = [g.require is None or g.require.holds(present) for g in self.bank.grounds]
        if sims is None:
            out = [
                Scored(g, _sigmoid(cue + LEXICAL_BIAS), None, cue)
                for g, cue in zip(self.bank.grounds, cues, strict=True)
            ]
        else:
            margins = []
            for i in range(len(self.bank.grounds)):
                a, b = self._pos[i]
                c, d = self._neg[i]
                neg = float(sims[c:d].max()) if d > c else -1.0
                margins.append(_topk_mean(sims[a:b], TOP_K) - max(null, neg))
            best = max(margins)
            out = []
            for g, margin, cue, ok in zip(self.bank.grounds, margins, cues, confirmed, strict=True):
                top = margin == best and (ok or not _strict(g))
                z = (
                    DENSE_SCALE * margin
                    + NEG_DENSE_EXTRA * min(0.0, margin)
                    + (TOP_BONUS if top else 0.0)
                    + cue
                    + BIAS
                )
                out.append(Scored(g, _sigmoid(z), margin, cue))
        out.sort(key=lambda s: -s.score)
        return out

    def _gpai_cue(self, g: Ground, flop: float | None, systemic_words: bool) -> float:
        """The Art. 51(2) presumption is a number: a FLOP figure in the text decides between 51 and 51(2)."""
        if g.effect == "gpai_model_systemic":
            if flop is not None:
                return 3.0 if flop > self._systemic_flop else -3.0
            return 1.5 if systemic_words else -3.0  # a presumption needs its fact: a figure or the threshold
        if g.effect == "gpai_model" and flop is not None:
            return 1.0
        return 0.0

    # --- the answer ----------------------------------------------------------------------------------------

    def triage(self, text: str, lang: str | None = None, llm: bool | None = None) -> TriageResult:
        if not isinstance(text, str) or not text.strip():
            raise TriageError("empty description: describe the AI system in a sentence or more")
        from aidesk.desk.text import guess_lang

        lang = lang if lang in ("en", "fr") else guess_lang(text)
        notes = list(self.notes)
        scored = self.score(text)
        words = len(re.findall(r"\w+", text))
        short = words < MIN_WORDS
        if short:
            notes.append(
                f"not enough information: {words} word(s); describe what the system does and for whom"
            )
            scored = [Scored(s.ground, min(s.score, CONFIDENT - 0.01), s.dense, s.cue) for s in scored]
        mode = self.mode
        if not short:
            from aidesk.desk.triage.llm import llm_pick, llm_url

            url = llm_url() if llm is not False else None
            if url:
                picked, note = llm_pick(url, text, scored[:8], lang)
                if note:
                    notes.append(note)
                if picked is not None:
                    scored = _apply_pick(scored, picked)
                    mode += "+llm"
        confident = [s for s in scored if s.confident]
        draft, profile, risk_class = self._draft(text, confident)
        confidence = self._confidence(risk_class, scored, confident, short)
        candidates = self._candidates(scored, short)
        return TriageResult(
            text=text,
            lang=lang,
            risk_class=risk_class,
            confidence=confidence,
            candidates=candidates,
            citations={s.ground.ground: self._citations[s.ground.key] for s in candidates},
            questions=self._questions(scored, confident, short, lang, profile),
            draft_profile=draft,
            notes=notes,
            mode=mode,
        )

    def _candidates(self, scored: Sequence[Scored], short: bool) -> list[Scored]:
        """Best first, one per ground citation; at least three, more while they are worth a look."""
        out: list[Scored] = []
        seen: set[str] = set()
        for s in scored:
            if s.ground.ground in seen:
                continue
            if len(out) >= 3 and (s.score < 0.1 or len(out) >= MAX_CANDIDATES):
                break
            seen.add(s.ground.ground)
            out.append(s)
        return out

    def _confidence(
        self, risk_class: str, scored: Sequence[Scored], confident: Sequence[Scored], short: bool
    ) -> str:
        if short:
            return "low"
        if not confident:
            clear = self.embedder is not None and scored[0].score < 0.2
            return "medium" if clear and risk_class == "minimal" else "low"
        decisive = [s for s in confident if _class_of(s.ground) == risk_class]
        if not decisive:
            return "medium"
        heavier_near = any(
            NEAR <= s.score < CONFIDENT and _WEIGHT[_class_of(s.ground)] > _WEIGHT.get(risk_class, 0)
            for s in scored
        )
        return "high" if decisive[0].score >= HIGH and not heavier_near else "medium"

    def _questions(
        self, scored: Sequence[Scored], confident: Sequence[Scored], short: bool, lang: str, draft: Profile
    ) -> list[dict[str, Any]]:
        about: dict[str, list[str]] = {}
        if short or not confident:
            about[DESCRIPTION_QUESTION] = []
        focus = [s for s in scored if s.score >= NEAR][:4] or list(scored[:2])
        for s in focus:
            for qid in s.ground.questions:
                grounds = about.setdefault(qid, [])
                if s.ground.ground not in grounds:
                    grounds.append(s.ground.ground)
        if not confident:
            for qid in _GENERAL_QUESTIONS:
                about.setdefault(qid, [])
        return [question(qid, lang, grounds, draft) for qid, grounds in list(about.items())[:MAX_QUESTIONS]]

    def _draft(self, text: str, confident: Sequence[Scored]) -> tuple[dict[str, Any], Profile, str]:
        """A valid profile from the confident candidates, and the class the engine gives it."""
        from aidesk.rules.engine import classify
        from aidesk.rules.profile import ProfileError, profile_from_data

        flop = training_compute(text)
        systemic = any(s.ground.effect == "gpai_model_systemic" for s in confident)
        if flop is None and systemic and _SYSTEMIC_WORDS.search(fold(text)):
            flop = self._systemic_flop * 1.001  # "above the threshold": the figure is asked for (questions)
        data = draft_data(text, confident, flop)
        try:
            profile = profile_from_data(data)
        except ProfileError:  # pragma: no cover - the bank's patches are tested to validate
            data = {"name": data["name"], "description": data["description"]}
            profile = profile_from_data(data)
        return data, profile, classify(profile, self.regime).risk_class


def _class_of(g: Ground) -> str:
    return g.effect


def _apply_pick(scored: Sequence[Scored], picked: set[str]) -> list[Scored]:
    """LLM mode: the grounds it picked (among ours) become the confident ones; the others fall below."""
    out = []
    for s in scored:
        if s.ground.ground in picked:
            out.append(Scored(s.ground, max(s.score, CONFIDENT), s.dense, s.cue))
        else:
            out.append(Scored(s.ground, min(s.score, CONFIDENT - 0.01), s.dense, s.cue))
    out.sort(key=lambda s: -s.score)
    return out


# --- draft profile ------------------------------------------------------------------------------------------


def _name(text: str) -> str:
    first = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return (first[:77] + "...") if len(first) > 80 else first


def _merge(data: dict[str, Any], patch: dict[str, Any]) -> None:
    for key, value in patch.items():
        if isinstance(value, list):
            target = data.setdefault(key, [])
            target.extend(v for v in value if v not in target)
        elif isinstance(value, dict):
            part = data.setdefault(key, {})
            for k, v in value.items():
                part[k] = (part.get(k) or v) if isinstance(v, bool) else v
        else:
            data[key] = value


def draft_data(text: str, confident: Sequence[Scored], flop: float | None) -> dict[str, Any]:
    """The profile (as data) that the confident candidates describe; valid by construction."""
    data: dict[str, Any] = {"name": _name(text) or "AI system", "description": text[:MAX_DESCRIPTION_CHARS]}
    gpai = [s for s in confident if s.ground.effect.startswith("gpai")]
    system = [s for s in confident if not s.ground.effect.startswith("gpai")]
    exclusions = [s for s in system if s.ground.effect == "out_of_scope"]
    if gpai and (not system or gpai[0].score >= system[0].score):
        data["kind"] = "gpai_model"
        data["roles"] = ["provider"]
        model: dict[str, Any] = {}
        if flop is not None:
            model["training_compute_flop"] = flop
        if model:
            data["gpai_model"] = model
        kept = [e for e in exclusions if e.ground.key != "art_2_12"]  # Art. 2(12) is for systems (Art. 53(2))
        for s in kept:
            data.setdefault("exclusions", []).extend(s.ground.profile.get("exclusions", []))
        return data
    roles: list[str] = []
    annex_i_done = False
    for s in system:
        patch = dict(s.ground.profile)
        roles.extend(r for r in patch.pop("roles", []) if r not in roles)
        if s.ground.annex_i:
            if annex_i_done:
                continue
            annex_i_done = True
            patch["annex_i"] = {
                "legislation": s.ground.annex_i,
                "safety_component": True,
                "third_party_conformity_assessment": True,
            }
        _merge(data, patch)
    if any(s.ground.key == "art_2_10" for s in exclusions):
        roles = ["deployer"]  # Art. 2(10): a natural person using the system privately
    data["roles"] = roles or ["provider"]
    return data
