"""The rules engine: a profile and a regime in, an assessment out (SPEC §2).

Pure: no I/O beyond reading packaged data (importlib.resources), no web, database or CLI imports.

Each legal concept is one named rule (a function `_rule_*`, registered in `RULES` with the citations
that make it), recorded in the trace when it fires. Where the law states a default and exceptions
(Annex III → high-risk, except Art. 6(3), except profiling), the rule is written with `_decide`, which
fails loudly when two applicable exceptions conflict (STYLE.md 4).

Precedence (SPEC §2): for AI systems out_of_scope > prohibited > high_risk > transparency > minimal;
for GPAI models out_of_scope > gpai_model_systemic > gpai_model. `risk_class` does not depend on
`as_of`: dates live in `obligations[].applies_from` and `deadlines`.

Computed once, then reused: a batch assesses thousands of profiles that share most of their parts, and an
assessment costs a few tens of microseconds, so what does not depend on the whole profile is kept, per
regime and language (`_Memos`), by exactly the facts it depends on:
- a classification rule's decision, trace steps and notes, by the facts the rule is given: a rule run
  through `Classification.decide` is a pure function of its arguments (it reads neither the profile nor
  the classification so far), so its arguments are the key;
- the obligations owed, by roles in scope and high-risk status (`_owed_by`), then by the values of their
  conditions (`_plan`), then by their dates and `as_of` (`_Plan.obligations`);
- deadlines and what else follows from the dates, by plan and dates (`_dates`), with the grounds filled in
  per profile; the notes after the classification by their facts (`_notes`); penalties by the facts in
  `_penalties`;
- frozen output parts (trace steps, obligations, deadlines, open questions), shared by the assessments
  that have the same one.
tests/rules/test_engine_memos.py checks that the order in which the memos fill never changes a result.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from operator import attrgetter
from typing import Any, Generic, NamedTuple, TypeVar

from aidesk.rules.model import (
    Assessment,
    Deadline,
    Gpai,
    Obligation,
    OpenQuestion,
    Penalty,
    TraceStep,
)
from aidesk.rules.profile import Profile
from aidesk.rules.regimes import DEFAULT_REGIME, CatalogueEntry, Regime, load_catalogue, load_regime
from aidesk.rules.vocab import (
    ANNEX_III_POINTS,
    ARTICLE_6_3_CONDITIONS,
    EEA_EFTA_STATES,
    EU_MEMBER_STATES,
    Exclusion,
    Kind,
    Role,
)
from aidesk.rules.wording import messages

LANGS = ("en", "fr")
T = TypeVar("T")


class RuleConflict(RuntimeError):
    """Two exceptions to the same rule both apply and lead to different results: an error, not a pick."""


# --- the named rules and their citations (walked by aidesk.rules.all_citations) -------------------------

RULES: dict[str, tuple[str, ...]] = {
    "territorial_scope": ("Art. 2(1)",),
    "art_2_3_military_defence_national_security": ("Art. 2(3)",),
    "art_2_4_third_country_public_authorities": ("Art. 2(4)",),
    "art_2_6_scientific_research": ("Art. 2(6)",),
    "art_2_8_pre_market_research": ("Art. 2(8)",),
    "art_2_10_personal_non_professional": ("Art. 2(10)",),
    "art_2_12_free_open_source": ("Art. 2(12)",),
    "art_5_prohibited_practices": ("Art. 5(1)",),
    "art_5_exceptions": ("Art. 5(1)", "Art. 5(2)"),
    "art_6_1_annex_i_high_risk": ("Art. 6(1)",),
    "art_2_2_annex_i_section_b": ("Art. 2(2)",),
    "art_25_3_product_manufacturer": ("Art. 25(3)",),
    "annex_iii_high_risk": ("Art. 6(2)",),
    "art_6_3_derogation": ("Art. 6(3)",),
    "art_6_3_profiling_override": ("Art. 6(3)",),
    "art_50_1_disclosure": ("Art. 50(1)",),
    "art_50_2_marking": ("Art. 50(2)",),
    "art_50_3_information": ("Art. 50(3)",),
    "art_50_4_deep_fake": ("Art. 50(4)",),
    "art_50_4_public_interest_text": ("Art. 50(4)",),
    "art_51_systemic_risk": ("Art. 51(1)", "Art. 51(2)"),
    "art_53_2_open_source_exemption": ("Art. 53(2)",),
    "art_54_6_open_source_representative": ("Art. 54(6)",),
    "art_111_legacy": ("Art. 111(1)", "Art. 111(2)", "Art. 111(3)", "Art. 111(4)"),
    "art_99_penalties": ("Art. 99(3)", "Art. 99(4)", "Art. 99(5)", "Art. 99(6)"),
    "art_101_gpai_fines": ("Art. 101(1)",),
    "art_5_1_h_use_only": ("Art. 5(1)(h)", "Annex III 1(a)"),
    "gpai_classification": ("Art. 51(1)(a)", "Art. 51(1)(b)", "Art. 53(1)"),
    "classification": ("Art. 6(1)", "Art. 6(2)", "Art. 95(1)"),
}

_TRANSPARENCY = {
    "Art. 50(1)": "art_50_1_disclosure",
    "Art. 50(2)": "art_50_2_marking",
    "Art. 50(3)": "art_50_3_information",
    "Art. 50(4)": "art_50_4_deep_fake",
}
_ART_50_OF_KEY = {  # the paragraph a transparency key adds when true (see `_rule_transparency`)
    "interacts_with_natural_persons": "Art. 50(1)",
    "generates_synthetic_content": "Art. 50(2)",
    "emotion_recognition": "Art. 50(3)",
    "biometric_categorisation": "Art. 50(3)",
    "deep_fake": "Art. 50(4)",
    "public_interest_text": "Art. 50(4)",  # unless there is human editorial review
}
_PROVIDER_LIKE = (Role.provider.value, Role.product_manufacturer.value)
_ART_50_BY_ROLE = {
    "Art. 50(1)": "provider",
    "Art. 50(2)": "provider",
    "Art. 50(3)": "deployer",
    "Art. 50(4)": "deployer",
}


# --- default + labelled exceptions --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Exception_:
    """An exception to a rule's default: when `applies`, the result is `outcome`, unless another live
    exception lists this one in its `overrides`."""

    name: str
    applies: bool
    outcome: bool
    overrides: tuple[str, ...] = ()


def _decide(rule: str, default: bool, exceptions: Iterable[Exception_]) -> tuple[bool, Exception_ | None]:
    live = [e for e in exceptions if e.applies]
    winners = [e for e in live if not any(e.name in other.overrides for other in live)]
    if len({e.outcome for e in winners}) > 1:
        names = ", ".join(e.name for e in winners)
        raise RuleConflict(f"{rule}: exceptions {names} both apply and conflict")
    if winners:
        return winners[0].outcome, winners[0]
    return default, None


# --- memos ---------------------------------------------------------------------------------------------


class _Memo(dict[Any, Any]):
    """Results by key, emptied when full: a batch meets few keys, a long-running server may meet many."""

    __slots__ = ("size",)

    def __init__(self, size: int = 4096) -> None:
        super().__init__()
        self.size = size

    def keep(self, key: Hashable, value: T) -> T:
        if len(self) >= self.size:
            self.clear()
        self[key] = value
        return value


class _Outcome(NamedTuple, Generic[T]):
    """A rule's decision, with the trace steps and notes it gave."""

    decided: T
    steps: tuple[TraceStep, ...]
    notes: tuple[str, ...]


class _Record:
    """Where a rule gives its trace steps and notes, in the assessment's language (see `_Memos.outcome`)."""

    __slots__ = ("lang", "notes", "reg", "steps", "words")

    def __init__(self, reg: Regime, lang: str, words: Mapping[str, str]) -> None:
        self.reg, self.lang, self.words = reg, lang, words
        self.steps: list[TraceStep] = []
        self.notes: list[str] = []

    def say(self, msg: str, **values: Any) -> str:
        """Message `msg` in the assessment's language, its placeholders filled with `values`."""
        return self.words[msg].format(**values)

    def step(self, rule: str, msg: str, citations: Iterable[str] | None = None, **values: Any) -> None:
        """Record that `rule` fired, with the result worded by message `msg`."""
        result = self.words[msg].format(**values)
        self.steps.append(_trace_step(rule, result, tuple(citations or RULES[rule])))

    def note(self, msg: str, **values: Any) -> None:
        """Add the note worded by message `msg` (once)."""
        self.note_text(self.words[msg].format(**values))

    def note_text(self, text: str) -> None:
        """Add a note already in the assessment's language (e.g. a regime's `note_in(lang)`), once; none if empty."""
        if text and text not in self.notes:
            self.notes.append(text)


class _Memos:
    """What the engine keeps for one regime in one language (with the regime: see `_memos`)."""

    def __init__(self, reg: Regime, lang: str) -> None:
        self.reg = reg
        self.lang = lang
        self.words = messages()[lang]
        self.regime_version = reg.version
        self.dates: dict[str, date] = {}  # `regime_date`
        self.outcomes = _Memo(16384)  # rule outcomes, by (rule, facts)
        self.tables = _Memo()  # `_owed_by`
        self.penalties = _Memo()  # `_penalties`
        self.banned = _Memo()  # `_prohibited_obligations`
        # The items of the tables (`_owed_by`), shared by the tables that have the same one, with the
        # obligations each has made: a few hundred at most, as many as entries of the catalogue and owners.
        self.planned: dict[tuple[str, str, tuple[str, ...]], _Planned] = {}
        self.questions = _Memo()  # `_question`
        self.plans = _Memo()  # `_plan`, by items
        self.undelayed: dict[str, _Dated] = {}  # `_date_of`: an entry's date when no legacy rule delays it

    def regime_date(self, name: str) -> date:
        """The regime's date parameter `name` (a regime is immutable)."""
        made = self.dates.get(name)
        if made is None:
            made = self.dates[name] = self.reg.date(name)
        return made

    def outcome(self, rule: Callable[..., T], facts: tuple[Hashable, ...]) -> _Outcome[T]:
        """`rule(*facts, record)`: its decision and what it said, computed once per distinct `facts`.

        Valid for the rules given here because each is a pure function of its facts, the regime and the
        language: it reads nothing else (not the profile, not the classification so far).
        """
        key = (rule, facts)
        made: _Outcome[T] | None = self.outcomes.get(key)
        if made is None:
            record = _Record(self.reg, self.lang, self.words)
            decided = rule(*facts, record)
            made = self.outcomes.keep(key, _Outcome(decided, tuple(record.steps), tuple(record.notes)))
        return made


def _memos(reg: Regime, lang: str) -> _Memos:
    key = ("engine", lang)
    made: _Memos | None = reg.memo.get(key)
    if made is None:
        made = reg.memo[key] = _Memos(reg, lang)
    return made


# Output parts are frozen models: one instance serves every assessment that has the same part (validating
# a new one for each is a good part of the cost of an assessment). Bounded, for long-running servers.
_SHARED_SIZE = 8192
_trace_steps = _Memo(_SHARED_SIZE)  # (rule, result, citations) -> TraceStep


def _trace_step(rule: str, result: str, citations: tuple[str, ...]) -> TraceStep:
    key = (rule, result, citations)
    made: TraceStep | None = _trace_steps.get(key)
    if made is None:
        made = _trace_steps.keep(key, TraceStep(step=rule, result=result, citations=list(citations)))
    return made


# --- classification ------------------------------------------------------------------------------------


class Classification:
    """Everything decided about the system before obligations: the facts the obligations depend on.

    The decisions start at the defaults below, which the rules replace (never extend); the trace and the
    notes are the classification's own.
    """

    roles: tuple[str, ...] = ()  # roles in scope
    in_scope: bool = True
    scope_assumed: bool = False
    scope_certain: bool = False  # at least one role has a stated link to the Union
    established_in_eu: bool | None = None
    prohibited: tuple[tuple[str, str, date], ...] = ()  # (practice, citation, from)
    excepted: tuple[tuple[str, str], ...] = ()  # (practice, exception)
    rbi_exception: bool = False
    annex_i: Mapping[str, Any] | None = None
    annex_i_high_risk: bool = False
    annex_i_section_b: bool = False  # an Annex I Section B high-risk product (whatever Annex III says)
    section_b_only: bool = False
    annex_iii: tuple[str, ...] = ()  # high-risk Annex III points
    derogated: bool = False
    derogation_conditions: tuple[str, ...] = ()
    art50_system: tuple[str, ...] = ()
    art50_owed: tuple[str, ...] = ()
    gpai_presumption: bool = False
    gpai_systemic: bool = False
    gpai_open_exempt: bool = False
    risk_class: str = "minimal"

    def __init__(self, m: _Memos, quiet: bool = False) -> None:
        self.m = m  # the regime and the language, with what is computed once for them
        self.quiet = quiet  # a what-if (open questions): the decisions only, no trace, no notes
        self.lang = m.lang
        self.words = m.words  # the messages in `lang`
        self.trace: list[TraceStep] = []
        self.notes: list[str] = []

    def decide(self, rule: Callable[..., T], *facts: Hashable) -> T:
        """`rule(*facts, record)`'s decision; what it said goes to the trace and the notes (not in a what-if).

        Computed once per distinct `facts` (`_Memos.outcome`).
        """
        said: _Outcome[T] | None = self.m.outcomes.get((rule, facts))
        if said is None:
            said = self.m.outcome(rule, facts)
        if not self.quiet:
            if said.steps:
                self.trace.extend(said.steps)
            notes = self.notes
            for text in said.notes:
                if text not in notes:
                    notes.append(text)
        return said.decided

    def say(self, msg: str, **values: Any) -> str:
        """Message `msg` in the assessment's language, its placeholders filled with `values`."""
        return self.words[msg].format(**values)

    def step(self, rule: str, msg: str, citations: Iterable[str] | None = None, **values: Any) -> None:
        """Record that `rule` fired, with the result worded by message `msg`."""
        if not self.quiet:
            result = self.words[msg].format(**values)
            self.trace.append(_trace_step(rule, result, tuple(citations or RULES[rule])))

    def note(self, msg: str, **values: Any) -> None:
        """Add the note worded by message `msg` (once)."""
        if not self.quiet:
            self.note_text(self.words[msg].format(**values))

    def note_text(self, text: str) -> None:
        """Add a note already in the assessment's language (e.g. a regime's `note_in(lang)`), once; none if empty."""
        if text and not self.quiet and text not in self.notes:
            self.notes.append(text)

    def what_if(self) -> Classification:
        """A quiet copy, for a what-if that re-runs only the rules from some point on: those rules replace
        the decisions they make, so a shallow copy is enough."""
        alt = object.__new__(Classification)
        alt.__dict__.update(self.__dict__)
        alt.quiet = True
        return alt

    @property
    def high_risk(self) -> bool:
        """High-risk with the full Chapter III regime (not only the Art. 2(2) provisions)."""
        return bool(self.annex_iii) or (self.annex_i_high_risk and not self.section_b_only)

    @property
    def grounds(self) -> list[str]:
        out = ["Art. 6(1)"] if self.annex_i_high_risk else []
        return out + [f"Annex III {p}" for p in self.annex_iii]


def _established(stated: bool | None, country: str | None, r: _Record) -> bool | None:
    if stated is not None:
        if country is not None and stated and country not in EU_MEMBER_STATES:
            r.note("established.country_not_eu", country=country)
        if country is not None and not stated and country in EU_MEMBER_STATES:
            r.note("established.country_eu", country=country)
        return stated
    if country is None:
        return None
    inferred = country in EU_MEMBER_STATES
    r.note("established.inferred", value="true" if inferred else "false", country=country)
    if country in EEA_EFTA_STATES:
        r.note("established.eea_efta", country=country)
    return inferred


def _link(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


class _Scope(NamedTuple):
    roles: tuple[str, ...]  # in scope
    in_scope: bool
    certain: bool  # at least one role has a stated link to the Union
    assumed: bool  # some role's link is not settled by the profile


def _rule_territorial_scope(
    model: bool,
    roles: tuple[Role, ...],
    placed_on_eu_market: bool | None,
    output_used_in_eu: bool | None,
    established_in_eu: bool | None,
    r: _Record,
) -> _Scope:
    est = established_in_eu
    links: dict[str, bool | None] = {}
    for role in roles:
        if role is Role.provider:
            links[role] = placed_on_eu_market if model else _link(placed_on_eu_market, output_used_in_eu)
        elif role is Role.deployer:
            links[role] = _link(est, output_used_in_eu)
        elif role is Role.product_manufacturer:
            links[role] = placed_on_eu_market
        else:  # importers, distributors (2(1)(d)), authorised representatives (2(1)(f))
            links[role] = True
    if not roles:
        links["(unknown role)"] = _link(placed_on_eu_market, output_used_in_eu, est)
    in_scope = [role for role, v in links.items() if v is True]
    unknown = [role for role, v in links.items() if v is None]
    out = [role for role, v in links.items() if v is False]
    if not (in_scope or unknown):
        r.step("territorial_scope", "scope.out", ["Art. 2(1)"])
        return _Scope((), False, False, False)

    def names(rs: list[str]) -> str:
        return ", ".join(r.say("scope.unknown_role") if x == "(unknown role)" else x for x in rs)

    parts = []
    if in_scope:
        parts.append(r.say("scope.in", roles=names(in_scope)))
    if unknown:
        parts.append(r.say("scope.assumed", roles=names(unknown)))
        r.note("scope.assumed_note", roles=names(unknown))
    if out:
        parts.append(r.say("scope.not_as", roles=names(out)))
    r.steps.append(_trace_step("territorial_scope", "; ".join(parts), ("Art. 2(1)",)))
    in_scope_roles = tuple(x for x in (*in_scope, *unknown) if x != "(unknown role)")
    return _Scope(in_scope_roles, True, bool(in_scope), bool(unknown))


_WHOLLY_EXCLUDING: tuple[tuple[Exclusion, str], ...] = (
    (Exclusion.military_defence_national_security, "art_2_3_military_defence_national_security"),
    (Exclusion.third_country_public_authority_cooperation, "art_2_4_third_country_public_authorities"),
    (Exclusion.scientific_research_only, "art_2_6_scientific_research"),
    (Exclusion.pre_market_research_testing, "art_2_8_pre_market_research"),
)


def _rule_exclusions(p: Profile, c: Classification) -> None:
    for exclusion, rule in _WHOLLY_EXCLUDING:
        if exclusion in p.exclusions:
            c.in_scope = False
            c.step(rule, "exclusion.out", exclusion=exclusion.value)
    if Exclusion.third_country_public_authority_cooperation in p.exclusions and (
        p.organisation.country in EU_MEMBER_STATES
    ):
        c.note("exclusion.art_2_4_eu_country")
    if Exclusion.pre_market_research_testing in p.exclusions:
        c.note("exclusion.art_2_8_limits")
    if Exclusion.personal_non_professional in p.exclusions:
        if p.kind is Kind.gpai_model:
            c.note("exclusion.art_2_10_model")
        elif Role.deployer.value in c.roles:
            c.roles = tuple(r for r in c.roles if r != Role.deployer.value)
            if not c.roles and p.roles:
                c.in_scope = False
                c.step("art_2_10_personal_non_professional", "exclusion.art_2_10_out")
            else:
                c.step("art_2_10_personal_non_professional", "exclusion.art_2_10_other_roles")
            c.note("exclusion.art_2_10_natural_persons")
        else:
            c.note("exclusion.art_2_10_no_deployer")


class _Art5(NamedTuple):
    prohibited: tuple[tuple[str, str, date], ...]  # (practice, citation, from)
    excepted: tuple[tuple[str, str], ...]  # (practice, exception)
    rbi_exception: bool


def _rule_prohibited_practices(
    practices: tuple[str, ...], exceptions: tuple[str, ...], deployer: bool, no_roles: bool, r: _Record
) -> _Art5:
    """`deployer`: a deployer is among the roles in scope; `no_roles`: the profile names no role."""
    reg = r.reg
    prohibited: list[tuple[str, str, date]] = []
    excepted: list[tuple[str, str]] = []
    rbi_exception = False
    used_exceptions: set[str] = set()
    for practice in practices:
        name = f"practice.{practice}"
        if not reg.has(name):
            r.note("prohibited.not_in_regime_note", practice=practice, regime=reg.id)
            r.step(
                "art_5_prohibited_practices",
                "prohibited.not_in_regime",
                ["Art. 5(1)"],
                practice=practice,
                regime=reg.id,
            )
            continue
        version = reg.param(name)
        value = reg.value(name)
        citation = version.citations[0]
        rule_exceptions = []
        for exc in exceptions:
            ev = reg.value(f"exception.{exc}")
            if ev["excepts"] == practice:
                rule_exceptions.append(Exception_(exc, True, False))
                used_exceptions.add(exc)
        use_only = value["acts"] == ["use"]
        deploys = deployer or no_roles
        rule_exceptions.append(Exception_("use_only_prohibition", use_only and not deploys, False))
        is_prohibited, winner = _decide(f"Art. 5 {citation}", True, rule_exceptions)
        if is_prohibited:
            prohibited.append((practice, citation, value["applies_from"]))
            r.step("art_5_prohibited_practices", "prohibited.prohibited", [citation], practice=practice)
            note = version.note_in(r.lang)
            if note:
                r.note("prohibited.regime_note", citation=citation, note=note)
        elif winner is not None and winner.name == "use_only_prohibition":
            r.step(
                "art_5_prohibited_practices",
                "prohibited.use_only",
                [citation],
                practice=practice,
                citation=citation,
            )
            r.note("prohibited.use_only_note", citation=citation)
        else:
            assert winner is not None
            exc_citations = list(reg.param(f"exception.{winner.name}").citations)
            excepted.append((practice, winner.name))
            r.step(
                "art_5_exceptions",
                "prohibited.excepted",
                exc_citations,
                practice=practice,
                exception=winner.name,
            )
            if reg.value(f"exception.{winner.name}").get("safeguards"):
                if deployer:
                    rbi_exception = True
                r.note("prohibited.rbi_safeguards")
    for exc in exceptions:
        if exc not in used_exceptions:
            excepts = reg.value(f"exception.{exc}")["excepts"]
            r.note("prohibited.unused_exception", exception=exc, excepts=excepts)
    if not practices:
        r.step("art_5_prohibited_practices", "prohibited.none", ["Art. 5(1)"])
    return _Art5(tuple(prohibited), tuple(excepted), rbi_exception)


class _Art6_1(NamedTuple):
    annex_i: Mapping[str, Any] | None  # the Annex I act's entry
    high_risk: bool
    section_b: bool  # an Annex I Section B high-risk product


def _rule_annex_i(
    legislation: str | None,
    safety_component: bool | None,
    third_party_conformity_assessment: bool | None,
    r: _Record,
) -> _Art6_1:
    reg = r.reg
    test = list(reg.param("annex_i.safety_component_test").citations)
    if legislation is None:
        if safety_component or third_party_conformity_assessment:
            r.note("annex_i.no_legislation")
        return _Art6_1(None, False, False)
    version = reg.param(f"annex_i.{legislation}")
    entry = dict(reg.value(f"annex_i.{legislation}"))
    entry["citation"] = version.citations[0]
    entry["legislation"] = legislation
    r.note_text(version.note_in(r.lang) or "")
    if safety_component and third_party_conformity_assessment:
        r.step(
            "art_6_1_annex_i_high_risk",
            "annex_i.high_risk",
            ["Art. 6(1)", entry["citation"], *test],
            act=entry["act"],
        )
        return _Art6_1(entry, True, entry["section"] == "B")
    given = {
        "safety_component": safety_component,
        "third_party_conformity_assessment": third_party_conformity_assessment,
    }
    missing = [k for k, v in given.items() if v is not True]
    r.step(
        "art_6_1_annex_i_high_risk",
        "annex_i.not_high_risk",
        ["Art. 6(1)", entry["citation"], *test],
        missing=r.words["annex_i.and"].join(missing),
    )
    return _Art6_1(entry, False, False)


class _Art63(NamedTuple):
    """The `article_6_3` keys the rules read, as a memo key (`_art_6_3` reads them off a profile)."""

    narrow_procedural_task: bool
    improves_prior_human_activity: bool
    detects_patterns_without_replacing_human_assessment: bool
    preparatory_task: bool
    profiling_of_natural_persons: bool


_art_6_3 = attrgetter(*_Art63._fields)
assert _Art63._fields[:4] == ARTICLE_6_3_CONDITIONS


class _Art6_2(NamedTuple):
    annex_iii: tuple[str, ...]  # high-risk Annex III points
    derogated: bool
    conditions: tuple[str, ...]  # the Art. 6(3) conditions of a derogation


def _rule_annex_iii(points: tuple[str, ...], article_6_3: tuple[bool, ...], r: _Record) -> _Art6_2:
    if not points:
        return _Art6_2((), False, ())
    a = _Art63._make(article_6_3)
    conditions = tuple(k for k in ARTICLE_6_3_CONDITIONS if getattr(a, k))
    condition_citations = [r.reg.param(f"art_6_3.{k}").citations[0] for k in conditions]
    high_risk, winner = _decide(
        "Art. 6(2)/6(3)",
        True,
        [
            Exception_("art_6_3_derogation", bool(conditions), False),
            Exception_(
                "art_6_3_profiling_override", a.profiling_of_natural_persons, True, ("art_6_3_derogation",)
            ),
        ],
    )
    if winner is not None and winner.name == "art_6_3_derogation":
        r.step(
            "art_6_3_derogation",
            "annex_iii.derogated",
            ["Art. 6(3)", *condition_citations],
            points=", ".join(points),
            conditions=", ".join(conditions),
        )
        r.note("annex_iii.derogation_note")
        return _Art6_2((), True, conditions)
    assert high_risk
    if a.profiling_of_natural_persons:
        r.step(
            "art_6_3_profiling_override",
            "annex_iii.profiling_overrides" if conditions else "annex_iii.profiling_no_derogation",
            ["Art. 6(3)", *condition_citations],
        )
    r.step(
        "annex_iii_high_risk",
        "annex_iii.high_risk",
        ["Art. 6(2)", *(f"Annex III {pt}" for pt in points)],
        points=", ".join(points),
    )
    return _Art6_2(points, False, ())


class _Transparency(NamedTuple):
    """The `transparency` keys, as a memo key (`_transparency` reads them off a profile)."""

    interacts_with_natural_persons: bool
    generates_synthetic_content: bool
    emotion_recognition: bool
    biometric_categorisation: bool
    deep_fake: bool
    public_interest_text: bool
    human_editorial_review: bool


_transparency = attrgetter(*_Transparency._fields)


class _Art50(NamedTuple):
    system: tuple[str, ...]  # the Art. 50 paragraphs of the system
    owed: tuple[str, ...]  # those owed by a role in scope


def _rule_transparency(
    transparency: tuple[bool, ...], provider_like: bool, deployer: bool, r: _Record
) -> _Art50:
    """`provider_like`: a provider or product manufacturer is among the roles in scope; `deployer`: a deployer is."""
    # The open questions rely on each key adding one paragraph (`_ART_50_OF_KEY`): keep them in step.
    t = _Transparency._make(transparency)
    system: list[str] = []
    if t.interacts_with_natural_persons:
        system.append("Art. 50(1)")
    if t.generates_synthetic_content:
        system.append("Art. 50(2)")
    if t.emotion_recognition or t.biometric_categorisation:
        system.append("Art. 50(3)")
    deep_fake = t.deep_fake
    text = t.public_interest_text and not t.human_editorial_review
    if deep_fake or text:
        system.append("Art. 50(4)")
    if t.public_interest_text and t.human_editorial_review and not deep_fake:
        r.step("art_50_4_public_interest_text", "art_50.editorial_review", ["Art. 50(4)"])
    if t.human_editorial_review and not t.public_interest_text:
        r.note("art_50.editorial_review_unused")
    owed = tuple(
        cit
        for cit in system
        if (_ART_50_BY_ROLE[cit] == "provider" and provider_like)
        or (_ART_50_BY_ROLE[cit] == "deployer" and deployer)
    )
    for cit in system:
        rule = _TRANSPARENCY[cit]
        if cit == "Art. 50(4)" and not deep_fake:
            rule = "art_50_4_public_interest_text"
        who = r.say(f"art_50.{_ART_50_BY_ROLE[cit]}s")
        r.step(rule, "art_50.owed" if cit in owed else "art_50.not_owed", [cit], citation=cit, who=who)
    return _Art50(tuple(system), owed)


def _rule_annex_i_section_b(art_50_owed: bool, r: _Record) -> None:
    """Only the provisions listed in Art. 2(2) apply to an Annex I Section B product (not Art. 50)."""
    section_b = r.reg.param("annex_i.section_b_applicable")
    provisions = r.reg.value("annex_i.section_b_applicable")["provisions"]
    listed = ", ".join(provisions)
    r.step("art_2_2_annex_i_section_b", "annex_i.section_b", ["Art. 2(2)"], provisions=listed)
    note = section_b.note_in(r.lang)
    if note:
        r.note("annex_i.section_b_note_with", provisions=listed, note=note)
    else:
        r.note("annex_i.section_b_note", provisions=listed)
    if art_50_owed:
        r.note("annex_i.section_b_no_art_50")


class _Art51(NamedTuple):
    presumption: bool  # systemic risk presumed from the training compute
    systemic: bool
    open_exempt: bool  # the Art. 53(2) open-source exemption


def _rule_gpai(
    kind: Kind,
    training_compute_flop: float | None,
    designated_systemic_risk: bool,
    open_source: bool,
    free_open_source_excluded: bool,
    r: _Record,
) -> _Art51:
    """For a GPAI model or a GPAI system (`kind`); `free_open_source_excluded`: exclusions lists free_open_source."""
    threshold = r.reg.value("gpai.systemic_risk_compute")
    presumption = training_compute_flop is not None and training_compute_flop > threshold["flop"]
    systemic = presumption or designated_systemic_risk
    open_exempt = open_source and not systemic
    if presumption:
        r.step(
            "art_51_systemic_risk",
            "gpai.presumed",
            ["Art. 51(1)(a)", "Art. 51(2)"],
            flop=training_compute_flop,
            threshold=threshold["flop"],
        )
    elif designated_systemic_risk:
        r.step("art_51_systemic_risk", "gpai.designated", ["Art. 51(1)(b)"])
    else:
        r.step("art_51_systemic_risk", "gpai.no_systemic_risk", ["Art. 51(2)"])
    if kind is Kind.gpai_model:
        if open_source:
            if open_exempt:
                r.step("art_53_2_open_source_exemption", "gpai.open_source_exempt", ["Art. 53(2)"])
                r.step("art_54_6_open_source_representative", "gpai.no_representative", ["Art. 54(6)"])
            else:
                r.step("art_53_2_open_source_exemption", "gpai.open_source_not_exempt", ["Art. 53(2)"])
        if free_open_source_excluded:
            r.note("gpai.art_2_12_model")
    else:
        r.note("gpai.system")
    return _Art51(presumption, systemic, open_exempt)


def _rule_open_source_exclusion(p: Profile, c: Classification) -> None:
    if p.kind is Kind.gpai_model or Exclusion.free_open_source not in p.exclusions:
        return
    excluded, winner = _decide(
        "Art. 2(12)",
        True,
        [
            Exception_("high_risk", bool(c.annex_iii) or c.annex_i_high_risk, False),
            Exception_("article_5", bool(c.prohibited) or c.rbi_exception, False),
            Exception_("article_50", bool(c.art50_system), False),
        ],
    )
    if excluded:
        c.in_scope = False
        c.step("art_2_12_free_open_source", "open_source.out")
    elif not c.quiet:
        assert winner is not None
        reason = c.say(f"open_source.reason.{winner.name}")
        c.step("art_2_12_free_open_source", "open_source.not_applicable", reason=reason)


def classify(p: Profile, reg: Regime, quiet: bool = False, lang: str = "en") -> Classification:
    """Scope, exclusions, prohibitions, high-risk grounds, transparency, GPAI and the risk class.

    `quiet`: only the decisions, without trace or notes (for the what-ifs of the open questions);
    `lang`: the language of the trace and the notes.
    """
    return _classify(p, _memos(reg, lang), quiet)


def _classify(p: Profile, m: _Memos, quiet: bool = False) -> Classification:
    c = Classification(m, quiet)
    loc = p.location
    c.established_in_eu = c.decide(_established, loc.established_in_eu, p.organisation.country)
    c.roles, c.in_scope, c.scope_certain, c.scope_assumed = c.decide(
        _rule_territorial_scope,
        p.kind is Kind.gpai_model,
        tuple(p.roles),
        loc.placed_on_eu_market,
        loc.output_used_in_eu,
        c.established_in_eu,
    )
    if p.exclusions:
        _rule_exclusions(p, c)
    if not c.in_scope:
        c.risk_class = "out_of_scope"
        return c
    if p.kind is Kind.gpai_model:
        return _classify_from_art_50(p, _transparency(p.transparency), c)
    c.prohibited, c.excepted, c.rbi_exception = c.decide(
        _rule_prohibited_practices,
        tuple(p.prohibited_practices),
        tuple(p.prohibited_exceptions),
        "deployer" in c.roles,
        not p.roles,
    )
    a = p.annex_i
    annex_i = (a.legislation, a.safety_component, a.third_party_conformity_assessment)
    return _classify_from_annex_i(p, annex_i, _art_6_3(p.article_6_3), c)


def _classify_from_annex_i(
    p: Profile,
    annex_i: tuple[str | None, bool | None, bool | None],
    article_6_3: tuple[bool, ...],
    c: Classification,
) -> Classification:
    """The rules from Art. 6(1) on (high-risk, then `_classify_from_art_50`), for an AI system.

    The rules before them read neither `annex_i` nor `article_6_3`, so a what-if on those keys re-runs only
    this part, on a quiet copy of the classification (see `_reclassify_high_risk`).
    """
    c.annex_i, c.annex_i_high_risk, c.annex_i_section_b = c.decide(_rule_annex_i, *annex_i)
    c.annex_iii, c.derogated, c.derogation_conditions = c.decide(
        _rule_annex_iii, tuple(p.annex_iii), article_6_3
    )
    c.section_b_only = c.annex_i_section_b and not c.annex_iii  # Art. 2(2) unless an Annex III ground applies
    return _classify_from_art_50(p, _transparency(p.transparency), c)


def _classify_from_art_50(p: Profile, transparency: tuple[bool, ...], c: Classification) -> Classification:
    """The rules from Art. 50 on (transparency, GPAI, the Art. 2(12) exclusion) and the risk class.

    None of the rules before them reads `transparency`, and these only assign (never extend) the facts they
    decide, so a what-if on a transparency key re-runs only this part, on a quiet copy of the classification
    (see `_reclassify_transparency`).
    """
    kind = p.kind
    if kind is not Kind.gpai_model:
        roles = c.roles
        c.art50_system, c.art50_owed = c.decide(
            _rule_transparency,
            transparency,
            "provider" in roles or "product_manufacturer" in roles,
            "deployer" in roles,
        )
        if c.section_b_only:
            c.decide(_rule_annex_i_section_b, bool(c.art50_owed))
            c.art50_owed = ()
    if kind is not Kind.ai_system:
        g = p.gpai_model
        c.gpai_presumption, c.gpai_systemic, c.gpai_open_exempt = c.decide(
            _rule_gpai,
            kind,
            g.training_compute_flop,
            g.designated_systemic_risk,
            g.open_source,
            Exclusion.free_open_source in p.exclusions,
        )
    if p.exclusions:
        _rule_open_source_exclusion(p, c)
    if not c.in_scope:
        c.risk_class = "out_of_scope"
        c.prohibited, c.annex_iii, c.annex_i_high_risk, c.art50_owed = (), (), False, ()
        return c
    if kind is Kind.gpai_model:
        c.risk_class = "gpai_model_systemic" if c.gpai_systemic else "gpai_model"
    elif c.prohibited:
        c.risk_class = "prohibited"
    elif c.annex_iii or c.annex_i_high_risk:
        c.risk_class = "high_risk"
    elif c.art50_owed:
        c.risk_class = "transparency"
    else:
        c.risk_class = "minimal"
    return c


# --- obligations -------------------------------------------------------------------------------------------


class _Ctx(NamedTuple):
    p: Profile
    reg: Regime
    c: Classification
    m: _Memos


def _fria(x: _Ctx) -> bool:
    points = [pt for pt in x.c.annex_iii if pt != "2"]
    d = x.p.deployer
    return bool(points) and (
        d.public_authority or d.provides_public_services or any(pt in ("5(b)", "5(c)") for pt in points)
    )


CONDITIONS: dict[str, Callable[[_Ctx], bool]] = {
    "ai_system": lambda x: x.p.kind is not Kind.gpai_model and not x.c.section_b_only,
    "high_risk": lambda x: x.c.high_risk,
    "annex_iii": lambda x: bool(x.c.annex_iii),
    "annex_iii_registrable": lambda x: any(pt != "2" for pt in x.c.annex_iii),
    "annex_iii_point_2": lambda x: "2" in x.c.annex_iii,
    "non_eu_provider": lambda x: x.c.established_in_eu is False,
    "workplace_use": lambda x: x.p.deployer.workplace_use,
    "public_authority": lambda x: x.p.deployer.public_authority,
    "fria": _fria,
    "derogated": lambda x: x.c.derogated,
    "rbi_exception": lambda x: x.c.rbi_exception,
    "art_50_1": lambda x: "Art. 50(1)" in x.c.art50_owed,
    "art_50_2": lambda x: "Art. 50(2)" in x.c.art50_owed,
    "art_50_3": lambda x: "Art. 50(3)" in x.c.art50_owed,
    "art_50_4_deep_fake": lambda x: "Art. 50(4)" in x.c.art50_owed and x.p.transparency.deep_fake,
    "art_50_4_text": lambda x: (
        "Art. 50(4)" in x.c.art50_owed
        and x.p.transparency.public_interest_text
        and not x.p.transparency.human_editorial_review
    ),
    "gpai_model": lambda x: x.p.kind is Kind.gpai_model,
    "gpai_documentation": lambda x: x.p.kind is Kind.gpai_model and not x.c.gpai_open_exempt,
    "gpai_compute_presumption": lambda x: x.p.kind is Kind.gpai_model and x.c.gpai_presumption,
    "gpai_representative_needed": lambda x: x.p.kind is Kind.gpai_model and not x.c.gpai_open_exempt,
    "gpai_systemic": lambda x: x.p.kind is Kind.gpai_model and x.c.gpai_systemic,
}

_BUCKET_PARAM = {
    "annex_iii": "date.high_risk_annex_iii",
    "general": "date.general",
    "chapters_i_ii": "date.chapters_i_ii",
    "gpai": "date.gpai_governance_penalties",
}


def _high_risk_basis(x: _Ctx) -> tuple[str, str]:
    """(date parameter, legacy ground) of the system's high-risk classification: the earliest ground."""
    options = []
    if x.c.annex_iii:
        options.append(("date.high_risk_annex_iii", "annex_iii"))
    if x.c.annex_i_high_risk and not x.c.section_b_only:
        options.append(("date.high_risk_annex_i", "annex_i"))
    if not options:  # obligations of the high-risk bucket only exist for high-risk systems
        options.append(("date.high_risk_annex_iii", "annex_iii"))
    return min(options, key=lambda o: x.m.regime_date(o[0]))


class _Dated(NamedTuple):
    """When an obligation applies, and why."""

    applies_from: date | None
    params: tuple[str, ...]  # the regime parameters that fix the date (for deadlines)
    legacy_note: str | None = None
    legacy: tuple[str, str] | None = None  # (Art. 111 rule, its date) when the system falls under it


def _date_of(bucket: str, legacy: str | None, role: str, x: _Ctx) -> _Dated:
    """The date of the catalogue entries of date bucket `bucket` and legacy rule `legacy` owed by `role`."""
    reg, p, m = x.reg, x.p, x.m
    if bucket == "high_risk":
        param, ground = _high_risk_basis(x)
    else:
        param = _BUCKET_PARAM[bucket]
        ground = "annex_iii"
    base = m.regime_date(param)
    placed = p.placed_on_market
    if legacy == "high_risk":
        cutoff_value = reg.value("legacy.high_risk")["placed_before"]
        cutoff: date = cutoff_value[ground] if isinstance(cutoff_value, dict) else cutoff_value
        if placed is not None and placed < cutoff:
            candidates: list[tuple[date, str]] = []
            change = p.significant_change_after
            if change is not None and change >= cutoff:
                candidates.append((max(change, base), "legacy.high_risk"))
            if p.deployer.public_authority and role in ("provider", "deployer", "product_manufacturer"):
                candidates.append(
                    (m.regime_date("legacy.public_authority_deadline"), "legacy.public_authority_deadline")
                )
            logged = ("high_risk", cutoff.isoformat())
            if candidates:
                when, src = min(candidates)
                return _Dated(when, (src,), None, logged)
            return _Dated(None, ("legacy.high_risk",), "only on a significant change in design", logged)
    elif legacy == "gpai":
        rule = reg.value("legacy.gpai")
        if placed is not None and placed < rule["placed_before"]:
            return _Dated(rule["deadline"], ("legacy.gpai",), None, ("gpai", rule["deadline"].isoformat()))
    elif legacy == "art_50_2" and reg.has("legacy.art_50_2"):
        rule = reg.value("legacy.art_50_2")
        if placed is not None and placed < rule["placed_before"]:
            logged = ("art_50_2", rule["deadline"].isoformat())
            return _Dated(max(rule["deadline"], base), ("legacy.art_50_2",), None, logged)
    undelayed = m.undelayed.get(param)
    if undelayed is None:
        undelayed = m.undelayed[param] = _Dated(base, (param,))
    return undelayed


@dataclass(frozen=True, eq=False, slots=True)
class _Planned:
    """A catalogue entry owed by one role: everything about an obligation except its date.

    Compared by identity: one per entry, owner and citations (`_Memos.planned`), part of memo keys.
    """

    entry: CatalogueEntry
    owner: str
    title: str
    citations: tuple[str, ...]
    made: _Memo = field(default_factory=lambda: _Memo(_SHARED_SIZE))  # (applies_from, in_force) -> Obligation

    @property
    def date_key(self) -> tuple[str, str | None, str]:
        """(date bucket, legacy rule, owner): all that `_date_of` reads of the entry and its owner."""
        return (self.entry.date, self.entry.legacy, self.owner)

    def obligation(self, applies_from: date | None, in_force: bool) -> Obligation:
        """The obligation with this date (one shared instance per date: see `_trace_step`)."""
        key = (applies_from, in_force)
        made: Obligation | None = self.made.get(key)
        if made is None:
            made = self.made.keep(
                key,
                Obligation(
                    id=self.entry.id,
                    title=self.title,
                    role=self.owner,
                    citations=list(self.citations),
                    applies_from=applies_from,
                    in_force=in_force,
                ),
            )
        return made


# Rows in catalogue order: (a number for the row's conditions, the conditions, what the entries give each
# owner when the conditions hold); adjacent entries under the same conditions share a row.
_Row = tuple[int, tuple[Callable[[_Ctx], bool], ...], tuple[_Planned, ...]]


@functools.cache
def _size_among(sizes: frozenset[str]) -> Callable[[_Ctx], bool]:
    """The condition of entries restricted to some organisation sizes (their parameter's `sizes`)."""

    def holds(x: _Ctx) -> bool:
        size = x.p.organisation.size
        return size is not None and size.value in sizes

    return holds


@dataclass(frozen=True, slots=True)
class _Table:
    """What the catalogue gives some roles (`_owed_by`): its rows, the distinct conditions they test, and
    the plans already made, by the values of those conditions (see `_plan`)."""

    rows: tuple[_Row, ...]
    conditions: tuple[Callable[[_Ctx], bool], ...]
    plans: _Memo = field(default_factory=_Memo)


def _owed_by(m: _Memos, roles: tuple[str, ...], high_risk: bool) -> _Table:
    """What each catalogue entry gives these roles, and the conditions under which it does.

    This depends only on the regime, the language, the roles in scope (their order fixes the order of
    owners) and whether the system is high-risk (Art. 25(3) for product manufacturers), so it is computed
    once per combination (`m` is per regime and language); `_plan` checks the conditions for each profile.
    """
    key = (roles, high_risk)
    table: _Table | None = m.tables.get(key)
    if table is not None:
        return table
    reg, lang = m.reg, m.lang
    group_ids: dict[tuple[tuple[str, ...], frozenset[str] | None], int] = {}
    rows: list[_Row] = []
    for entry in load_catalogue():
        if entry.param is not None and not reg.has(entry.param):
            continue
        version = reg.param(entry.param) if entry.param else None
        sizes = None
        if version is not None and isinstance(version.value, dict) and "sizes" in version.value:
            sizes = frozenset(version.value["sizes"])
        title_texts = entry.title or (version.title if version else None)
        assert title_texts is not None
        citations = tuple(entry.citations or (version.citations if version else ()))
        items: list[_Planned] = []
        seen: set[str] = set()
        for role in entry.roles:
            owners = (
                [r for r in roles if r in _PROVIDER_LIKE]
                if role == "provider"
                else [r for r in roles if r == role]
            )
            if role == "provider" and "provider" in owners:
                owners = ["provider"]
            for owner in owners:
                if owner in seen:
                    continue
                seen.add(owner)
                cites = citations
                if owner == "product_manufacturer" and high_risk and entry.legacy == "high_risk":
                    cites = (*cites, "Art. 25(3)")
                shared = (entry.id, str(owner), cites)  # all of an item; the title follows from the entry
                item = m.planned.get(shared)
                if item is None:
                    item = m.planned[shared] = _Planned(entry, str(owner), title_texts[lang], cites)
                items.append(item)
        if not items:
            continue
        group = group_ids.setdefault((entry.when, sizes), len(group_ids))
        if rows and rows[-1][0] == group:
            rows[-1] = (group, rows[-1][1], rows[-1][2] + tuple(items))
        else:
            conditions = tuple(CONDITIONS[w] for w in entry.when)
            if sizes is not None:
                conditions += (_size_among(sizes),)
            rows.append((group, conditions, tuple(items)))
    table = _Table(tuple(rows), tuple(dict.fromkeys(cond for _, conds, _ in rows for cond in conds)))
    return m.tables.keep(key, table)


@dataclass(frozen=True, eq=False, slots=True)
class _Plan:
    """The catalogue entries owed, by owner, in catalogue order, with what follows from them alone.

    Compared by identity: a plan is made once per table and values of its conditions (`_plan`), and is
    part of the keys of the memos that depend on it.
    """

    items: tuple[_Planned, ...]
    date_keys: tuple[tuple[str, str | None, str], ...]  # distinct (date bucket, legacy rule, owner), in order
    date_of_item: tuple[int, ...]  # the position of each item's in `date_keys`
    ids: frozenset[str]
    roles_with: frozenset[str]  # the owners of an obligation other than AI literacy (penalties)
    plain: bool  # no citation of an entry could be a ground (see `_dates`)
    runs: tuple[tuple[int, tuple[str, ...]], ...]  # the citations of each run of items of one date key
    literacy: bool  # AI literacy is owed (notes)
    representative: bool  # an authorised representative must be appointed (notes)
    made: _Memo = field(default_factory=lambda: _Memo(1024))  # `obligations`
    dates: _Memo = field(default_factory=lambda: _Memo(1024))  # `_dates`

    @staticmethod
    def of(items: tuple[_Planned, ...]) -> _Plan:
        """The plan of these items: a function of the items alone (so plans are shared: see `_plan`)."""
        keys: dict[tuple[str, str | None, str], int] = {}
        date_of_item = []
        runs: list[tuple[int, list[str]]] = []
        cited: set[str] = set()
        for item in items:
            k = keys.setdefault(item.date_key, len(keys))
            date_of_item.append(k)
            cited.update(item.citations)
            if runs and runs[-1][0] == k:
                runs[-1][1].extend(item.citations)
            else:
                runs.append((k, list(item.citations)))
        ids = frozenset(item.entry.id for item in items)
        return _Plan(
            items,
            tuple(keys),
            tuple(date_of_item),
            ids,
            frozenset(item.owner for item in items if item.entry.id not in ("ai_literacy",)),
            cited.isdisjoint(_GROUND_LIKE),
            tuple((k, tuple(dict.fromkeys(cites))) for k, cites in runs),
            "ai_literacy" in ids,
            "appoint_authorised_representative" in ids or "gpai_appoint_authorised_representative" in ids,
        )

    def obligations(self, datings: tuple[_Dated, ...], as_of: date) -> tuple[Obligation, ...]:
        """The obligations, dated by `datings` (one per `date_keys`) and in force or not on `as_of`."""
        key = (datings, as_of)
        made: tuple[Obligation, ...] | None = self.made.get(key)
        if made is None:
            out = []
            for item, i in zip(self.items, self.date_of_item, strict=True):
                when = datings[i].applies_from
                out.append(item.obligation(when, when is not None and as_of >= when))
            made = self.made.keep(key, tuple(out))
        return made


def _plan(x: _Ctx) -> _Plan:
    """The catalogue entries owed, by owner, in catalogue order: those whose `when` conditions all hold.

    The plan depends only on which of the table's conditions hold, so it is kept with the table for each
    combination of their values (the conditions are plain tests of facts, without side effects). Tables
    that come to the same items share one plan, and with it what is kept with the plan.
    """
    table = _owed_by(x.m, x.c.roles, x.c.high_risk)
    held = tuple([condition(x) for condition in table.conditions])
    plan: _Plan | None = table.plans.get(held)
    if plan is None:
        truth = dict(zip(table.conditions, held, strict=True))
        items = tuple(
            item
            for _, conditions, row in table.rows
            if all(truth[condition] for condition in conditions)
            for item in row
        )
        shared = x.m.plans.get(items)
        if shared is None:
            shared = x.m.plans.keep(items, _Plan.of(items))
        plan = table.plans.keep(held, shared)
    return plan


class _Built(NamedTuple):
    """An obligation, with the regime parameters that fix its date (for deadlines and notes)."""

    obligation: Obligation
    params: tuple[str, ...]


def _prohibited_obligations(x: _Ctx, as_of: date) -> tuple[_Built, ...]:
    """Art. 5: one "do not" per prohibited practice and role concerned.

    They depend only on the practices (with their citations and dates), the roles in scope and `as_of`.
    """
    c, m = x.c, x.m
    key = (c.prohibited, c.roles, as_of)
    made: tuple[_Built, ...] | None = m.banned.get(key)
    if made is not None:
        return made
    reg, lang = m.reg, m.lang
    out: list[_Built] = []
    for practice, citation, applies_from in c.prohibited:
        pversion = reg.param(f"practice.{practice}")
        acts = reg.value(f"practice.{practice}")["acts"]
        assert pversion.title is not None
        what = pversion.title[lang]
        for role in c.roles:
            if acts == ["use"] and role != Role.deployer.value:
                continue
            verb = (
                ("Do not use" if role == "deployer" else "Do not place on the market or put into service")
                if lang == "en"
                else (
                    "Ne pas utiliser"
                    if role == "deployer"
                    else "Ne pas mettre sur le marché ni mettre en service"
                )
            )
            ob = Obligation(
                id=f"prohibited_{practice}",
                title=f"{verb}: {what}",
                role=role,
                citations=[citation],
                applies_from=applies_from,
                in_force=as_of >= applies_from,
            )
            out.append(_Built(ob, (_prohibition_param(reg, practice),)))
    return m.banned.keep(key, tuple(out))


def _prohibition_param(reg: Regime, practice: str) -> str:
    raw = reg.param(f"practice.{practice}").value["applies_from"]
    return raw[1:] if isinstance(raw, str) and raw.startswith("=") else "date.chapters_i_ii"


# --- what follows from the obligations and their dates: deadlines, notes, the Art. 111 step -----------------

_GROUNDS = "\x00grounds"  # stands for the system's high-risk grounds among a deadline's citations (`_Dates`)
_GROUND_LIKE = frozenset({"Art. 6(1)", *(f"Annex III {pt}" for pt in ANNEX_III_POINTS)})


class _Draft(NamedTuple):
    """A deadline whose citations may hold `_GROUNDS`, the place of the grounds of the system."""

    date: date
    what: str
    citations: tuple[str, ...]
    made: Deadline | None  # the deadline itself, when its citations do not hold `_GROUNDS`

    def deadline(self, grounds: list[str]) -> Deadline:
        """The deadline of a system with these grounds (repeats dropped, as `_deadlines` drops them)."""
        if self.made is not None:
            return self.made
        i = self.citations.index(_GROUNDS)
        cites = (*self.citations[:i], *grounds, *self.citations[i + 1 :])
        return _deadline(self.date, self.what, tuple(dict.fromkeys(cites)))


class _Dates(NamedTuple):
    """What follows from the obligations and their dates (see `_dates`)."""

    drafts: tuple[_Draft, ...]  # the deadlines, by date
    legacy_log: tuple[tuple[str, str], ...]  # (Art. 111 rule, its date) of the rules the system is under
    legacy_citations: tuple[str, ...]  # of the Art. 111 trace step
    low_confidence: tuple[str, ...]  # the parameters fixing the dates whose confidence is not high (notes)
    asks_significant_change: bool  # some date depends on a significant change in design (open questions)


def _dates(x: _Ctx, plan: _Plan, datings: tuple[_Dated, ...], banned: tuple[_Built, ...]) -> _Dates:
    """Deadlines (as drafts), the legacy rules and the facts of the notes that follow from the dates.

    Without prohibited practices the grounds in a deadline are the system's high-risk grounds wherever they
    appear (for a date of the high-risk bucket and the Art. 111(2) cut-off), and nowhere else as long as no
    catalogue citation of the plan could be a ground (`_Plan.plain`): then they are left as `_GROUNDS`, and
    the rest depends only on the plan, its dates, whether the system is a GPAI model and whether the Annex X
    rule applies, so it is computed once per combination of those, with the plan. Otherwise it is computed
    for the profile, with the grounds in place.
    """
    p, c, reg = x.p, x.c, x.reg
    annex_x = False
    if c.annex_iii and any(pt[0] in "67" for pt in c.annex_iii) and p.deployer.public_authority:
        placed = p.placed_on_market
        annex_x = placed is not None and placed < reg.value("legacy.annex_x")["placed_before"]
    model = p.kind is Kind.gpai_model
    plain = plan.plain and not c.prohibited
    key = (datings, model, annex_x)
    if plain:
        made: _Dates | None = plan.dates.get(key)
        if made is not None:
            return made
    built: list[tuple[date | None, tuple[str, ...], Sequence[str]]]
    if plain and all(len(d.params) == 1 for d in datings):
        # Consecutive items of one date key add, to the same date, the same parameter, the same grounds and
        # their citations: as one item with all their citations (repeats are dropped anyway).
        built = [(datings[k].applies_from, datings[k].params, cites) for k, cites in plan.runs]
    else:
        built = [(b.obligation.applies_from, b.params, b.obligation.citations) for b in banned]
        for item, i in zip(plan.items, plan.date_of_item, strict=True):
            dated = datings[i]
            built.append((dated.applies_from, dated.params, item.citations))
    legacy_log: dict[str, str] = {}
    for dated in datings:  # in the order `_date_of` met them: a later one overwrites, as it always has
        if dated.legacy is not None:
            legacy_log[dated.legacy[0]] = dated.legacy[1]
    if plain:
        grounds: list[str] = [_GROUNDS]
        own_grounds = grounds
    else:
        own_grounds = c.grounds
        grounds = [cit for _, cit, _ in c.prohibited] + own_grounds
    drafts = _deadlines(x, plan, built, grounds, own_grounds, legacy_log, model, annex_x)
    legacy_citations = sorted(
        {
            cit
            for _, params, _ in built
            for n in params
            if n.startswith("legacy.")
            for cit in reg.param(n).citations
        }
    )
    made = _Dates(
        drafts,
        tuple(legacy_log.items()),
        tuple(legacy_citations or ["Art. 111(2)"]),
        tuple(n for n in {n for _, params, _ in built for n in params} if reg.param(n).confidence != "high"),
        any(d.legacy_note or "legacy.public_authority_deadline" in d.params for d in datings),
    )
    return plan.dates.keep(key, made) if plain else made


def _deadlines(
    x: _Ctx,
    plan: _Plan,
    built: list[tuple[date | None, tuple[str, ...], Sequence[str]]],
    grounds: list[str],
    own_grounds: list[str],
    legacy_log: dict[str, str],
    model: bool,
    annex_x: bool,
) -> tuple[_Draft, ...]:
    """The deadlines of the obligations in `built` — (applies from, date parameters, citations) — and the
    other dates of the system. `grounds`: the grounds, prohibitions first; `own_grounds`: the high-risk ones.
    """
    reg, lang = x.reg, x.m.lang
    by_date: dict[date, tuple[list[str], list[str], set[str]]] = {}
    versions: dict[str, tuple[str | None, tuple[str, ...]]] = {}

    def add(when: date, param: str, extra: Iterable[str]) -> None:
        day = by_date.get(when)
        if day is None:
            day = by_date[when] = ([], [], set())
        whats, cites, cited = day
        known = versions.get(param)
        if known is None:
            version = reg.param(param)
            known = versions[param] = (version.what[lang] if version.what else None, version.citations)
        what, citations = known
        if what is not None and what not in whats:
            whats.append(what)
        for group in (citations, extra):
            for cit in group:
                if cit not in cited:
                    cited.add(cit)
                    cites.append(cit)

    for applies_from, params, citations in built:
        if applies_from is None:
            continue
        for param in params:
            if param.startswith("date.high_risk"):
                concerned = grounds
            else:
                concerned = [g for g in grounds if g in citations]
            add(applies_from, param, [*concerned, *citations])
    if "high_risk" in legacy_log:
        add(date.fromisoformat(legacy_log["high_risk"]), "legacy.high_risk", own_grounds)
    if "sandbox_priority_access" in plan.ids:
        add(reg.date("date.national_sandboxes"), "date.national_sandboxes", [])
    if model:
        add(reg.value("fine.gpai_providers")["applies_from"], "date.gpai_fines", [])
    if annex_x:
        rule = reg.value("legacy.annex_x")
        add(rule["deadline"], "legacy.annex_x", [])
    drafts = []
    for when, (whats, cites, _) in sorted(by_date.items()):
        what = "; ".join(whats)
        made = None if _GROUNDS in cites else _deadline(when, what, tuple(cites))
        drafts.append(_Draft(when, what, tuple(cites), made))
    return tuple(drafts)


_deadlines_made = _Memo(_SHARED_SIZE)  # (date, what, citations) -> Deadline


def _deadline(when: date, what: str, citations: tuple[str, ...]) -> Deadline:
    """A deadline, shared between the assessments that have the same one (see `_trace_step`)."""
    key = (when, what, citations)
    made: Deadline | None = _deadlines_made.get(key)
    if made is None:
        made = _deadlines_made.keep(key, Deadline(date=when, what=what, citations=list(citations)))
    return made


def _rule_art_111_legacy(citations: tuple[str, ...], rules: tuple[str, ...], r: _Record) -> None:
    r.step("art_111_legacy", "legacy.applied", citations, rules=", ".join(rules))


# --- penalties ------------------------------------------------------------------------------------------------


class _Fines(NamedTuple):
    penalties: tuple[Penalty, ...]
    lower_of: bool  # some cap is the lower of its amounts (Art. 99(6), 99(6a))


def _penalties(x: _Ctx, plan: _Plan, banned: tuple[_Built, ...]) -> _Fines:
    """The fine caps. They depend only on the facts in `key` (the class, the roles that owe obligations,
    the size), so each combination is computed once per regime and language and its penalties shared (see
    `_trace_step`).
    """
    p, c = x.p, x.c
    roles_with = plan.roles_with
    if banned:
        roles_with = roles_with | {b.obligation.role for b in banned}
    key = (
        p.kind is Kind.gpai_model,
        c.section_b_only,
        bool(c.prohibited),
        c.rbi_exception,
        c.high_risk,
        roles_with,
        "supplier_agreements" in plan.ids,
        bool(c.art50_owed),
        p.organisation.size,
    )
    made: _Fines | None = x.m.penalties.get(key)
    if made is None:
        penalties = tuple(_penalties_for(x, roles_with, "supplier_agreements" in plan.ids))
        made = x.m.penalties.keep(key, _Fines(penalties, any(pen.lower_of for pen in penalties)))
    return made


def _penalties_for(x: _Ctx, roles_with: frozenset[str], supplier_agreements: bool) -> list[Penalty]:
    reg, p, c, lang = x.reg, x.p, x.c, x.m.lang
    if p.kind is Kind.gpai_model:
        tiers: list[tuple[str, list[str]]] = [("fine.gpai_providers", [])]
    elif c.section_b_only and not c.prohibited:
        return []
    else:
        tiers = []
        if c.prohibited or c.rbi_exception:
            tiers.append(("fine.prohibited_practices", []))
        points: list[str] = []
        hr = c.high_risk
        for role, param in (
            ("provider", "fine.point.provider"),
            ("product_manufacturer", "fine.point.provider"),
            ("authorised_representative", "fine.point.authorised_representative"),
            ("importer", "fine.point.importer"),
            ("distributor", "fine.point.distributor"),
            ("deployer", "fine.point.deployer"),
        ):
            if hr and role in roles_with:
                cit = reg.param(param).citations[0]
                if cit not in points:
                    points.append(cit)
        if hr and reg.has("fine.point.value_chain") and supplier_agreements:
            points.append(reg.param("fine.point.value_chain").citations[0])
        if c.art50_owed:
            points.append(reg.param("fine.point.transparency").citations[0])
        if points:
            tiers.append(("fine.operator_obligations", points))
        tiers.append(("fine.incorrect_information", []))
    size = p.organisation.size.value if p.organisation.size else None
    lower_rules = [n for n in ("fine.lower_cap.sme", "fine.lower_cap.smc") if reg.has(n)]
    out: list[Penalty] = []
    for tier, points in tiers:
        value = reg.value(tier)
        version = reg.param(tier)
        cites = [*version.citations, *points]
        lower = False
        for rule in lower_rules:
            rv = reg.value(rule)
            if size in rv["sizes"] and tier in rv["tiers"]:
                lower = True
                cites.extend(reg.param(rule).citations)
        assert version.what is not None
        out.append(
            Penalty(
                max_eur=int(value["max_eur"]),
                max_turnover_pct=int(value["max_turnover_pct"]),
                citations=cites,
                what=version.what[lang],
                lower_of=lower,
            )
        )
    return out


# --- open questions ------------------------------------------------------------------------------------------


@functools.cache
def _questions() -> dict[str, dict[str, str]]:
    # The wording lives with the guided questionnaire (rules/questionnaire/text/<lang>.yaml).
    from aidesk.rules.questionnaire.bank import wording

    return wording()


def _question(m: _Memos, field_path: str, could: tuple[str, ...]) -> OpenQuestion:
    """The open question on `field_path` (shared: see `_trace_step`)."""
    key = (field_path, could)
    made: OpenQuestion | None = m.questions.get(key)
    if made is None:
        qid = "q_" + field_path.replace(".", "_")
        texts = _questions().get(qid)
        made = OpenQuestion(
            field=field_path, question=qid, could_change_to=list(could), text=texts[m.lang] if texts else ""
        )
        made = m.questions.keep(key, made)
    return made


def _reclassify_transparency(x: _Ctx, **changes: bool) -> Classification:
    """The classification of the same profile with these transparency keys changed (quiet).

    Exactly `classify(profile with those keys changed, reg, quiet=True)`, without re-running the rules that
    come before Art. 50 (see `_classify_from_art_50`); `x.c` must be in scope.
    """
    changed = _Transparency._make(_transparency(x.p.transparency))._replace(**changes)
    return _classify_from_art_50(x.p, changed, x.c.what_if())


def _reclassify_high_risk(x: _Ctx, condition: str) -> Classification:
    """The classification of the same AI system with this Art. 6(3) condition answered "yes" (quiet).

    Exactly `classify(profile with that key true, reg, quiet=True)` without copying the profile or re-running
    the rules before Art. 6(1) (see `_classify_from_annex_i`); `x.c` must be in scope. The rules from
    Art. 6(1) on assign every fact they decide, so the copy needs no reset.
    """
    p = x.p
    a = p.annex_i
    i = _Art63._fields.index(condition)
    article_6_3 = _art_6_3(p.article_6_3)
    changed = (*article_6_3[:i], True, *article_6_3[i + 1 :])
    annex_i = (a.legislation, a.safety_component, a.third_party_conformity_assessment)
    return _classify_from_annex_i(p, annex_i, changed, x.c.what_if())


def _open_questions(x: _Ctx, asks_significant_change: bool) -> list[OpenQuestion]:
    p, m, c = x.p, x.m, x.c
    cls = c.risk_class
    out: list[OpenQuestion] = []
    asked: set[str] = set()
    given = p.model_fields_set

    def flip(changed: Profile | Classification) -> tuple[str, ...]:
        new = (
            changed if isinstance(changed, Classification) else _classify(changed, m, quiet=True)
        ).risk_class
        return (new,) if new != cls else ()

    questions = m.questions

    def ask(field_path: str, could: tuple[str, ...] = ()) -> None:
        if field_path not in asked:  # the first question on a key stands
            asked.add(field_path)
            made = questions.get((field_path, could))
            out.append(made if made is not None else _question(m, field_path, could))

    if not p.roles:
        ask("roles")
    if c.scope_assumed:
        for key in ("established_in_eu", "placed_on_eu_market", "output_used_in_eu"):
            if getattr(p.location, key) is None:
                ask(f"location.{key}", () if c.scope_certain else ("out_of_scope",))
    if not c.in_scope:
        return out
    if "exclusions" not in given:
        ask("exclusions", ("out_of_scope",))
    system = p.kind is not Kind.gpai_model
    if system:
        if "prohibited_practices" not in given and cls != "prohibited":
            ask("prohibited_practices", ("prohibited",))
        if c.prohibited and "prohibited_exceptions" not in given:
            reg = x.reg
            candidates = [
                name.split(".", 1)[1]
                for name in reg.names("exception.")
                if reg.value(name)["excepts"] in {pr for pr, _, _ in c.prohibited}
            ]
            if candidates:
                from aidesk.rules.vocab import PracticeException

                changed = p.model_copy(
                    update={"prohibited_exceptions": [PracticeException(k) for k in candidates]}
                )
                ask("prohibited_exceptions", flip(changed))
        below_high = cls in ("transparency", "minimal")
        if below_high and "annex_iii" not in given:
            ask("annex_iii", ("high_risk",))
        a1 = p.annex_i
        # An explicit `legislation: null` answers "none of the Annex I acts"; only a missing key is open.
        if below_high and a1.legislation is None and not a1.given("legislation"):
            ask("annex_i.legislation", ("high_risk",))
        if (
            a1.legislation is not None
            and not c.annex_i_high_risk
            and (a1.safety_component is None or a1.third_party_conformity_assessment is None)
        ):
            # The what-if answers every open Annex I key "yes". Only Art. 6(1) can change: if it then holds,
            # the class becomes high-risk unless it is already prohibited or high-risk (precedence; Art. 6(1)
            # also keeps the system out of the Art. 2(12) exclusion); if not, every decision is as it is now.
            annex_i_could: tuple[str, ...] = (
                ("high_risk",)
                if below_high
                and a1.safety_component is not False
                and a1.third_party_conformity_assessment is not False
                else ()
            )
            if a1.safety_component is None:
                ask("annex_i.safety_component", annex_i_could)
            if a1.third_party_conformity_assessment is None:
                ask("annex_i.third_party_conformity_assessment", annex_i_could)
        if p.annex_iii:
            a = p.article_6_3
            given_a = a.model_fields_set
            if c.derogated and "profiling_of_natural_persons" not in given_a:
                ask("article_6_3.profiling_of_natural_persons", ("high_risk",))
            if not c.derogated and not a.profiling_of_natural_persons:
                # No condition holds (or the system would be derogated): answering any one of them "yes"
                # derogates it, whichever it is, so one what-if serves all four questions.
                derogated: tuple[str, ...] | None = None
                for key in ARTICLE_6_3_CONDITIONS:
                    if key not in given_a:
                        if derogated is None:
                            derogated = flip(_reclassify_high_risk(x, key))
                        ask(f"article_6_3.{key}", derogated)
        roles = c.roles
        deployer = "deployer" in roles
        t = p.transparency
        keys: tuple[str, ...] = ()
        if "provider" in roles or "product_manufacturer" in roles:
            keys += ("interacts_with_natural_persons", "generates_synthetic_content")
        if deployer:
            keys += ("emotion_recognition", "biometric_categorisation", "deep_fake", "public_interest_text")
            if t.public_interest_text and not t.given("human_editorial_review"):
                ask(
                    "transparency.human_editorial_review",
                    flip(_reclassify_transparency(x, human_editorial_review=True)),
                )
        if not c.section_b_only:
            # Answering one of these keys "yes" (it is false now) only adds its Art. 50 paragraph to the system's
            # (`_rule_transparency`), owed since the key's role is in scope; nothing else before the class reads
            # them, and Art. 2(12) cannot newly exclude a system that gains a paragraph. So the question is open
            # when that paragraph is not owed yet, and it could then make a minimal-risk system transparency.
            owed = c.art50_owed  # as `_rule_transparency` made it (not cleared: not Section B only)
            given_t = t.model_fields_set
            for key in keys:
                if key in given_t or getattr(t, key):
                    continue
                if key == "public_interest_text" and t.human_editorial_review:
                    continue  # Art. 50(4) text only without human editorial review
                if _ART_50_OF_KEY[key] not in owed:
                    ask(f"transparency.{key}", ("transparency",) if cls == "minimal" else ())
        if deployer and any(pt != "2" for pt in c.annex_iii):
            d = p.deployer
            fria = _fria(x)
            if not d.given("public_authority"):
                ask("deployer.public_authority")
            if not fria and not d.given("provides_public_services"):
                ask("deployer.provides_public_services")
        if deployer and c.high_risk and not p.deployer.given("workplace_use"):
            ask("deployer.workplace_use")
    else:
        g = p.gpai_model
        if not c.gpai_systemic:
            if not g.given("training_compute_flop"):
                ask("gpai_model.training_compute_flop", ("gpai_model_systemic",))
            if not g.given("designated_systemic_risk"):
                ask("gpai_model.designated_systemic_risk", ("gpai_model_systemic",))
            if not g.given("open_source"):
                ask("gpai_model.open_source")
    legacy_sensitive = c.high_risk or not system or "Art. 50(2)" in c.art50_owed
    if legacy_sensitive and p.placed_on_market is None:
        ask("placed_on_market")
    if asks_significant_change and p.significant_change_after is None:
        ask("significant_change_after")
    if c.established_in_eu is None and (c.high_risk or not system) and "provider" in c.roles:
        ask("location.established_in_eu")
    if p.organisation.size is None and not p.deployer.public_authority:
        ask("organisation.size")
    return out


# --- notes ---------------------------------------------------------------------------------------------------


def _notes(
    high_risk: bool,
    legacy_log: tuple[tuple[str, str], ...],
    public_authority: bool,
    literacy: bool,
    banned_from: date | None,
    size: str | None,
    lower_of: bool,
    penalised: bool,
    model: bool,
    low_confidence: tuple[str, ...],
    representative: bool,
    r: _Record,
) -> None:
    """The notes that follow the classification's. `literacy`: AI literacy is owed; `banned_from`: the first
    date of a prohibition; `lower_of`: a fine is capped at the lower of its amounts; `penalised`: there are
    fines; `model`: a GPAI model; `representative`: an authorised representative must be appointed."""
    reg, lang = r.reg, r.lang
    log = dict(legacy_log)

    def regime_note(name: str) -> None:
        r.note_text(reg.param(name).note_in(lang) or "")

    if high_risk:
        regime_note("interpretation.high_risk_related_duties")
    if "high_risk" in log:
        r.note(
            "legacy.high_risk_public_authority" if public_authority else "legacy.high_risk",
            date=log["high_risk"],
        )
        regime_note("legacy.high_risk")
        regime_note("interpretation.legacy_scope")
    if "gpai" in log:
        r.note("legacy.gpai", date=log["gpai"])
    if "art_50_2" in log:
        r.note("legacy.art_50_2", date=log["art_50_2"])
    if literacy:
        regime_note("literacy.duty")
    if banned_from is not None:
        r.note("prohibited.banned_from", date=banned_from.isoformat())
    if size == "small_midcap" and reg.has("sme.union_sandbox_priority"):
        regime_note("sme.union_sandbox_priority")
        if reg.has("fine.lower_cap.smc"):
            regime_note("fine.lower_cap.smc")
    if lower_of:
        r.note("penalties.lower_of")
    elif penalised and not model:
        r.note("penalties.higher_of")
    if public_authority and penalised:
        regime_note("fine.public_authorities")
    for version_name in low_confidence:
        v = reg.param(version_name)
        r.note(
            "confidence.note",
            confidence=r.say(f"confidence.{v.confidence}"),
            param=version_name,
            citations=", ".join(v.citations),
            note=v.note_in(lang) or r.say("confidence.see_regime"),
        )
    if representative:
        r.note("representative.appoint")


# --- entry point -----------------------------------------------------------------------------------------------


def today_in_brussels() -> date:
    try:
        from zoneinfo import ZoneInfo

        return datetime.now(ZoneInfo("Europe/Brussels")).date()
    except Exception:  # no tz database: UTC is at most a day off around midnight
        return datetime.now(UTC).date()


def assess(
    profile: Profile, regime: str = DEFAULT_REGIME, as_of: date | None = None, lang: str = "en"
) -> Assessment:
    """Assess one profile under a regime, on a date (default: today in Brussels), in a language."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    reg = load_regime(regime)
    when = as_of or today_in_brussels()
    m = _memos(reg, lang)
    c = _classify(profile, m)
    x = _Ctx(profile, reg, c, m)
    if not c.in_scope:
        questions = _open_questions(x, False)
        citations = [t for s in c.trace for t in s.citations][:3] or ["Art. 2(1)"]
        c.decide(_rule_classification, "out_of_scope", tuple(citations))
        return _assessment(x, when, [], [], (), questions)
    plan = _plan(x)
    datings = tuple([_date_of(bucket, legacy, owner, x) for bucket, legacy, owner in plan.date_keys])
    banned = _prohibited_obligations(x, when) if c.prohibited else ()
    obligations = [b.obligation for b in banned]
    obligations += plan.obligations(datings, when)
    penalties, lower_of = _penalties(x, plan, banned)
    dates = _dates(x, plan, datings, banned)
    grounds = c.grounds
    deadlines = [d.made or d.deadline(grounds) for d in dates.drafts]
    questions = _open_questions(x, dates.asks_significant_change)
    c.decide(
        _notes,
        c.high_risk,
        dates.legacy_log,
        profile.deployer.public_authority,
        plan.literacy,
        min(d for _, _, d in c.prohibited) if c.prohibited else None,
        profile.organisation.size,
        lower_of,
        bool(penalties),
        profile.kind is Kind.gpai_model,
        dates.low_confidence,
        plan.representative,
    )
    if dates.legacy_log:
        rules = tuple(sorted(rule for rule, _ in dates.legacy_log))
        c.decide(_rule_art_111_legacy, dates.legacy_citations, rules)
    c.decide(_rule_classification, c.risk_class, _class_citations(c))
    return _assessment(x, when, obligations, deadlines, penalties, questions, grounds)


def _assessment(
    x: _Ctx,
    as_of: date,
    obligations: list[Obligation],
    deadlines: list[Deadline],
    penalties: tuple[Penalty, ...],
    questions: list[OpenQuestion],
    grounds: list[str] | None = None,
) -> Assessment:
    p, c, m = x.p, x.c, x.m
    return Assessment.from_parts(
        profile=p.name,
        regime=x.reg.id,
        regime_version=m.regime_version,
        as_of=as_of,
        in_scope=c.in_scope,
        risk_class=c.risk_class,  # type: ignore[arg-type]
        prohibited_practices=[cit for _, cit, _ in c.prohibited],
        high_risk_grounds=c.grounds if grounds is None else grounds,
        transparency_obligations=list(c.art50_owed),
        gpai=_GPAI[p.kind is Kind.gpai_model, c.gpai_systemic],
        obligations=obligations,
        deadlines=deadlines,
        penalties=list(penalties),
        open_questions=questions,
        notes=c.notes,
        trace=c.trace,
        lang=m.lang,
    )


_GPAI = {(m, s): Gpai(is_gpai_model=m, systemic_risk=s) for m in (False, True) for s in (False, True)}


def _rule_classification(risk_class: str, citations: tuple[str, ...], r: _Record) -> None:
    r.step("classification", "classification.risk_class", citations, risk_class=risk_class)


def _class_citations(c: Classification) -> tuple[str, ...]:
    if c.risk_class == "prohibited":
        return tuple(cit for _, cit, _ in c.prohibited)
    if c.risk_class == "high_risk":
        return (("Art. 6(1)",) if c.annex_i_high_risk else ()) + (("Art. 6(2)",) if c.annex_iii else ())
    if c.risk_class == "transparency":
        return c.art50_owed
    if c.risk_class in ("gpai_model", "gpai_model_systemic"):
        return ("Art. 51(1)",) if c.risk_class == "gpai_model_systemic" else ("Art. 53(1)",)
    return ("Art. 95(1)",)


__all__ = ["CONDITIONS", "RULES", "Classification", "RuleConflict", "assess", "classify", "today_in_brussels"]
