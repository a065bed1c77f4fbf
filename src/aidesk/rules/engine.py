"""The rules engine: a profile and a regime in, an assessment out (SPEC §2).

Pure: no I/O beyond reading packaged data (importlib.resources), no web, database or CLI imports.

Each legal concept is one named rule (a function `_rule_*`, registered in `RULES` with the citations
that make it), recorded in the trace when it fires. Where the law states a default and exceptions
(Annex III → high-risk, except Art. 6(3), except profiling), the rule is written with `_decide`, which
fails loudly when two applicable exceptions conflict (STYLE.md 4).

Precedence (SPEC §2): for AI systems out_of_scope > prohibited > high_risk > transparency > minimal;
for GPAI models out_of_scope > gpai_model_systemic > gpai_model. `risk_class` does not depend on
`as_of`: dates live in `obligations[].applies_from` and `deadlines`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from aidesk.rules.model import (
    Assessment,
    Deadline,
    Gpai,
    Obligation,
    OpenQuestion,
    Penalty,
    TraceStep,
)
from aidesk.rules.profile import AnnexI, Article63, Profile, Transparency
from aidesk.rules.regimes import DEFAULT_REGIME, CatalogueEntry, Regime, load_catalogue, load_regime
from aidesk.rules.vocab import (
    ARTICLE_6_3_CONDITIONS,
    EEA_EFTA_STATES,
    EU_MEMBER_STATES,
    Exclusion,
    Kind,
    Role,
)
from aidesk.rules.wording import messages

LANGS = ("en", "fr")


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


# --- classification ------------------------------------------------------------------------------------


@dataclass
class Classification:
    """Everything decided about the system before obligations: the facts the obligations depend on."""

    roles: tuple[str, ...] = ()  # roles in scope
    in_scope: bool = True
    scope_assumed: bool = False
    scope_certain: bool = False  # at least one role has a stated link to the Union
    established_in_eu: bool | None = None
    prohibited: list[tuple[str, str, date]] = field(default_factory=list)  # (practice, citation, from)
    excepted: list[tuple[str, str]] = field(default_factory=list)  # (practice, exception)
    rbi_exception: bool = False
    annex_i: dict[str, Any] | None = None
    annex_i_high_risk: bool = False
    annex_i_section_b: bool = False  # an Annex I Section B high-risk product (whatever Annex III says)
    section_b_only: bool = False
    annex_iii: list[str] = field(default_factory=list)  # high-risk Annex III points
    derogated: bool = False
    derogation_conditions: list[str] = field(default_factory=list)
    art50_system: list[str] = field(default_factory=list)
    art50_owed: list[str] = field(default_factory=list)
    gpai_presumption: bool = False
    gpai_systemic: bool = False
    gpai_open_exempt: bool = False
    risk_class: str = "minimal"
    trace: list[TraceStep] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quiet: bool = False  # a what-if (open questions): the decisions only, no trace, no notes
    lang: str = "en"
    words: Mapping[str, str] = field(default_factory=dict)  # the messages in `lang` (rules/notes/<lang>.yaml)

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

    @property
    def high_risk(self) -> bool:
        """High-risk with the full Chapter III regime (not only the Art. 2(2) provisions)."""
        return bool(self.annex_iii) or (self.annex_i_high_risk and not self.section_b_only)

    @property
    def grounds(self) -> list[str]:
        out = ["Art. 6(1)"] if self.annex_i_high_risk else []
        return out + [f"Annex III {p}" for p in self.annex_iii]


# Output parts are frozen models: one instance serves every assessment that has the same part (validating
# a new one for each is a good part of the cost of an assessment). Bounded, for long-running servers.
_SHARED_SIZE = 8192
_trace_steps: dict[tuple[str, str, tuple[str, ...]], TraceStep] = {}


def _trace_step(rule: str, result: str, citations: tuple[str, ...]) -> TraceStep:
    key = (rule, result, citations)
    made = _trace_steps.get(key)
    if made is None:
        if len(_trace_steps) >= _SHARED_SIZE:
            _trace_steps.clear()
        made = _trace_steps[key] = TraceStep(step=rule, result=result, citations=list(citations))
    return made


def _established(p: Profile, c: Classification) -> bool | None:
    stated = p.location.established_in_eu
    country = p.organisation.country
    if stated is not None:
        if country is not None and stated and country not in EU_MEMBER_STATES:
            c.note("established.country_not_eu", country=country)
        if country is not None and not stated and country in EU_MEMBER_STATES:
            c.note("established.country_eu", country=country)
        return stated
    if country is None:
        return None
    inferred = country in EU_MEMBER_STATES
    c.note("established.inferred", value="true" if inferred else "false", country=country)
    if country in EEA_EFTA_STATES:
        c.note("established.eea_efta", country=country)
    return inferred


def _link(*values: bool | None) -> bool | None:
    if any(v is True for v in values):
        return True
    if all(v is False for v in values):
        return False
    return None


def _rule_territorial_scope(p: Profile, c: Classification) -> None:
    loc = p.location
    est = c.established_in_eu
    model = p.kind is Kind.gpai_model
    links: dict[str, bool | None] = {}
    for role in p.roles:
        if role is Role.provider:
            links[role] = (
                loc.placed_on_eu_market if model else _link(loc.placed_on_eu_market, loc.output_used_in_eu)
            )
        elif role is Role.deployer:
            links[role] = _link(est, loc.output_used_in_eu)
        elif role is Role.product_manufacturer:
            links[role] = loc.placed_on_eu_market
        else:  # importers, distributors (2(1)(d)), authorised representatives (2(1)(f))
            links[role] = True
    if not p.roles:
        links["(unknown role)"] = _link(loc.placed_on_eu_market, loc.output_used_in_eu, est)
    in_scope = [r for r, v in links.items() if v is True]
    unknown = [r for r, v in links.items() if v is None]
    out = [r for r, v in links.items() if v is False]
    c.scope_certain = bool(in_scope)
    if in_scope or unknown:
        c.roles = tuple(r for r in (*in_scope, *unknown) if r != "(unknown role)")
        if not c.quiet:

            def roles(rs: list[str]) -> str:
                return ", ".join(c.say("scope.unknown_role") if r == "(unknown role)" else r for r in rs)

            parts = []
            if in_scope:
                parts.append(c.say("scope.in", roles=roles(in_scope)))
            if unknown:
                parts.append(c.say("scope.assumed", roles=roles(unknown)))
                c.note("scope.assumed_note", roles=roles(unknown))
            if out:
                parts.append(c.say("scope.not_as", roles=roles(out)))
            c.trace.append(_trace_step("territorial_scope", "; ".join(parts), ("Art. 2(1)",)))
        if unknown:
            c.scope_assumed = True
    else:
        c.in_scope = False
        c.roles = ()
        c.step("territorial_scope", "scope.out", ["Art. 2(1)"])


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


def _rule_prohibited_practices(p: Profile, reg: Regime, c: Classification) -> None:
    used_exceptions: set[str] = set()
    for practice in p.prohibited_practices:
        name = f"practice.{practice.value}"
        if not reg.has(name):
            c.note("prohibited.not_in_regime_note", practice=practice.value, regime=reg.id)
            c.step(
                "art_5_prohibited_practices",
                "prohibited.not_in_regime",
                ["Art. 5(1)"],
                practice=practice.value,
                regime=reg.id,
            )
            continue
        version = reg.param(name)
        value = reg.value(name)
        citation = version.citations[0]
        exceptions = []
        for exc in p.prohibited_exceptions:
            ev = reg.value(f"exception.{exc.value}")
            if ev["excepts"] == practice.value:
                exceptions.append(Exception_(exc.value, True, False))
                used_exceptions.add(exc.value)
        use_only = value["acts"] == ["use"]
        deploys = Role.deployer.value in c.roles or not p.roles
        exceptions.append(Exception_("use_only_prohibition", use_only and not deploys, False))
        prohibited, winner = _decide(f"Art. 5 {citation}", True, exceptions)
        if prohibited:
            c.prohibited.append((practice.value, citation, value["applies_from"]))
            c.step("art_5_prohibited_practices", "prohibited.prohibited", [citation], practice=practice.value)
            note = version.note_in(c.lang)
            if note:
                c.note("prohibited.regime_note", citation=citation, note=note)
        elif winner is not None and winner.name == "use_only_prohibition":
            c.step(
                "art_5_prohibited_practices",
                "prohibited.use_only",
                [citation],
                practice=practice.value,
                citation=citation,
            )
            c.note("prohibited.use_only_note", citation=citation)
        else:
            assert winner is not None
            exc_citations = list(reg.param(f"exception.{winner.name}").citations)
            c.excepted.append((practice.value, winner.name))
            c.step(
                "art_5_exceptions",
                "prohibited.excepted",
                exc_citations,
                practice=practice.value,
                exception=winner.name,
            )
            if reg.value(f"exception.{winner.name}").get("safeguards"):
                if Role.deployer.value in c.roles:
                    c.rbi_exception = True
                c.note("prohibited.rbi_safeguards")
    for exc in p.prohibited_exceptions:
        if exc.value not in used_exceptions:
            excepts = reg.value(f"exception.{exc.value}")["excepts"]
            c.note("prohibited.unused_exception", exception=exc.value, excepts=excepts)
    if not p.prohibited_practices:
        c.step("art_5_prohibited_practices", "prohibited.none", ["Art. 5(1)"])


def _rule_annex_i(a: AnnexI, reg: Regime, c: Classification) -> None:
    test = list(reg.param("annex_i.safety_component_test").citations)
    if a.legislation is None:
        if a.safety_component or a.third_party_conformity_assessment:
            c.note("annex_i.no_legislation")
        return
    version = reg.param(f"annex_i.{a.legislation.value}")
    entry = dict(reg.value(f"annex_i.{a.legislation.value}"))
    entry["citation"] = version.citations[0]
    entry["legislation"] = a.legislation.value
    c.annex_i = entry
    c.note_text(version.note_in(c.lang) or "")
    if a.safety_component and a.third_party_conformity_assessment:
        c.annex_i_high_risk = True
        c.step(
            "art_6_1_annex_i_high_risk",
            "annex_i.high_risk",
            ["Art. 6(1)", entry["citation"], *test],
            act=entry["act"],
        )
        if entry["section"] == "B":
            c.section_b_only = c.annex_i_section_b = True  # revised below if an Annex III ground also applies
    else:
        missing = [
            k for k in ("safety_component", "third_party_conformity_assessment") if getattr(a, k) is not True
        ]
        c.step(
            "art_6_1_annex_i_high_risk",
            "annex_i.not_high_risk",
            ["Art. 6(1)", entry["citation"], *test],
            missing=c.words["annex_i.and"].join(missing),
        )


def _rule_annex_iii(points: list[str], a: Article63, reg: Regime, c: Classification) -> None:
    if not points:
        return
    conditions = [k for k in ARTICLE_6_3_CONDITIONS if getattr(a, k)]
    condition_citations = [reg.param(f"art_6_3.{k}").citations[0] for k in conditions]
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
        c.derogated = True
        c.derogation_conditions = conditions
        c.step(
            "art_6_3_derogation",
            "annex_iii.derogated",
            ["Art. 6(3)", *condition_citations],
            points=", ".join(points),
            conditions=", ".join(conditions),
        )
        c.note("annex_iii.derogation_note")
        return
    assert high_risk
    c.annex_iii = list(points)
    if a.profiling_of_natural_persons:
        c.step(
            "art_6_3_profiling_override",
            "annex_iii.profiling_overrides" if conditions else "annex_iii.profiling_no_derogation",
            ["Art. 6(3)", *condition_citations],
        )
    c.step(
        "annex_iii_high_risk",
        "annex_iii.high_risk",
        ["Art. 6(2)", *(f"Annex III {pt}" for pt in points)],
        points=", ".join(points),
    )


def _rule_transparency(t: Transparency, c: Classification) -> None:
    # The open questions rely on each key adding one paragraph (`_ART_50_OF_KEY`): keep them in step.
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
        c.step("art_50_4_public_interest_text", "art_50.editorial_review", ["Art. 50(4)"])
    if t.human_editorial_review and not t.public_interest_text:
        c.note("art_50.editorial_review_unused")
    c.art50_system = system
    roles = set(c.roles)
    owed = [
        cit
        for cit in system
        if (_ART_50_BY_ROLE[cit] == "provider" and roles & set(_PROVIDER_LIKE))
        or (_ART_50_BY_ROLE[cit] == "deployer" and "deployer" in roles)
    ]
    c.art50_owed = owed
    for cit in system:
        rule = _TRANSPARENCY[cit]
        if cit == "Art. 50(4)" and not deep_fake:
            rule = "art_50_4_public_interest_text"
        if not c.quiet:
            who = c.say(f"art_50.{_ART_50_BY_ROLE[cit]}s")
            c.step(rule, "art_50.owed" if cit in owed else "art_50.not_owed", [cit], citation=cit, who=who)


def _rule_gpai(p: Profile, reg: Regime, c: Classification) -> None:
    if p.kind is Kind.ai_system:
        return
    m = p.gpai_model
    threshold = reg.value("gpai.systemic_risk_compute")
    c.gpai_presumption = m.training_compute_flop is not None and m.training_compute_flop > threshold["flop"]
    c.gpai_systemic = c.gpai_presumption or m.designated_systemic_risk
    c.gpai_open_exempt = m.open_source and not c.gpai_systemic
    if c.gpai_presumption:
        c.step(
            "art_51_systemic_risk",
            "gpai.presumed",
            ["Art. 51(1)(a)", "Art. 51(2)"],
            flop=m.training_compute_flop,
            threshold=threshold["flop"],
        )
    elif m.designated_systemic_risk:
        c.step("art_51_systemic_risk", "gpai.designated", ["Art. 51(1)(b)"])
    else:
        c.step("art_51_systemic_risk", "gpai.no_systemic_risk", ["Art. 51(2)"])
    if p.kind is Kind.gpai_model:
        if m.open_source:
            if c.gpai_open_exempt:
                c.step("art_53_2_open_source_exemption", "gpai.open_source_exempt", ["Art. 53(2)"])
                c.step("art_54_6_open_source_representative", "gpai.no_representative", ["Art. 54(6)"])
            else:
                c.step("art_53_2_open_source_exemption", "gpai.open_source_not_exempt", ["Art. 53(2)"])
        if Exclusion.free_open_source in p.exclusions:
            c.note("gpai.art_2_12_model")
    else:
        c.note("gpai.system")


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
    c = Classification(quiet=quiet, lang=lang, words=messages()[lang])
    c.established_in_eu = _established(p, c)
    _rule_territorial_scope(p, c)
    _rule_exclusions(p, c)
    if not c.in_scope:
        c.risk_class = "out_of_scope"
        return c
    if p.kind is Kind.gpai_model:
        return _classify_from_art_50(p, p.transparency, reg, c)
    _rule_prohibited_practices(p, reg, c)
    return _classify_from_annex_i(p, p.annex_i, p.article_6_3, reg, c)


def _classify_from_annex_i(
    p: Profile, annex_i: AnnexI, article_6_3: Article63, reg: Regime, c: Classification
) -> Classification:
    """The rules from Art. 6(1) on (high-risk, then `_classify_from_art_50`), for an AI system.

    The rules before them read neither `annex_i` nor `article_6_3`, so a what-if on those keys re-runs only
    this part, on a quiet copy of the classification (see `_reclassify_high_risk`).
    """
    _rule_annex_i(annex_i, reg, c)
    _rule_annex_iii(p.annex_iii, article_6_3, reg, c)
    if c.annex_iii:
        c.section_b_only = False
    return _classify_from_art_50(p, p.transparency, reg, c)


def _classify_from_art_50(p: Profile, t: Transparency, reg: Regime, c: Classification) -> Classification:
    """The rules from Art. 50 on (transparency, GPAI, the Art. 2(12) exclusion) and the risk class.

    None of the rules before them reads `transparency`, and these only assign (never extend) the facts they
    decide, so a what-if on a transparency key re-runs only this part, on a quiet copy of the classification
    (see `_reclassify_transparency`).
    """
    if p.kind is not Kind.gpai_model:
        _rule_transparency(t, c)
        if c.section_b_only:
            section_b = reg.param("annex_i.section_b_applicable")
            provisions = reg.value("annex_i.section_b_applicable")["provisions"]
            listed = ", ".join(provisions)
            c.step("art_2_2_annex_i_section_b", "annex_i.section_b", ["Art. 2(2)"], provisions=listed)
            note = section_b.note_in(c.lang)
            if note:
                c.note("annex_i.section_b_note_with", provisions=listed, note=note)
            else:
                c.note("annex_i.section_b_note", provisions=listed)
            if c.art50_owed:
                c.note("annex_i.section_b_no_art_50")
                c.art50_owed = []
    _rule_gpai(p, reg, c)
    _rule_open_source_exclusion(p, c)
    if not c.in_scope:
        c.risk_class = "out_of_scope"
        c.prohibited, c.annex_iii, c.annex_i_high_risk, c.art50_owed = [], [], False, []
        return c
    if p.kind is Kind.gpai_model:
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


@dataclass(frozen=True)
class _Ctx:
    p: Profile
    reg: Regime
    c: Classification


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
    return min(options, key=lambda o: x.reg.date(o[0]))


@dataclass
class _Dated:
    applies_from: date | None
    params: list[str]  # the regime parameters that fix the date (for deadlines)
    legacy_note: str | None = None


def _date_of(entry: CatalogueEntry, role: str, x: _Ctx, legacy_log: dict[str, str]) -> _Dated:
    reg, p = x.reg, x.p
    if entry.date == "high_risk":
        param, ground = _high_risk_basis(x)
    else:
        param = _BUCKET_PARAM[entry.date]
        ground = "annex_iii"
    base = reg.date(param)
    dated = _Dated(base, [param])
    placed = p.placed_on_market
    if entry.legacy == "high_risk":
        cutoff_value = reg.value("legacy.high_risk")["placed_before"]
        cutoff: date = cutoff_value[ground] if isinstance(cutoff_value, dict) else cutoff_value
        if placed is not None and placed < cutoff:
            candidates: list[tuple[date, str]] = []
            change = p.significant_change_after
            if change is not None and change >= cutoff:
                candidates.append((max(change, base), "legacy.high_risk"))
            if p.deployer.public_authority and role in ("provider", "deployer", "product_manufacturer"):
                candidates.append(
                    (reg.date("legacy.public_authority_deadline"), "legacy.public_authority_deadline")
                )
            legacy_log["high_risk"] = cutoff.isoformat()
            if candidates:
                when, src = min(candidates)
                return _Dated(when, [src])
            return _Dated(None, ["legacy.high_risk"], "only on a significant change in design")
    elif entry.legacy == "gpai":
        rule = reg.value("legacy.gpai")
        if placed is not None and placed < rule["placed_before"]:
            legacy_log["gpai"] = rule["deadline"].isoformat()
            return _Dated(rule["deadline"], ["legacy.gpai"])
    elif entry.legacy == "art_50_2" and reg.has("legacy.art_50_2"):
        rule = reg.value("legacy.art_50_2")
        if placed is not None and placed < rule["placed_before"]:
            legacy_log["art_50_2"] = rule["deadline"].isoformat()
            return _Dated(max(rule["deadline"], base), ["legacy.art_50_2"])
    return dated


@dataclass(frozen=True, slots=True)
class _Planned:
    """A catalogue entry owed by one role: everything about an obligation except its date."""

    entry: CatalogueEntry
    owner: str
    title: str
    citations: tuple[str, ...]
    made: dict[tuple[date | None, bool], Obligation] = field(default_factory=dict, compare=False)

    def obligation(self, applies_from: date | None, in_force: bool) -> Obligation:
        """The obligation with this date (one shared instance per date: see `_trace_step`)."""
        key = (applies_from, in_force)
        made = self.made.get(key)
        if made is None:
            made = self.made[key] = Obligation(
                id=self.entry.id,
                title=self.title,
                role=self.owner,
                citations=list(self.citations),
                applies_from=applies_from,
                in_force=in_force,
            )
        return made


_MEMO_SIZE = 4096  # per regime; a long-running server sees many combinations of roles

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
    plans: dict[tuple[bool, ...], tuple[_Planned, ...]] = field(default_factory=dict)


def _owed_by(reg: Regime, lang: str, roles: tuple[str, ...], high_risk: bool) -> _Table:
    """What each catalogue entry gives these roles, and the conditions under which it does.

    This depends only on the regime, the language, the roles in scope (their order fixes the order of
    owners) and whether the system is high-risk (Art. 25(3) for product manufacturers), so it is computed
    once per combination and kept with the regime; `_plan` checks the conditions for each profile.
    """
    key = ("owed_by", lang, roles, high_risk)
    table: _Table | None = reg.memo.get(key)
    if table is not None:
        return table
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
                items.append(_Planned(entry, str(owner), title_texts[lang], cites))
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
    if len(reg.memo) >= _MEMO_SIZE:
        reg.memo.clear()
    reg.memo[key] = table
    return table


def _plan(x: _Ctx, lang: str) -> tuple[_Planned, ...]:
    """The catalogue entries owed, by owner, in catalogue order: those whose `when` conditions all hold.

    The plan depends only on which of the table's conditions hold, so it is kept with the table for each
    combination of their values (the conditions are plain tests of facts, without side effects).
    """
    table = _owed_by(x.reg, lang, x.c.roles, x.c.high_risk)
    held = tuple([condition(x) for condition in table.conditions])
    plan = table.plans.get(held)
    if plan is None:
        truth = dict(zip(table.conditions, held, strict=True))
        plan = tuple(
            item
            for _, conditions, items in table.rows
            if all(truth[condition] for condition in conditions)
            for item in items
        )
        if len(table.plans) >= _MEMO_SIZE:
            table.plans.clear()
        table.plans[held] = plan
    return plan


class _Built(NamedTuple):
    obligation: Obligation
    params: list[str]
    legacy_note: str | None


def _obligations(x: _Ctx, lang: str, as_of: date, legacy_log: dict[str, str]) -> list[_Built]:
    reg, c = x.reg, x.c
    out: list[_Built] = []
    roles = c.roles
    # Art. 5: one "do not" per prohibited practice and role concerned.
    for practice, citation, applies_from in c.prohibited:
        pversion = reg.param(f"practice.{practice}")
        acts = reg.value(f"practice.{practice}")["acts"]
        assert pversion.title is not None
        what = pversion.title[lang]
        for role in roles:
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
            out.append(_Built(ob, [_prohibition_param(reg, practice)], None))
    dates: dict[tuple[str, str | None, str], _Dated] = {}
    for item in _plan(x, lang):
        entry, owner = item.entry, item.owner
        key = (entry.date, entry.legacy, owner)  # all that _date_of reads of the entry and the role
        dated = dates.get(key)
        if dated is None:
            dated = dates[key] = _date_of(entry, owner, x, legacy_log)
        when = dated.applies_from
        ob = item.obligation(when, when is not None and as_of >= when)
        out.append(_Built(ob, dated.params, dated.legacy_note))
    return out


def _prohibition_param(reg: Regime, practice: str) -> str:
    raw = reg.param(f"practice.{practice}").value["applies_from"]
    return raw[1:] if isinstance(raw, str) and raw.startswith("=") else "date.chapters_i_ii"


# --- deadlines, penalties ---------------------------------------------------------------------------------


def _deadlines(x: _Ctx, built: list[_Built], lang: str, legacy_log: dict[str, str]) -> list[Deadline]:
    reg, c = x.reg, x.c
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

    grounds = [cit for _, cit, _ in c.prohibited] + c.grounds
    for b in built:
        ob = b.obligation
        if ob.applies_from is None:
            continue
        for param in b.params:
            if param.startswith("date.high_risk"):
                concerned = grounds
            else:
                concerned = [g for g in grounds if g in ob.citations]
            add(ob.applies_from, param, [*concerned, *ob.citations])
    if "high_risk" in legacy_log:
        add(date.fromisoformat(legacy_log["high_risk"]), "legacy.high_risk", c.grounds)
    if any(b.obligation.id == "sandbox_priority_access" for b in built):
        add(reg.date("date.national_sandboxes"), "date.national_sandboxes", [])
    if x.p.kind is Kind.gpai_model:
        add(reg.value("fine.gpai_providers")["applies_from"], "date.gpai_fines", [])
    if x.c.annex_iii and any(pt[0] in "67" for pt in x.c.annex_iii) and x.p.deployer.public_authority:
        rule = reg.value("legacy.annex_x")
        if x.p.placed_on_market is not None and x.p.placed_on_market < rule["placed_before"]:
            add(rule["deadline"], "legacy.annex_x", [])
    return [_deadline(d, "; ".join(whats), tuple(cites)) for d, (whats, cites, _) in sorted(by_date.items())]


_deadlines_made: dict[tuple[date, str, tuple[str, ...]], Deadline] = {}


def _deadline(when: date, what: str, citations: tuple[str, ...]) -> Deadline:
    """A deadline, shared between the assessments that have the same one (see `_trace_step`)."""
    key = (when, what, citations)
    made = _deadlines_made.get(key)
    if made is None:
        if len(_deadlines_made) >= _SHARED_SIZE:
            _deadlines_made.clear()
        made = _deadlines_made[key] = Deadline(date=when, what=what, citations=list(citations))
    return made


def _penalties(x: _Ctx, built: list[_Built], lang: str) -> list[Penalty]:
    """The fine caps. They depend only on the facts in `key` (the class, the roles that owe obligations,
    the size), so each combination is computed once per regime and its penalties shared (see `_trace_step`).
    """
    p, c = x.p, x.c
    key = (
        "penalties",
        lang,
        p.kind is Kind.gpai_model,
        c.section_b_only,
        bool(c.prohibited),
        c.rbi_exception,
        c.high_risk,
        frozenset(b.obligation.role for b in built if b.obligation.id not in ("ai_literacy",)),
        any(b.obligation.id == "supplier_agreements" for b in built),
        bool(c.art50_owed),
        p.organisation.size,
    )
    made: list[Penalty] | None = x.reg.memo.get(key)
    if made is None:
        made = _penalties_for(x, built, lang)
        if len(x.reg.memo) >= _MEMO_SIZE:
            x.reg.memo.clear()
        x.reg.memo[key] = made
    return list(made)


def _penalties_for(x: _Ctx, built: list[_Built], lang: str) -> list[Penalty]:
    reg, p, c = x.reg, x.p, x.c
    if p.kind is Kind.gpai_model:
        tiers: list[tuple[str, list[str]]] = [("fine.gpai_providers", [])]
    elif c.section_b_only and not c.prohibited:
        return []
    else:
        tiers = []
        if c.prohibited or c.rbi_exception:
            tiers.append(("fine.prohibited_practices", []))
        points: list[str] = []
        roles_with = {b.obligation.role for b in built if b.obligation.id not in ("ai_literacy",)}
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
        if (
            hr
            and reg.has("fine.point.value_chain")
            and any(b.obligation.id == "supplier_agreements" for b in built)
        ):
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


_open_qs: dict[tuple[str, tuple[str, ...], str], OpenQuestion] = {}


def _question(field_path: str, could: list[str], lang: str) -> OpenQuestion:
    key = (field_path, tuple(could), lang)
    made = _open_qs.get(key)
    if made is None:
        if len(_open_qs) >= _SHARED_SIZE:
            _open_qs.clear()
        made = _open_qs[key] = _new_question(field_path, could, lang)
    return made


def _new_question(field_path: str, could: list[str], lang: str) -> OpenQuestion:
    qid = "q_" + field_path.replace(".", "_")
    texts = _questions().get(qid)
    return OpenQuestion(
        field=field_path, question=qid, could_change_to=could, text=texts[lang] if texts else ""
    )


def _reclassify_transparency(x: _Ctx, **changes: bool) -> Classification:
    """The classification of the same profile with these transparency keys changed (quiet).

    Exactly `classify(profile with those keys changed, reg, quiet=True)`, without re-running the rules that
    come before Art. 50 (see `_classify_from_art_50`); `x.c` must be in scope.
    """
    alt = object.__new__(Classification)  # a shallow copy: these rules only assign, never extend
    alt.__dict__.update(x.c.__dict__)
    alt.quiet = True
    return _classify_from_art_50(x.p, x.p.transparency.model_copy(update=changes), x.reg, alt)


def _reclassify_high_risk(
    x: _Ctx, annex_i: AnnexI | None = None, article_6_3: Article63 | None = None
) -> Classification:
    """The classification of the same AI system with these `annex_i` / `article_6_3` parts (quiet).

    Exactly `classify(profile with those parts, reg, quiet=True)` without copying the profile or re-running
    the rules before Art. 6(1) (see `_classify_from_annex_i`); `x.c` must be in scope. The facts those rules
    decide are reset first, since some are assigned only when a rule fires.
    """
    p = x.p
    alt = object.__new__(Classification)
    alt.__dict__.update(x.c.__dict__)
    alt.quiet = True
    alt.annex_i, alt.annex_i_high_risk, alt.annex_i_section_b, alt.section_b_only = None, False, False, False
    alt.annex_iii, alt.derogated, alt.derogation_conditions = [], False, []
    return _classify_from_annex_i(p, annex_i or p.annex_i, article_6_3 or p.article_6_3, x.reg, alt)


def _open_questions(x: _Ctx, built: list[_Built], lang: str) -> list[OpenQuestion]:
    p, reg, c = x.p, x.reg, x.c
    cls = c.risk_class
    out: list[OpenQuestion] = []
    given = p.model_fields_set

    def flip(changed: Profile | Classification) -> list[str]:
        new = (
            changed if isinstance(changed, Classification) else classify(changed, reg, quiet=True)
        ).risk_class
        return [new] if new != cls else []

    def ask(field_path: str, could: list[str]) -> None:
        out.append(_question(field_path, could, lang))

    if not p.roles:
        ask("roles", [])
    if c.scope_assumed:
        for key in ("established_in_eu", "placed_on_eu_market", "output_used_in_eu"):
            if getattr(p.location, key) is None:
                ask(f"location.{key}", [] if c.scope_certain else ["out_of_scope"])
    if not c.in_scope:
        return out
    if "exclusions" not in given:
        ask("exclusions", ["out_of_scope"])
    system = p.kind is not Kind.gpai_model
    if system:
        if "prohibited_practices" not in given and cls != "prohibited":
            ask("prohibited_practices", ["prohibited"])
        if c.prohibited and "prohibited_exceptions" not in given:
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
            ask("annex_iii", ["high_risk"])
        # An explicit `legislation: null` answers "none of the Annex I acts"; only a missing key is open.
        if below_high and p.annex_i.legislation is None and not p.annex_i.given("legislation"):
            ask("annex_i.legislation", ["high_risk"])
        if p.annex_i.legislation is not None and not c.annex_i_high_risk:
            # The what-if answers every open Annex I key "yes". Only Art. 6(1) can change: if it then holds,
            # the class becomes high-risk unless it is already prohibited or high-risk (precedence; Art. 6(1)
            # also keeps the system out of the Art. 2(12) exclusion); if not, every decision is as it is now.
            a1 = p.annex_i
            if a1.safety_component is None or a1.third_party_conformity_assessment is None:
                annex_i_could = (
                    ["high_risk"]
                    if below_high
                    and a1.safety_component is not False
                    and a1.third_party_conformity_assessment is not False
                    else []
                )
                for key in ("safety_component", "third_party_conformity_assessment"):
                    if getattr(a1, key) is None:
                        ask(f"annex_i.{key}", list(annex_i_could))
        if p.annex_iii:
            a = p.article_6_3
            if c.derogated and not a.given("profiling_of_natural_persons"):
                ask("article_6_3.profiling_of_natural_persons", ["high_risk"])
            if not c.derogated and not a.profiling_of_natural_persons:
                # No condition holds (or the system would be derogated): answering any one of them "yes"
                # derogates it, whichever it is, so one what-if serves all four questions.
                derogated: list[str] | None = None
                for key in ARTICLE_6_3_CONDITIONS:
                    if not a.given(key):
                        if derogated is None:
                            derogated = flip(
                                _reclassify_high_risk(
                                    x, article_6_3=p.article_6_3.model_copy(update={key: True})
                                )
                            )
                        ask(f"article_6_3.{key}", list(derogated))
        roles = set(c.roles)
        t = p.transparency
        keys: list[str] = []
        if roles & set(_PROVIDER_LIKE):
            keys += ["interacts_with_natural_persons", "generates_synthetic_content"]
        if "deployer" in roles:
            keys += ["emotion_recognition", "biometric_categorisation", "deep_fake", "public_interest_text"]
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
            for key in keys:
                if t.given(key) or getattr(t, key):
                    continue
                if key == "public_interest_text" and t.human_editorial_review:
                    continue  # Art. 50(4) text only without human editorial review
                if _ART_50_OF_KEY[key] not in owed:
                    ask(f"transparency.{key}", ["transparency"] if cls == "minimal" else [])
        if "deployer" in roles and any(pt != "2" for pt in c.annex_iii):
            d = p.deployer
            fria = _fria(x)
            if not d.given("public_authority"):
                ask("deployer.public_authority", [])
            if not fria and not d.given("provides_public_services"):
                ask("deployer.provides_public_services", [])
        if "deployer" in roles and c.high_risk and not p.deployer.given("workplace_use"):
            ask("deployer.workplace_use", [])
    else:
        m = p.gpai_model
        if not c.gpai_systemic:
            if not m.given("training_compute_flop"):
                ask("gpai_model.training_compute_flop", ["gpai_model_systemic"])
            if not m.given("designated_systemic_risk"):
                ask("gpai_model.designated_systemic_risk", ["gpai_model_systemic"])
            if not m.given("open_source"):
                ask("gpai_model.open_source", [])
    legacy_sensitive = c.high_risk or p.kind is Kind.gpai_model or "Art. 50(2)" in c.art50_owed
    if legacy_sensitive and p.placed_on_market is None:
        ask("placed_on_market", [])
    if any(b.legacy_note or "legacy.public_authority_deadline" in b.params for b in built) and (
        p.significant_change_after is None
    ):
        ask("significant_change_after", [])
    if c.established_in_eu is None and (c.high_risk or p.kind is Kind.gpai_model) and "provider" in c.roles:
        ask("location.established_in_eu", [])
    if p.organisation.size is None and not p.deployer.public_authority:
        ask("organisation.size", [])
    seen: set[str] = set()
    unique = []
    for q in out:
        if q.field not in seen:
            seen.add(q.field)
            unique.append(q)
    return unique


# --- notes ---------------------------------------------------------------------------------------------------


def _notes(x: _Ctx, built: list[_Built], penalties: list[Penalty], legacy_log: dict[str, str]) -> None:
    reg, p, c = x.reg, x.p, x.c
    ids = {b.obligation.id for b in built}
    lang = c.lang

    def regime_note(name: str) -> None:
        c.note_text(reg.param(name).note_in(lang) or "")

    if c.high_risk:
        regime_note("interpretation.high_risk_related_duties")
    if "high_risk" in legacy_log:
        c.note(
            "legacy.high_risk_public_authority" if p.deployer.public_authority else "legacy.high_risk",
            date=legacy_log["high_risk"],
        )
        regime_note("legacy.high_risk")
        regime_note("interpretation.legacy_scope")
    if "gpai" in legacy_log:
        c.note("legacy.gpai", date=legacy_log["gpai"])
    if "art_50_2" in legacy_log:
        c.note("legacy.art_50_2", date=legacy_log["art_50_2"])
    if "ai_literacy" in ids:
        regime_note("literacy.duty")
    if c.prohibited:
        first = min(d for _, _, d in c.prohibited)
        c.note("prohibited.banned_from", date=first.isoformat())
    size = p.organisation.size.value if p.organisation.size else None
    if size == "small_midcap" and reg.has("sme.union_sandbox_priority"):
        regime_note("sme.union_sandbox_priority")
        if reg.has("fine.lower_cap.smc"):
            regime_note("fine.lower_cap.smc")
    if any(pen.lower_of for pen in penalties):
        c.note("penalties.lower_of")
    elif penalties and p.kind is not Kind.gpai_model:
        c.note("penalties.higher_of")
    if p.deployer.public_authority and penalties:
        regime_note("fine.public_authorities")
    for version_name in {n for b in built for n in b.params}:
        v = reg.param(version_name)
        if v.confidence != "high":
            c.note(
                "confidence.note",
                confidence=c.say(f"confidence.{v.confidence}"),
                param=version_name,
                citations=", ".join(v.citations),
                note=v.note_in(lang) or c.say("confidence.see_regime"),
            )
    if "appoint_authorised_representative" in ids or "gpai_appoint_authorised_representative" in ids:
        c.note("representative.appoint")
    c.notes[:] = [n for n in c.notes if n]


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
    c = classify(profile, reg, lang=lang)
    x = _Ctx(profile, reg, c)
    legacy_log: dict[str, str] = {}
    if c.in_scope:
        built = _obligations(x, lang, when, legacy_log)
        deadlines = _deadlines(x, built, lang, legacy_log)
        penalties = _penalties(x, built, lang)
    else:
        built, deadlines, penalties = [], [], []
    questions = _open_questions(x, built, lang)
    if c.in_scope:
        _notes(x, built, penalties, legacy_log)
        if legacy_log:
            c.step(
                "art_111_legacy",
                "legacy.applied",
                sorted(
                    {
                        cit
                        for b in built
                        for n in b.params
                        if n.startswith("legacy.")
                        for cit in reg.param(n).citations
                    }
                )
                or ["Art. 111(2)"],
                rules=", ".join(sorted(legacy_log)),
            )
        c.step("classification", "classification.risk_class", _class_citations(c), risk_class=c.risk_class)
    else:
        c.step(
            "classification",
            "classification.risk_class",
            [t for s in c.trace for t in s.citations][:3] or ["Art. 2(1)"],
            risk_class="out_of_scope",
        )
    return Assessment(
        profile=profile.name,
        regime=reg.id,
        regime_version=reg.version,
        as_of=when,
        in_scope=c.in_scope,
        risk_class=c.risk_class,  # type: ignore[arg-type]
        prohibited_practices=[cit for _, cit, _ in c.prohibited],
        high_risk_grounds=c.grounds,
        transparency_obligations=list(c.art50_owed),
        gpai=_GPAI[profile.kind is Kind.gpai_model, c.gpai_systemic],
        obligations=[b.obligation for b in built],
        deadlines=deadlines,
        penalties=penalties,
        open_questions=questions,
        notes=list(c.notes),
        trace=list(c.trace),
        lang=lang,
    )


_GPAI = {(m, s): Gpai(is_gpai_model=m, systemic_risk=s) for m in (False, True) for s in (False, True)}


def _class_citations(c: Classification) -> list[str]:
    if c.risk_class == "prohibited":
        return [cit for _, cit, _ in c.prohibited]
    if c.risk_class == "high_risk":
        return (["Art. 6(1)"] if c.annex_i_high_risk else []) + (["Art. 6(2)"] if c.annex_iii else [])
    if c.risk_class == "transparency":
        return list(c.art50_owed)
    if c.risk_class in ("gpai_model", "gpai_model_systemic"):
        return ["Art. 51(1)"] if c.risk_class == "gpai_model_systemic" else ["Art. 53(1)"]
    return ["Art. 95(1)"]


__all__ = ["CONDITIONS", "RULES", "Classification", "RuleConflict", "assess", "classify", "today_in_brussels"]
