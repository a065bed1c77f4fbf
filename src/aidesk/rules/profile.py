"""The AI system profile, schema `aidesk/profile/v1` (SPEC §1): strict Pydantic v2 models and a loader.

Strict means: unknown keys, unknown enum values, non-ISO country codes, impossible dates, Annex III
points that do not exist, and contradictions between keys are all errors. Every problem becomes one
line naming the key path and the fix, collected in a `ProfileError` (so a CLI can print them and exit 2,
an API can answer 422).

YAML is read with YAML 1.2 semantics (ruamel.yaml safe loader): `3e25` is a number, `NO` (Norway) is a
string. Dates are kept as text by the YAML reader and validated here, so that `2026-02-30` is reported
as a bad date of a named key instead of failing inside the parser.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from aidesk.rules.vocab import (
    ANNEX_III_POINTS,
    COUNTRY_ALIASES,
    ISO_COUNTRIES,
    AnnexIAct,
    Exclusion,
    Kind,
    Practice,
    PracticeException,
    Role,
    Size,
)

PROFILE_SCHEMA = "aidesk/profile/v1"


# --- problems --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a profile: where (`path`, e.g. `annex_iii[0]`) and what to do."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ProfileError(ValueError):
    """A profile that cannot be assessed. `problems` has one entry per problem, each one line."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self.one_line())

    def one_line(self) -> str:
        head = f"{self.source}: " if self.source else ""
        return head + "; ".join(str(p) for p in self.problems)


class _Contradiction(ValueError):
    """Raised inside the model validator; carries every contradiction found (see `_problems_from`)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# --- field types -----------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _to_date(value: object) -> object:
    if isinstance(value, datetime):
        raise ValueError("expected a date without a time, e.g. 2026-09-01")
    if isinstance(value, date) or value is None:
        return value
    if isinstance(value, str):
        text = value.strip()
        if not _ISO_DATE.match(text):
            raise ValueError(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01")
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"{value!r} is not a calendar date (no such day); check the month and day"
            ) from None
    raise ValueError(f"expected a date written YYYY-MM-DD, got {type(value).__name__} {value!r}")


def _to_bool(value: object) -> object:
    if isinstance(value, bool) or value is None:
        return value
    raise ValueError(f"expected true or false, got {value!r}")


def _to_flop(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(
            f"expected a number of floating-point operations, e.g. 3.0e+25 (without quotes), got {value!r}"
        )
    try:
        number = float(value)
    except OverflowError:
        raise ValueError(f"expected a finite number, got an integer of {len(str(value))} digits") from None
    if math.isnan(number) or math.isinf(number) or number < 0:
        raise ValueError(f"expected a finite, non-negative number, got {value!r}")
    return number


def _to_country(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f"expected a two-letter ISO 3166-1 country code such as FR, got {value!r}")
    code = value.strip()
    if code.upper() in COUNTRY_ALIASES:
        raise ValueError(f"{value!r} is not an ISO 3166-1 code; use {COUNTRY_ALIASES[code.upper()]}")
    if code not in ISO_COUNTRIES:
        hint = f"; did you mean {code.upper()}?" if code.upper() in ISO_COUNTRIES else ""
        raise ValueError(
            f"{value!r} is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. FR, DE, NO){hint}"
        )
    return code


def _to_annex_iii_point(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError(f'expected an Annex III point such as "4(a)" (quoted), got {value!r}')
    point = value.strip()
    if point in ANNEX_III_POINTS:
        return point
    compact = re.sub(r"^(annex\s+iii\s*,?\s*(point\s*)?)", "", point, flags=re.I).replace(" ", "")
    m = re.fullmatch(r"(\d)\(?([a-e])?\)?", compact)
    suggestion = None
    if m:
        guess = m.group(1) + (f"({m.group(2)})" if m.group(2) else "")
        suggestion = guess if guess in ANNEX_III_POINTS else None
    hint = f'; did you mean "{suggestion}"?' if suggestion else ""
    raise ValueError(f"{value!r} is not a point of Annex III{hint}; allowed: {', '.join(ANNEX_III_POINTS)}")


StrictBoolOpt = Annotated[bool | None, BeforeValidator(_to_bool)]
StrictBool = Annotated[bool, BeforeValidator(_to_bool)]
IsoDate = Annotated[date | None, BeforeValidator(_to_date)]
Flop = Annotated[float | None, BeforeValidator(_to_flop)]
CountryCode = Annotated[str, BeforeValidator(_to_country)]
AnnexIIIPoint = Annotated[str, BeforeValidator(_to_annex_iii_point)]
NonEmptyText = Annotated[str, Field(min_length=1, max_length=2000)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)

    def given(self, name: str) -> bool:
        """True when the profile states this key (even as false); false when it was left out."""
        return name in self.model_fields_set


class Organisation(_Part):
    name: NonEmptyText | None = None
    country: CountryCode | None = None
    size: Size | None = None


class Location(_Part):
    established_in_eu: StrictBoolOpt = None
    placed_on_eu_market: StrictBoolOpt = None
    output_used_in_eu: StrictBoolOpt = None


class AnnexI(_Part):
    legislation: AnnexIAct | None = None
    safety_component: StrictBoolOpt = None
    third_party_conformity_assessment: StrictBoolOpt = None


class Article63(_Part):
    narrow_procedural_task: StrictBool = False
    improves_prior_human_activity: StrictBool = False
    detects_patterns_without_replacing_human_assessment: StrictBool = False
    preparatory_task: StrictBool = False
    profiling_of_natural_persons: StrictBool = False


class Transparency(_Part):
    interacts_with_natural_persons: StrictBool = False
    generates_synthetic_content: StrictBool = False
    emotion_recognition: StrictBool = False
    biometric_categorisation: StrictBool = False
    deep_fake: StrictBool = False
    public_interest_text: StrictBool = False
    human_editorial_review: StrictBool = False


class GpaiModel(_Part):
    training_compute_flop: Flop = None
    open_source: StrictBool = False
    designated_systemic_risk: StrictBool = False


class Deployer(_Part):
    public_authority: StrictBool = False
    provides_public_services: StrictBool = False
    workplace_use: StrictBool = False


def _empty_list() -> Any:
    """The default of a list key: a new empty list per profile, made by `list()`. (A default of `[]` is
    deep-copied by pydantic for each profile that leaves the key out, ~20 % of the cost of a validation.)
    The JSON schema shows the default, as for `[]`."""
    return Field(default_factory=list, json_schema_extra={"default": []})


_LIST_KEYS = ("roles", "exclusions", "prohibited_practices", "prohibited_exceptions", "annex_iii")


def _unique(items: Sequence[Any]) -> list[Any]:
    seen: list[Any] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


class Profile(_Part):
    """An AI system or GPAI model, as its organisation describes it (SPEC §1)."""

    schema_: Literal["aidesk/profile/v1"] | None = Field(default=None, alias="schema")
    name: NonEmptyText
    description: Annotated[str, Field(max_length=20000)] | None = None
    kind: Kind = Kind.ai_system
    organisation: Organisation = Organisation()
    roles: list[Role] = _empty_list()
    location: Location = Location()
    placed_on_market: IsoDate = None
    significant_change_after: IsoDate = None
    exclusions: list[Exclusion] = _empty_list()
    prohibited_practices: list[Practice] = _empty_list()
    prohibited_exceptions: list[PracticeException] = _empty_list()
    annex_i: AnnexI = AnnexI()
    annex_iii: list[AnnexIIIPoint] = _empty_list()
    article_6_3: Article63 = Article63()
    transparency: Transparency = Transparency()
    gpai_model: GpaiModel = GpaiModel()
    deployer: Deployer = Deployer()

    @model_validator(mode="after")
    def _no_contradictions(self) -> Profile:
        # Lists are sets: drop repeats silently (order of first mention kept).
        fields = self.__dict__
        for key in _LIST_KEYS:
            values = fields[key]
            if len(values) > 1 and len(set(values)) != len(values):
                object.__setattr__(self, key, _unique(values))
        problems = contradictions(self)
        if problems:
            raise _Contradiction(problems)
        return self


def _true_keys(part: _Part) -> list[str]:
    return [name for name, value in part if value is True]


def contradictions(p: Profile) -> list[Problem]:
    """Keys that cannot all be true of one system. Each problem names both keys."""
    problems: list[Problem] = []
    if p.kind is Kind.gpai_model:
        what = "kind: gpai_model (a model is not an AI system; describe the system built on it as a separate profile)"
        if p.annex_iii:
            problems.append(Problem("annex_iii", f"contradicts {what}; remove annex_iii or change kind"))
        if (
            p.annex_i.legislation is not None
            or p.annex_i.safety_component
            or p.annex_i.third_party_conformity_assessment
        ):
            problems.append(Problem("annex_i", f"contradicts {what}; remove annex_i or change kind"))
        if p.prohibited_practices:
            problems.append(Problem("prohibited_practices", f"contradicts {what}; remove it or change kind"))
        if p.prohibited_exceptions:
            problems.append(Problem("prohibited_exceptions", f"contradicts {what}; remove it or change kind"))
        for key in _true_keys(p.article_6_3):
            problems.append(Problem(f"article_6_3.{key}", f"contradicts {what}; remove it or change kind"))
        for key in _true_keys(p.transparency):
            problems.append(Problem(f"transparency.{key}", f"contradicts {what}; remove it or change kind"))
        for key in _true_keys(p.deployer):
            problems.append(Problem(f"deployer.{key}", f"contradicts {what}; remove it or change kind"))
    if p.kind is Kind.ai_system:
        model = p.gpai_model
        if model.training_compute_flop is not None or model.open_source or model.designated_systemic_risk:
            problems.append(
                Problem(
                    "gpai_model",
                    "contradicts kind: ai_system; gpai_model describes a general-purpose AI model: "
                    "use kind: gpai_model (the model) or gpai_system (a system built on one), or remove gpai_model",
                )
            )
    if (
        p.placed_on_market is not None
        and p.significant_change_after is not None
        and p.significant_change_after < p.placed_on_market
    ):
        problems.append(
            Problem(
                "significant_change_after",
                f"{p.significant_change_after} is before placed_on_market {p.placed_on_market}; "
                "a change in design comes after the first placing on the market",
            )
        )
    return problems


# --- turning pydantic errors into one-line problems -------------------------------------------------

_NESTED: dict[str, type[_Part]] = {
    "organisation": Organisation,
    "location": Location,
    "annex_i": AnnexI,
    "article_6_3": Article63,
    "transparency": Transparency,
    "gpai_model": GpaiModel,
    "deployer": Deployer,
}

_ENUM_OF: dict[str, type[Any]] = {
    "kind": Kind,
    "roles": Role,
    "exclusions": Exclusion,
    "prohibited_practices": Practice,
    "prohibited_exceptions": PracticeException,
    "size": Size,
    "legislation": AnnexIAct,
}


def _allowed_keys(model: type[_Part]) -> list[str]:
    return [(f.alias or name) for name, f in model.model_fields.items()]


def _format_loc(loc: Sequence[int | str]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text


def _problems_from(exc: ValidationError) -> list[Problem]:
    problems: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = [p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        path = _format_loc(loc)
        kind = err["type"]
        ctx = err.get("ctx") or {}
        error = ctx.get("error")
        if isinstance(error, _Contradiction):
            problems.extend(error.problems)
            continue
        field = next((p for p in reversed(loc) if isinstance(p, str)), "")
        if kind == "extra_forbidden":
            parent = loc[0] if len(loc) > 1 else None
            model: type[_Part] = _NESTED.get(str(parent), Profile) if parent else Profile
            problems.append(
                Problem(path, f"unknown key; allowed keys here: {', '.join(_allowed_keys(model))}")
            )
        elif kind == "missing":
            hint = "add e.g. name: CV screening assistant" if path == "name" else "add this key"
            problems.append(Problem(path, f"required key is missing; {hint}"))
        elif kind in ("enum", "literal_error"):
            enum = _ENUM_OF.get(field)
            allowed = ", ".join(m.value for m in enum) if enum else str(ctx.get("expected", ""))
            problems.append(Problem(path, f"{err['input']!r} is not allowed; use one of: {allowed}"))
        elif kind == "value_error" and error is not None:
            problems.append(Problem(path, str(error)))
        elif kind in ("list_type",):
            problems.append(Problem(path, f"expected a list, e.g. {field}: [...], got {err['input']!r}"))
        elif kind in ("model_type", "model_attributes_type", "dict_type"):
            allowed = ", ".join(_allowed_keys(_NESTED[field])) if field in _NESTED else ""
            problems.append(
                Problem(
                    path or "(profile)",
                    f"expected a mapping of keys to values{' (' + allowed + ')' if allowed else ''}, got {type(err['input']).__name__}",
                )
            )
        elif kind in ("string_type",):
            problems.append(Problem(path, f"expected text, got {err['input']!r}"))
        elif kind in ("string_too_short",):
            problems.append(Problem(path, "must not be empty"))
        elif kind in ("string_too_long",):
            problems.append(Problem(path, f"too long (at most {ctx.get('max_length')} characters)"))
        else:
            problems.append(Problem(path, err["msg"]))
    return problems


# --- loading ---------------------------------------------------------------------------------------


def profile_from_data(data: object, source: str | None = None) -> Profile:
    """Validate already-parsed data (a mapping) as a profile. Raises `ProfileError`."""
    if type(data) is not dict and not isinstance(data, Mapping):  # a dict skips the slower ABC check
        raise ProfileError(
            [Problem("", f"a profile must be a mapping of keys to values, got {type(data).__name__}")], source
        )
    try:
        return Profile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_problems_from(exc), source) from None


def _yaml(pure: bool = True) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import SafeConstructor
    from ruamel.yaml.nodes import ScalarNode
    from ruamel.yaml.resolver import VersionedResolver

    class _Constructor(SafeConstructor):
        """YAML 1.2 safe constructor that keeps timestamps as text (validated by the models)."""

    def _timestamp_as_text(self: SafeConstructor, node: Any) -> Any:
        return self.construct_scalar(node)

    _Constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)
    yaml = YAML(typ="safe", pure=pure)
    yaml.Constructor = _Constructor
    if pure:
        return yaml

    class _Resolver(VersionedResolver):
        """The YAML 1.2 resolver, for the C parser, without its per-scalar overhead.

        Under the C parser ruamel finds no scanner to ask for a `%YAML` directive and falls back to its
        default version, 1.2, through two caught AttributeErrors per scalar; this returns that version at
        once. The tag of a plain or quoted scalar depends only on its text and style, so it is looked up
        once per distinct scalar of a document.
        """

        @property
        def processing_version(self) -> Any:
            return _C_PARSER_VERSION

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is not ScalarNode or self.yaml_path_resolvers:
                return super().resolve(kind, value, implicit)
            memo: dict[tuple[Any, Any], Any] = self.__dict__.setdefault("_aidesk_tags", {})
            key = (value, implicit)
            tag = memo.get(key)
            if tag is None:
                tag = memo[key] = super().resolve(kind, value, implicit)
            return tag

    yaml.Resolver = _Resolver
    return yaml


# What ruamel's resolver uses under the C parser, which reports no %YAML directive (see _load_yaml).
_C_PARSER_VERSION = (1, 2)

_YAML: Any = None  # the pure-Python parser
_FAST_YAML: Any = None  # ruamel.yaml.clib's C parser (the pure one when it is not installed)


def _load_yaml(text: str) -> Any:
    """Read YAML 1.2 text. Most text goes through the C parser of ruamel.yaml.clib (several times faster; the
    same resolver and constructor in Python, so the same values: `NO` a string, `3e25` a number, dates as
    text). The pure-Python parser, as before, reads text with a `%YAML` directive (the C parser ignores its
    version) and words the error for text that is not valid YAML, so messages do not depend on the parser.
    """
    global _YAML, _FAST_YAML
    if "%YAML" not in text:
        if _FAST_YAML is None:
            _FAST_YAML = _yaml(pure=False)
        try:
            return _FAST_YAML.load(text)
        except Exception:  # the pure parser below reports it
            pass
    if _YAML is None:
        _YAML = _yaml()
    return _YAML.load(text)


def parse_text(text: str, fmt: Literal["yaml", "json"] | None = None, source: str | None = None) -> object:
    """Parse YAML (1.2) or JSON text into plain data. Raises `ProfileError` on a syntax error."""
    if fmt is None:
        fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    if fmt == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProfileError(
                [Problem("", f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")], source
            ) from None
    try:
        return _load_yaml(text)
    except Exception as exc:  # ruamel raises many error types; all mean "not YAML we can read"
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ProfileError([Problem("", f"not valid YAML{where}: {problem}")], source) from None


def format_of(path: str | Path) -> Literal["yaml", "json"] | None:
    suffix = Path(path).suffix.lower()
    if suffix == ".json":
        return "json"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    return None


def parse_profile(
    text: str, fmt: Literal["yaml", "json"] | None = None, source: str | None = None
) -> Profile:
    """Parse and validate one profile from YAML or JSON text."""
    return profile_from_data(parse_text(text, fmt, source), source)


def load_profile(path: str | Path) -> Profile:
    """Read and validate one profile file (YAML or JSON, by extension or content)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError([Problem("", f"cannot read the file: {exc}")], str(p)) from None
    return parse_profile(text, format_of(p), str(p))
