"""The resolver: given the answers so far, the next question to ask, or the result (pure).

Goal-driven (docassemble style, STYLE.md 5): the interview walks the questions in their natural order
(`questions.yaml`: what is it → who are you → where → scope → prohibited practices → product safety →
use areas → derogation → transparency → GPAI → details) and asks a question only when its answer can
still change the assessment. Whether it can is decided by the rules engine itself: the resolver tries
each candidate answer of the question (and leaving it unanswered) on the profile the answers so far
make, and asks the question only if two of them lead to different assessments. "Different" means a
different risk class, grounds, Art. 50 duties, GPAI status, obligations (with their dates), deadlines or
penalties — or a different set of *other* facts that the assessment says could change the class (that
is how the joint effect of the location keys on the territorial scope is seen one question at a time).

So a question that cannot matter is never asked: no derogation question without an Annex III point, no
GPAI question for an AI system that is no GPAI, no follow-up on a product law that is not concerned.
Stages may also be skipped by risk class (`skip_if_class`): no classification question beyond Art. 5
for a prohibited practice. A question skipped early is asked later if a later answer makes it matter
(e.g. the place of establishment once a system turns out to be high-risk), so that when the interview
ends, no unanswered question could change the result on its own.

The walk is deterministic: answers are looked up, not replayed, so answers given to questions that
are never reached are ignored (and reported), and "back" is removing the last asked question's answer.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict

from aidesk.rules.engine import assess, today_in_brussels
from aidesk.rules.model import Assessment
from aidesk.rules.profile import Profile, ProfileError, profile_from_data
from aidesk.rules.questionnaire.answers import (
    UNKNOWN,
    Answer,
    AnswerError,
    coerce_all,
    get_path,
    profile_data,
)
from aidesk.rules.questionnaire.bank import LANGS, Bank, QuestionDef, load_bank
from aidesk.rules.regimes import DEFAULT_REGIME, load_regime
from aidesk.rules.vocab import EU_MEMBER_STATES

# --- what the interview shows ----------------------------------------------------------------------------


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_View):
    key: str
    label: str


class Progress(_View):
    asked: int  # questions answered so far on the way here
    stage: str
    stage_label: str
    stage_number: int  # 1-based
    stages: int
    percent: int


class Question(_View):
    """A question to ask, in one language: what a terminal, a web form or an API client needs."""

    id: str
    stage: str
    kind: str
    text: str
    help: str
    options: list[Option]
    citations: list[str]
    sets: list[str]
    allow_unknown: bool
    min_selected: int
    progress: Progress
    can_go_back: bool
    lang: str


@dataclass(frozen=True)
class Result:
    """The end of an interview: the profile the answers make and the engine's assessment of it."""

    profile: Profile
    assessment: Assessment
    answers: dict[str, Answer]  # the answers used, in the order asked
    asked: tuple[str, ...]
    unknown: tuple[str, ...]  # questions answered "I don't know"
    ignored: tuple[str, ...]  # answers to questions the interview did not reach


# --- the engine as an oracle -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Sig:
    risk_class: str
    core: tuple[Any, ...]
    open: frozenset[str]  # fields whose answer, the assessment says, could change the class
    asked: frozenset[str]  # every field the assessment lists among its open questions


def _key(data: Mapping[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


@functools.lru_cache(maxsize=65536)
def _signature(key: str, regime: str, as_of: date) -> _Sig | None:
    """What of an assessment an answer can change (None: the answers make no valid profile)."""
    try:
        profile = profile_from_data(json.loads(key))
    except ProfileError:
        return None
    a = assess(profile, regime, as_of, "en")
    core = (
        a.in_scope,
        a.risk_class,
        tuple(a.prohibited_practices),
        tuple(a.high_risk_grounds),
        tuple(a.transparency_obligations),
        (a.gpai.is_gpai_model, a.gpai.systemic_risk),
        tuple((o.id, o.role, tuple(o.citations), o.applies_from) for o in a.obligations),
        tuple((d.date, tuple(d.citations)) for d in a.deadlines),
        tuple((p.max_eur, p.max_turnover_pct, tuple(p.citations)) for p in a.penalties),
    )
    return _Sig(
        a.risk_class,
        core,
        frozenset(q.field for q in a.open_questions if q.could_change_to),
        frozenset(q.field for q in a.open_questions),
    )


def _dates(value: object) -> Iterable[date]:
    if isinstance(value, date):
        yield value
    elif isinstance(value, Mapping):
        for v in value.values():
            yield from _dates(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _dates(v)


@functools.cache
def _probe_dates(regime: str) -> tuple[str, ...]:
    """The day before and the day of every date in the regime: where a date answer can make a difference."""
    reg = load_regime(regime)
    found = {d for name in reg.history for d in _dates(reg.value(name))}
    return tuple(sorted({x.isoformat() for d in found for x in (d - timedelta(days=1), d)}))


@functools.cache
def _probe_numbers(regime: str, param: str) -> tuple[float, ...]:
    """A threshold and ten times it (the rules compare with `greater than`)."""
    value = load_regime(regime).value(param)
    numbers = [v for v in (value.values() if isinstance(value, Mapping) else [value]) if _is_number(v)]
    return tuple(x for n in numbers for x in (float(n), float(n) * 10))


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


_COUNTRY_PROBES = (min(EU_MEMBER_STATES), "US")


# --- one interview --------------------------------------------------------------------------------------


@dataclass
class _Interview:
    bank: Bank
    regime: str
    as_of: date
    answers: dict[str, Answer]
    extras: dict[str, Answer] = field(default_factory=dict)  # answers to one-key questions (flow: false)
    state: dict[str, Answer] = field(default_factory=dict)  # answers used so far, in the order asked

    def data(self, trial: Mapping[str, Answer] | None = None, probe: str | None = None) -> dict[str, Any]:
        answers = {**self.state, **self.extras, **(trial or {})}
        return profile_data(self.bank, answers, probe)

    def sig(self, data: Mapping[str, Any]) -> _Sig | None:
        return _signature(_key(data), self.regime, self.as_of)

    def visible_options(self, q: QuestionDef, data: Mapping[str, Any]) -> list[str]:
        keys = [o.key for o in q.options]
        if q.field == "prohibited_exceptions":
            # Only the exceptions to a practice the system engages in (the regime says which practice
            # each exception excepts).
            reg = load_regime(self.regime)
            practices = set(data.get("prohibited_practices") or [])
            keys = [k for k in keys if reg.value(f"exception.{k}")["excepts"] in practices]
        return keys

    def candidates(self, q: QuestionDef, data: Mapping[str, Any]) -> list[Answer]:
        if q.kind == "yes_no":
            return [True, False]
        if q.kind == "single":
            return list(self.visible_options(q, data))
        if q.kind == "multi":
            return [(), *((k,) for k in self.visible_options(q, data))]
        if q.kind == "number":
            return list(_probe_numbers(self.regime, q.probe_param)) if q.probe_param else [0.0, 1e30]
        if q.kind == "date":
            return list(_probe_dates(self.regime))
        if q.kind == "country":
            return list(_COUNTRY_PROBES)
        return []

    def relevant(self, q: QuestionDef) -> bool:
        """Whether two answers to `q` (or leaving it unanswered) lead to different assessments."""
        own = frozenset(q.sets)
        base = self.data(probe=q.id)
        if q.if_open:
            sig = self.sig(base)
            if sig is None or not own & sig.asked:
                return False
        seen: tuple[Any, ...] | None = None
        for candidate in [None, *self.candidates(q, base)]:
            data = base if candidate is None else self.data({q.id: candidate}, probe=q.id)
            sig = self.sig(data)
            if sig is None:
                continue
            view = (sig.core, sig.open - own)
            if seen is None:
                seen = view
            elif view != seen:
                return True
        return False

    def askable(self, q: QuestionDef, risk_class: str) -> bool:
        if risk_class in self.bank.stage_by_id[q.stage].skip_if_class:
            return False
        data = self.data() if any(not ref.startswith("q_") for ref in q.ask_if) else {}
        for ref, value in q.ask_if.items():
            if not ref.startswith("q_"):
                if get_path(data, ref) != value:
                    return False
                continue
            answer = self.state.get(ref)
            if answer is None or answer == UNKNOWN:
                return False
            if value not in (answer if isinstance(answer, tuple) else (str(answer),)):
                return False
        return True

    def current_class(self) -> str:
        sig = self.sig(self.data())
        if sig is None:
            self._explain_invalid()
        assert sig is not None
        return sig.risk_class

    def _explain_invalid(self) -> None:
        try:
            profile_from_data(self.data())
        except ProfileError as exc:
            fields = [p.path.split("[")[0] for p in exc.problems]
            culprit = next(
                (
                    qid
                    for qid in reversed([*self.state, *self.extras])
                    if any(
                        f == s or f.startswith(s + ".") or s.startswith(f + ".")
                        for f in fields
                        for s in self.bank.by_id[qid].sets
                    )
                ),
                next(reversed([*self.state, *self.extras]), "answers"),
            )
            raise AnswerError(culprit, "; ".join(p.message for p in exc.problems)) from None

    def next(self) -> QuestionDef | None:
        """The first question, in order, that can still change the assessment (None: nothing can)."""
        risk_class = self.current_class()
        for q in self.bank.flow:
            if q.id in self.state or not self.askable(q, risk_class):
                continue
            if q.always or self.relevant(q):
                return q
        return None

    def walk(self) -> QuestionDef | None:
        """Use the answers given, question by question; stop at the first question without one."""
        self.extras = {k: v for k, v in self.answers.items() if not self.bank.by_id[k].flow}
        while True:
            q = self.next()
            if q is None or q.id not in self.answers:
                return q
            self.state[q.id] = self.answers[q.id]


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")


def render(
    q: QuestionDef,
    lang: str,
    asked: int = 0,
    data: Mapping[str, Any] | None = None,
    regime: str = DEFAULT_REGIME,
) -> Question:
    """A question in one language, with its options (only those that apply to `data`) and progress."""
    _check_lang(lang)
    bank = load_bank()
    t = bank.text(q.id, lang)
    keys = [o.key for o in q.options]
    if data is not None:
        keys = _Interview(bank, regime, date.today(), {}).visible_options(q, data)
    index = bank.stage_index[q.stage]
    return Question(
        id=q.id,
        stage=q.stage,
        kind=q.kind,
        text=t.text,
        help=t.help,
        options=[Option(key=k, label=t.options[k]) for k in keys],
        citations=list(q.citations),
        sets=list(q.sets),
        allow_unknown=q.unknown,
        min_selected=q.min,
        progress=Progress(
            asked=asked,
            stage=q.stage,
            stage_label=bank.stage_labels[lang][q.stage],
            stage_number=index + 1,
            stages=len(bank.stages),
            percent=round(100 * index / len(bank.stages)),
        ),
        can_go_back=asked > 0,
        lang=lang,
    )


def question(qid: str, lang: str = "en") -> Question:
    """Any question by id (e.g. one named by an assessment's open question), in one language."""
    q = load_bank().by_id.get(qid)
    if q is None:
        raise KeyError(qid)
    return render(q, lang)


def resolve(
    answers: Mapping[str, object],
    lang: str = "en",
    regime: str = DEFAULT_REGIME,
    as_of: date | None = None,
) -> tuple[Question | Result, tuple[str, ...]]:
    """`next_question`, with the ids of the questions answered on the way (in the order asked)."""
    _check_lang(lang)
    bank = load_bank()
    load_regime(regime)  # unknown regime: fail before any work
    when = as_of or today_in_brussels()
    interview = _Interview(bank, regime, when, coerce_all(bank, answers))
    q = interview.walk()
    asked = tuple(interview.state)
    if q is not None:
        return render(q, lang, len(asked), interview.data(), regime), asked
    used = {**interview.state, **interview.extras}
    try:
        profile = profile_from_data(interview.data())
    except ProfileError:  # pragma: no cover - the walk has checked the same data
        interview._explain_invalid()
        raise
    result = Result(
        profile=profile,
        assessment=assess(profile, regime, when, lang),
        answers=used,
        asked=asked,
        unknown=tuple(k for k, v in used.items() if v == UNKNOWN),
        ignored=tuple(k for k in interview.answers if k not in used),
    )
    return result, asked


def next_question(
    answers: Mapping[str, object],
    lang: str = "en",
    regime: str = DEFAULT_REGIME,
    as_of: date | None = None,
) -> Question | Result:
    """The next question to ask given the answers so far (question id -> answer), or the result.

    Raises `AnswerError` (one line, naming the question) for an answer that does not fit its question
    or that contradicts another answer."""
    return resolve(answers, lang, regime, as_of)[0]


def previous(
    answers: Mapping[str, object], regime: str = DEFAULT_REGIME, as_of: date | None = None
) -> dict[str, object]:
    """Back: the answers without the one to the last question asked (unchanged at the first question)."""
    _, asked = resolve(answers, "en", regime, as_of)
    if not asked:
        return dict(answers)
    return {k: v for k, v in answers.items() if k != asked[-1]}


__all__ = [
    "Option",
    "Progress",
    "Question",
    "Result",
    "next_question",
    "previous",
    "question",
    "render",
    "resolve",
]
