"""Next steps after an assessment: who in the European AI ecosystem can help, why, and which provision
says so (issue 10).

The rules are data (`data/next_steps.yaml`): each names the facts it needs from the assessment and the
profile (risk class, grounds, roles, obligations, size, GPAI status), the directory question it asks
(authorities of a country, sandboxes, EDIHs, the TEF of a sector, AI Factories, named entries), and the
reason and citations it gives, in English and French. This module evaluates them and asks the directory;
where the data has nothing, the step says so (a gap), never a guess.

The sector is not a profile key: it is derived from the Annex I act or the Annex III points where they
belong to one Apply AI sector (`sectors` in the rules file), or given by the caller.

Pure service: no CLI, web or database imports.

    from aidesk.directory.next_steps import next_steps
    result = next_steps(load_profile("profile.yaml"), lang="fr")
    print(result.to_json_dict())
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from aidesk.directory.schema import KIND_LABELS, LEGACY_LABEL, SECTOR_LABELS, Entry, Kind, Sector
from aidesk.directory.service import Directory, DirectoryError, parse_sector
from aidesk.rules.model import RiskClass
from aidesk.rules.vocab import ANNEX_III_POINTS, EEA_EFTA_STATES, EU_MEMBER_STATES, AnnexIAct, Role
from aidesk.rules.vocab import Kind as ProfileKind

if TYPE_CHECKING:
    from aidesk.rules.model import Assessment
    from aidesk.rules.profile import Profile

RULES_SCHEMA = "aidesk/next-steps-rules/v1"
NEXT_STEPS_SCHEMA = "aidesk/next-steps/v1"
LANGS: tuple[str, ...] = ("en", "fr")
Lang = Literal["en", "fr"]
#: Lookups answered per country, and the directory kind each one lists.
NATIONAL_ASKS: dict[str, Kind] = {
    "authorities": Kind.authority,
    "sandboxes": Kind.sandbox,
    "edihs": Kind.edih,
}
#: Gap messages the rules file must define (the engine uses each of them).
GAP_KEYS: frozenset[str] = frozenset(
    {"no_country", "outside_eu", "no_authority", "no_authority_counts", "no_sandbox", "no_current_edih",
     "services_unknown", "no_sector", "no_tef", "no_data_space", "no_ai_factory_sector",
     "no_compute_figure", "missing_entry", "no_named"}
)  # fmt: skip
#: The access programme shown with AI Factories when the model's training compute is not known.
DEFAULT_COMPUTE_ROUTE = "prog-eurohpc-ai-data-access"


class RulesError(ValueError):
    """The next-steps rules file is invalid (a packaging error, reported loudly)."""


# --------------------------------------------------------------------------- the rules, as data
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(_Strict):
    """One wording in English and French."""

    en: str = Field(min_length=1)
    fr: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


SizeOrUnknown = Literal["micro", "small", "medium", "small_midcap", "large", "unknown"]


class When(_Strict):
    """Facts a rule needs, all required; an absent key is "any". `not`: these must not all hold."""

    risk_class: list[RiskClass] | None = None
    in_scope: bool | None = None
    kind: list[ProfileKind] | None = None
    roles: list[Role] | None = None
    size: list[SizeOrUnknown] | None = None
    gpai_model: bool | None = None
    systemic_risk: bool | None = None
    public_body: bool | None = None
    obligations: list[str] | None = None
    grounds: list[str] | None = None
    transparency: bool | None = None
    not_: When | None = Field(default=None, alias="not")

    @field_validator("grounds")
    @classmethod
    def _canonical_grounds(cls, value: list[str] | None) -> list[str] | None:
        for g in value or []:
            _check_canonical(g)
        return value

    def holds(self, facts: Facts) -> bool:
        checks: list[bool] = []
        if self.risk_class is not None:
            checks.append(facts.risk_class in self.risk_class)
        if self.in_scope is not None:
            checks.append(facts.in_scope is self.in_scope)
        if self.kind is not None:
            checks.append(facts.kind in self.kind)
        if self.roles is not None:
            checks.append(bool(facts.roles & set(self.roles)))
        if self.size is not None:
            checks.append(facts.size in self.size)
        if self.gpai_model is not None:
            checks.append(facts.gpai_model is self.gpai_model)
        if self.systemic_risk is not None:
            checks.append(facts.systemic_risk is self.systemic_risk)
        if self.public_body is not None:
            checks.append(facts.public_body is self.public_body)
        if self.obligations is not None:
            checks.append(bool(facts.obligations & set(self.obligations)))
        if self.grounds is not None:
            checks.append(any(_ground_matches(g, p) for g in facts.grounds for p in self.grounds))
        if self.transparency is not None:
            checks.append(facts.transparency is self.transparency)
        if self.not_ is not None:
            checks.append(not self.not_.holds(facts))
        return all(checks)


Ask = Literal["authorities", "sandboxes", "edihs", "tefs", "data_spaces", "ai_factories", "entries", "named"]


class Rule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    when: When = When()
    ask: Ask
    service: str | None = None
    ids: list[str] = []
    names: list[str] = []
    kinds: list[Kind] = []
    limit: int = Field(default=8, ge=1)
    title: Text
    reason: Text
    citations: list[str] = Field(min_length=1)

    @field_validator("citations")
    @classmethod
    def _canonical(cls, value: list[str]) -> list[str]:
        for c in value:
            _check_canonical(c)
        return value

    @model_validator(mode="after")
    def _ask_needs(self) -> Rule:
        if self.ask == "entries" and not self.ids:
            raise ValueError("ask: entries needs `ids`")
        if self.ask == "named" and not self.names:
            raise ValueError("ask: named needs `names`")
        if self.service is not None and self.ask != "edihs":
            raise ValueError("`service` is only for ask: edihs")
        return self


class SectorMap(_Strict):
    annex_i: dict[AnnexIAct, Sector] = {}
    annex_iii: dict[str, Sector] = {}

    @field_validator("annex_iii")
    @classmethod
    def _points(cls, value: dict[str, Sector]) -> dict[str, Sector]:
        unknown = sorted(set(value) - set(ANNEX_III_POINTS))
        if unknown:
            raise ValueError(f"not Annex III points: {unknown}")
        return value


class RuleBook(_Strict):
    schema_: Literal["aidesk/next-steps-rules/v1"] = Field(alias="schema")
    rules: list[Rule] = Field(min_length=1)
    sectors: SectorMap
    gaps: dict[str, Text]
    what: dict[str, Text]

    @model_validator(mode="after")
    def _complete(self) -> RuleBook:
        ids = [r.id for r in self.rules]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate rule ids: {dupes}")
        missing = sorted(GAP_KEYS - set(self.gaps))
        if missing:
            raise ValueError(f"gaps: missing messages {missing}")
        needed = set(NATIONAL_ASKS) | {"ai_factories"}
        if needed - set(self.what):
            raise ValueError(f"what: missing {sorted(needed - set(self.what))}")
        return self

    def citations(self) -> set[str]:
        return {c for r in self.rules for c in r.citations}


def _check_canonical(text: str) -> None:
    from aidesk.law.citations import format_citation, parse

    canonical = format_citation(parse(text))
    if canonical != text:
        raise ValueError(f"citation {text!r} is not canonical; write {canonical!r}")


def _ground_matches(ground: str, pattern: str) -> bool:
    """`Annex III 5` matches `Annex III 5(b)`; `Art. 6(1)` matches `Art. 6(1)` and its points."""
    return ground == pattern or ground.startswith(pattern + "(")


def parse_rules(data: object, source: str = "next_steps.yaml") -> RuleBook:
    try:
        return RuleBook.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        raise RulesError(f"{source}: {loc}: {err['msg']}") from None


@cache
def load_rules() -> RuleBook:
    """The packaged rules, validated once."""
    from ruamel.yaml import YAML

    text = resources.files("aidesk.directory").joinpath("data/next_steps.yaml").read_text("utf-8")
    return parse_rules(YAML(typ="safe", pure=True).load(text))


# --------------------------------------------------------------------------- facts and context
@dataclass(frozen=True)
class Facts:
    """What the rules' conditions read, from the assessment and the profile."""

    risk_class: str
    in_scope: bool
    kind: str
    roles: frozenset[str]
    size: str
    gpai_model: bool
    systemic_risk: bool
    public_body: bool
    obligations: frozenset[str]
    grounds: tuple[str, ...]
    transparency: bool

    @classmethod
    def of(cls, profile: Profile, assessment: Assessment) -> Facts:
        size = profile.organisation.size
        return cls(
            risk_class=assessment.risk_class,
            in_scope=assessment.in_scope,
            kind=profile.kind.value,
            roles=frozenset(r.value for r in profile.roles),
            size=size.value if size is not None else "unknown",
            gpai_model=assessment.gpai.is_gpai_model,
            systemic_risk=assessment.gpai.systemic_risk,
            public_body=profile.deployer.public_authority or profile.deployer.provides_public_services,
            obligations=frozenset(o.id for o in assessment.obligations),
            grounds=tuple(assessment.high_risk_grounds) + tuple(assessment.prohibited_practices),
            transparency=bool(assessment.transparency_obligations),
        )


@dataclass(frozen=True)
class SectorBasis:
    """A sector the steps use, and where it comes from (a profile key, or the caller's `--sector`)."""

    sector: Sector
    basis: str

    def label(self, lang: str) -> str:
        en, fr, _ = SECTOR_LABELS[self.sector]
        return fr if lang == "fr" else en


def derive_sectors(profile: Profile, book: RuleBook | None = None) -> list[SectorBasis]:
    """Sectors the profile's Annex I act and Annex III points belong to (mapping in the rules file);
    empty when none belongs to a single sector."""
    mapping = (book or load_rules()).sectors
    found: list[SectorBasis] = []
    act = profile.annex_i.legislation
    if act is not None and act in mapping.annex_i:
        found.append(SectorBasis(mapping.annex_i[act], f"annex_i.legislation: {act.value}"))
    for point in profile.annex_iii:
        if point in mapping.annex_iii:
            found.append(SectorBasis(mapping.annex_iii[point], f"annex_iii: {point}"))
    out: list[SectorBasis] = []
    for s in found:
        if all(s.sector != o.sector for o in out):
            out.append(s)
    return out


# --------------------------------------------------------------------------- the result
@dataclass(frozen=True)
class Step:
    """One next step: the rule that made it, its reason and citations, the entries the directory
    gave, and what the data (or the profile) lacks."""

    id: str
    title: str
    reason: str
    citations: tuple[str, ...]
    entries: tuple[Entry, ...]
    more: int = 0
    gaps: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    command: str | None = None

    def to_json_dict(self, lang: str = "en") -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "reason": self.reason,
            "citations": list(self.citations),
            "entries": [entry_summary(e, lang) for e in self.entries],
            "more": self.more,
            "gaps": list(self.gaps),
            "needs": list(self.needs),
            "command": self.command,
        }


@dataclass(frozen=True)
class NextSteps:
    profile: str
    regime: str
    regime_version: str
    as_of: date
    lang: str
    risk_class: str
    country: str | None
    size: str | None
    roles: tuple[str, ...]
    sectors: tuple[SectorBasis, ...]
    steps: tuple[Step, ...]

    @property
    def gaps(self) -> list[tuple[str, str]]:
        """(step id, gap) for every gap of every step."""
        return [(s.id, g) for s in self.steps for g in s.gaps]

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "schema": NEXT_STEPS_SCHEMA,
            "profile": self.profile,
            "regime": self.regime,
            "regime_version": self.regime_version,
            "as_of": self.as_of.isoformat(),
            "lang": self.lang,
            "risk_class": self.risk_class,
            "organisation": {"country": self.country, "size": self.size, "roles": list(self.roles)},
            "sectors": [
                {"sector": s.sector.value, "label": s.label(self.lang), "from": s.basis} for s in self.sectors
            ],
            "steps": [s.to_json_dict(self.lang) for s in self.steps],
            "gaps": [{"step": step, "gap": gap} for step, gap in self.gaps],
        }


def entry_summary(entry: Entry, lang: str = "en") -> dict[str, Any]:
    """What a next step shows of an entry: enough to act on, with its sources and what is unverified."""
    out: dict[str, Any] = {
        "id": entry.id,
        "kind": entry.kind.value,
        "kind_label": KIND_LABELS[entry.kind][1 if lang == "fr" else 0],
        "name": entry.name,
        "countries": list(entry.countries),
        "partner_countries": list(entry.partner_countries),
        "city": entry.city,
        "host": entry.host,
        "sectors": [s.value for s in entry.sectors],
        "services": list(entry.services),
        "access": list(entry.access),
        "url": entry.url,
        "sources": list(entry.sources),
        "as_of": entry.as_of.isoformat() if entry.as_of else None,
        "confidence": entry.confidence,
        "unverified": dict(entry.unverified),
        "legacy": entry.legacy,
    }
    if entry.legacy:
        out["seed_data_note"] = LEGACY_LABEL
    return out


# --------------------------------------------------------------------------- evaluation
@dataclass
class _Answer:
    entries: list[Entry]
    gaps: list[str]
    needs: list[str]
    command: str | None = None


@dataclass(frozen=True)
class _Context:
    directory: Directory
    book: RuleBook
    lang: str
    country: str | None
    sectors: tuple[SectorBasis, ...]
    training_compute_flop: float | None

    def gap(self, key: str, **params: object) -> str:
        return self.book.gaps[key](self.lang).format(**params)

    def what(self, ask: str) -> str:
        return self.book.what[ask](self.lang)


def next_steps(
    profile: Profile,
    assessment: Assessment | None = None,
    *,
    sector: Sector | str | None = None,
    lang: str = "en",
    directory: Directory | None = None,
    rules: RuleBook | None = None,
) -> NextSteps:
    """The next steps for a profile and its assessment (assessed under the default regime if not given).

    `sector` overrides the sectors derived from the profile. Raises `DirectoryError` on a bad sector or
    language (bad input), never on missing data: that becomes a gap of the step concerned.
    """
    if lang not in LANGS:
        raise DirectoryError(f"--lang {lang!r}: use one of {', '.join(LANGS)}")
    if assessment is None:
        from aidesk.rules import assess

        assessment = assess(profile, lang=lang)
    if directory is None:
        from aidesk.directory.service import load

        directory = load()
    book = rules or load_rules()
    if sector is not None:
        chosen = parse_sector(sector) if isinstance(sector, str) else sector
        sectors: tuple[SectorBasis, ...] = (SectorBasis(chosen, "--sector"),)
    else:
        sectors = tuple(derive_sectors(profile, book))
    country = profile.organisation.country
    ctx = _Context(
        directory=directory,
        book=book,
        lang=lang,
        country=country,
        sectors=sectors,
        training_compute_flop=profile.gpai_model.training_compute_flop,
    )
    facts = Facts.of(profile, assessment)
    steps = tuple(_step(rule, ctx) for rule in book.rules if rule.when.holds(facts))
    size = profile.organisation.size
    return NextSteps(
        profile=profile.name,
        regime=assessment.regime,
        regime_version=assessment.regime_version,
        as_of=assessment.as_of,
        lang=lang,
        risk_class=assessment.risk_class,
        country=country,
        size=size.value if size is not None else None,
        roles=tuple(r.value for r in profile.roles),
        sectors=sectors,
        steps=steps,
    )


def _step(rule: Rule, ctx: _Context) -> Step:
    answer = _ask(rule, ctx)
    shown = answer.entries[: rule.limit]
    more = len(answer.entries) - len(shown)
    fixed: list[Entry] = []
    gaps = list(answer.gaps)
    for entry_id in rule.ids:
        entry = ctx.directory.get(entry_id)
        if entry is None:
            gaps.append(ctx.gap("missing_entry", id=entry_id))
        elif entry not in shown and entry not in fixed:
            fixed.append(entry)
    command = answer.command
    if command is None and rule.ids:
        command = "aidesk directory show " + rule.ids[0]
    return Step(
        id=rule.id,
        title=rule.title(ctx.lang),
        reason=rule.reason(ctx.lang),
        citations=tuple(rule.citations),
        entries=tuple(shown + fixed),
        more=more,
        gaps=tuple(gaps),
        needs=tuple(answer.needs),
        command=command,
    )


def _ask(rule: Rule, ctx: _Context) -> _Answer:
    if rule.ask in NATIONAL_ASKS:
        return _national(rule, ctx)
    if rule.ask in ("tefs", "data_spaces"):
        return _sectoral(rule, ctx)
    if rule.ask == "ai_factories":
        return _ai_factories(ctx)
    if rule.ask == "named":
        return _named(rule, ctx)
    return _Answer([], [], [])  # entries: only the rule's ids


def _national(rule: Rule, ctx: _Context) -> _Answer:
    kind = NATIONAL_ASKS[rule.ask]
    code = ctx.country
    if code is None:
        return _Answer([], [ctx.gap("no_country", what=ctx.what(rule.ask))], ["organisation.country"])
    if code not in EU_MEMBER_STATES | EEA_EFTA_STATES:
        gap = ctx.gap("outside_eu", country=code, what=ctx.what(rule.ask), kind=kind.value)
        return _Answer([], [gap], [])
    command = f"aidesk directory search --kind {kind.value} --country {code}"
    d = ctx.directory
    if rule.ask == "authorities":
        found = d.authorities(code)
        if found.entries:
            return _Answer(found.entries, [], [], command)
        counts = d.coverage.get("authority", {}).get("fundamental_rights_body_counts_only", {})
        if code in counts:
            return _Answer(
                [], [ctx.gap("no_authority_counts", country=code, count=counts[code])], [], command
            )
        return _Answer([], [ctx.gap("no_authority", country=code)], [], command)
    if rule.ask == "sandboxes":
        found = d.sandboxes(code)
        gaps = [] if found.entries else [ctx.gap("no_sandbox", country=code)]
        return _Answer(found.entries, gaps, [], command)
    found = d.edihs(code, service=rule.service)
    gaps = []
    if found.gap is not None:
        services = ctx.gap("services_unknown") if rule.service else ""
        legacy = sum(1 for e in found.entries if e.legacy)
        gaps.append(ctx.gap("no_current_edih", country=code, legacy=legacy, services=services))
    return _Answer(found.entries, gaps, [], command)


def _sectoral(rule: Rule, ctx: _Context) -> _Answer:
    if not ctx.sectors:
        sectors = ", ".join(s.value for s in Sector)
        return _Answer([], [ctx.gap("no_sector", sectors=sectors)], ["--sector"])
    kind = Kind.tef if rule.ask == "tefs" else Kind.data_space
    entries: list[Entry] = []
    gaps: list[str] = []
    for s in ctx.sectors:
        if rule.ask == "tefs":
            found = ctx.directory.tefs(s.sector).entries
        else:
            found = ctx.directory.filter(kind=Kind.data_space, sector=s.sector)
        if not found:
            key = "no_tef" if rule.ask == "tefs" else "no_data_space"
            gaps.append(ctx.gap(key, sector=s.label(ctx.lang)))
        entries.extend(e for e in found if e not in entries)
    command = f"aidesk directory search --kind {kind.value} --sector {ctx.sectors[0].sector.value}"
    return _Answer(entries, gaps, [], command)


def _ai_factories(ctx: _Context) -> _Answer:
    """AI Factories (the country's antennas first, then by country and sector) and the access routes
    that suit the model's training compute (the compute planner's bands), or the general EuroHPC
    access call when the compute is not known."""
    from aidesk.directory.compute import compute_data

    d = ctx.directory
    code = ctx.country if ctx.country and ctx.country in EU_MEMBER_STATES | EEA_EFTA_STATES else None
    sector = ctx.sectors[0].sector if ctx.sectors else None
    found = d.ai_factories(country=code, sector=sector)
    gaps = [ctx.gap("no_ai_factory_sector", sector=ctx.sectors[0].label(ctx.lang))] if found.gap else []
    needs: list[str] = []
    route_ids: list[str] = []
    flop = ctx.training_compute_flop
    factories: list[Entry] = []
    if flop is None:
        factories = list(found.entries)
        route_ids.append(DEFAULT_COMPUTE_ROUTE)
        gaps.append(ctx.gap("no_compute_figure"))
        needs.append("gpai_model.training_compute_flop")
    else:
        for band in compute_data()["routes"]:
            lo, hi = band.get("min_flop"), band.get("max_flop")
            if (lo is not None and flop <= lo) or (hi is not None and flop > hi):
                continue
            select = band["select"]
            if "id" in select:
                route_ids.append(select["id"])
            elif select.get("kind") == Kind.ai_factory.value:
                factories = list(found.entries)
    routes: list[Entry] = []
    for route_id in route_ids:
        entry = d.get(route_id)
        if entry is None:
            gaps.append(ctx.gap("missing_entry", id=route_id))
        else:
            routes.append(entry)
    command = "aidesk directory search --kind ai_factory" + (f" --sector {sector.value}" if sector else "")
    # Routes are few and chosen for the model's size: list them first so that the limit cuts factories.
    return _Answer(routes + factories, gaps, needs, command)


def _named(rule: Rule, ctx: _Context) -> _Answer:
    needles = [n.lower() for n in rule.names]
    kinds = set(rule.kinds)
    found = [
        e
        for e in ctx.directory.entries
        if (not kinds or e.kind in kinds) and any(n in e.name.lower() for n in needles)
    ]
    gaps = [] if found else [ctx.gap("no_named", name=rule.names[0])]
    return _Answer(found, gaps, [], None)
