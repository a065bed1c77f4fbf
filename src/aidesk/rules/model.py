"""The assessment (output), schema `aidesk/assessment/v1`: serialises exactly to the JSON of SPEC §2.

Fields marked `exclude=True` are for human-readable renderings (the Rich report, the web page) and
never appear in the JSON.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ASSESSMENT_SCHEMA: Literal["aidesk/assessment/v1"] = "aidesk/assessment/v1"

RiskClass = Literal[
    "out_of_scope", "prohibited", "high_risk", "transparency", "minimal", "gpai_model", "gpai_model_systemic"
]
RISK_CLASSES: tuple[str, ...] = (
    "out_of_scope", "prohibited", "high_risk", "transparency", "minimal", "gpai_model", "gpai_model_systemic"
)  # fmt: skip


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Gpai(_Out):
    is_gpai_model: bool
    systemic_risk: bool


class Obligation(_Out):
    id: str
    title: str
    role: str
    citations: list[str]
    applies_from: date | None
    in_force: bool


class Deadline(_Out):
    date: date
    what: str
    citations: list[str]


class Penalty(_Out):
    max_eur: int
    max_turnover_pct: int
    citations: list[str]
    what: str = Field(default="", exclude=True)
    lower_of: bool = Field(default=False, exclude=True)


class OpenQuestion(_Out):
    """An unanswered profile key whose answer could change the result.

    `could_change_to` lists the risk classes the answer could lead to; it is empty when the answer
    would change obligations or dates but not the class.
    """

    field: str
    question: str
    could_change_to: list[str]
    text: str = Field(default="", exclude=True)


class TraceStep(_Out):
    step: str
    result: str
    citations: list[str]


class Assessment(_Out):
    schema_: Literal["aidesk/assessment/v1"] = Field(default=ASSESSMENT_SCHEMA, alias="schema")
    profile: str
    regime: str
    regime_version: str
    as_of: date
    in_scope: bool
    risk_class: RiskClass
    prohibited_practices: list[str]
    high_risk_grounds: list[str]
    transparency_obligations: list[str]
    gpai: Gpai
    obligations: list[Obligation]
    deadlines: list[Deadline]
    penalties: list[Penalty]
    open_questions: list[OpenQuestion]
    notes: list[str]
    trace: list[TraceStep]
    lang: str = Field(default="en", exclude=True)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @classmethod
    def from_parts(
        cls,
        *,
        profile: str,
        regime: str,
        regime_version: str,
        as_of: date,
        in_scope: bool,
        risk_class: RiskClass,
        prohibited_practices: list[str],
        high_risk_grounds: list[str],
        transparency_obligations: list[str],
        gpai: Gpai,
        obligations: list[Obligation],
        deadlines: list[Deadline],
        penalties: list[Penalty],
        open_questions: list[OpenQuestion],
        notes: list[str],
        trace: list[TraceStep],
        lang: str,
    ) -> Assessment:
        """The assessment of parts that are already valid, as `Assessment(...)` would make it — the same
        field values, fields set and JSON — without validating the parts again (a good share of the cost of
        an assessment). For the engine, which builds each part with its model and passes new lists of the
        declared types; anything else goes through `Assessment(...)`. tests/rules/test_engine_parts.py
        checks the two agree.
        """
        made = cls.__new__(cls)
        values = {
            "schema_": ASSESSMENT_SCHEMA,
            "profile": profile,
            "regime": regime,
            "regime_version": regime_version,
            "as_of": as_of,
            "in_scope": in_scope,
            "risk_class": risk_class,
            "prohibited_practices": prohibited_practices,
            "high_risk_grounds": high_risk_grounds,
            "transparency_obligations": transparency_obligations,
            "gpai": gpai,
            "obligations": obligations,
            "deadlines": deadlines,
            "penalties": penalties,
            "open_questions": open_questions,
            "notes": notes,
            "trace": trace,
            "lang": lang,
        }
        # What `BaseModel.model_construct` sets, without its walk over the fields and their aliases.
        _set(made, "__dict__", values)
        _set(made, "__pydantic_fields_set__", set(_GIVEN))
        _set(made, "__pydantic_extra__", None)
        _set(made, "__pydantic_private__", None)
        return made

    def to_json_dict(self) -> dict[str, Any]:
        """The SPEC §2 JSON object (dates as ISO strings, keys in contract order)."""
        return self.model_dump(mode="json", by_alias=True)

    def to_json(self, indent: int | None = None) -> str:
        return self.model_dump_json(by_alias=True, indent=indent)


_set = object.__setattr__  # the models are frozen
_GIVEN = frozenset(Assessment.model_fields) - {"schema_"}  # the fields `from_parts` is given
