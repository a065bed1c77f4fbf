"""The compute planner over HTTP (issue 10): `GET /compute/plan` and `GET /compute/accelerators`.

A thin adapter over `aidesk.directory.compute` (the same planner as `aidesk compute plan`): training
compute ≈ 6·N·D FLOP, the accelerator-hours at a stated utilisation, where the model stands against
the GPAI thresholds (the guidelines' indicative criterion, the Art. 51(2) presumption) and which
access routes of the directory suit it. A GET with query parameters: nothing is stored, the answer
can be linked to and cached. Bad numbers (not finite, below one parameter or token, beyond
`MAX_PARAMS` / `MAX_TOKENS`, a utilisation outside [`MIN_UTILISATION`, 1]) are 422 problem+json
naming the parameter.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from aidesk.api.problems import ApiError, FieldProblem, bad_input, one_line, problem_responses
from aidesk.api.security import PublicAccess
from aidesk.api.state import state_of
from aidesk.directory.compute import PLAN_SCHEMA, accelerators

router = APIRouter(dependencies=[PublicAccess], responses=problem_responses(401, 403))

# "Absurd" bounds: a thousand times beyond the largest models and training sets reported so far
# (about 10^12 parameters, 10^14 tokens). Above them the figure is a typing error, not a plan.
MAX_PARAMS = 1e15
MAX_TOKENS = 1e17
# Below 1 % of peak, the figure is a typing error too (real runs reach about 20-60 %).
MIN_UTILISATION = 0.01


class ApproximationOut(BaseModel):
    formula: str = Field(description="`C ≈ 6·N·D`.")
    text: str
    citations: list[str] = Field(
        description="Where the approximation is used, e.g. the guidelines paragraph."
    )
    source: str = Field(description="Where it comes from (Kaplan et al. 2020).")
    error_margin: str
    hardware_formula: str


class AcceleratorOut(BaseModel):
    id: str = Field(description="The identifier to pass as `accelerator`.")
    name: str
    peak_flop_per_s: float = Field(description="Peak dense FLOP/s at the stated precision.")
    precision: str
    sources: list[str] = Field(description="Where the peak figure comes from.")
    note: str | None = None


class ThresholdOut(BaseModel):
    id: str = Field(description="`gpai_indicative` or `systemic_risk_presumption`.")
    label: str
    flop: float = Field(description="The threshold in FLOP (the model must be greater than it).")
    above: bool = Field(description="Whether the training compute is greater than the threshold.")
    citation: str = Field(description="`Guidelines C(2025) 5045 para 17` or `Art. 51(2)`.")
    text: str
    href: str | None = Field(
        default=None, description="The provision in the web desk's law view (AI Act citations only)."
    )


class RouteOut(BaseModel):
    id: str = Field(description="The directory entry id (see GET /api/v1/directory/{entry_id}).")
    name: str
    kind: str
    why: str = Field(description="Why this route suits a model of this size (guidance, not eligibility).")
    countries: list[str]
    status: str | None
    unverified: dict[str, str] = Field(description="Fields of the entry whose data is not verified.")
    legacy: bool = False
    href: str = Field(description="The entry in the API.")


class ComputePlanOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "schema": PLAN_SCHEMA,
                "params": 7e9,
                "tokens": 2e12,
                "training_compute_flop": 8.4e22,
                "utilisation": 0.4,
                "accelerator_hours": 58982.1,
            }
        }
    )

    schema_: str = Field(alias="schema", description=f"`{PLAN_SCHEMA}`.")
    params: float = Field(description="Model parameters N.")
    tokens: float = Field(description="Training tokens D.")
    training_compute_flop: float = Field(description="C ≈ 6·N·D FLOP.")
    approximation: ApproximationOut
    accelerator: AcceleratorOut
    utilisation: float
    accelerator_hours: float = Field(description="N·L of C = N·L·H·U, in hours.")
    thresholds: list[ThresholdOut]
    position: str = Field(description="Where the model stands against the thresholds, in one sentence.")
    routes: list[RouteOut] = Field(description="Access routes of the directory that suit this size.")
    notes: list[str]
    profile_snippet: dict[str, Any] = Field(
        description="A profile fragment with `gpai_model.training_compute_flop` set (schema aidesk/profile/v1)."
    )


def _accelerator_json(key: str, acc: dict[str, Any]) -> dict[str, Any]:
    return {"id": key, **acc}


def _law_href(citation: str) -> str | None:
    try:
        from aidesk.web.links import law_href
    except ImportError:  # the web desk is not installed
        return None
    return law_href(citation)


def check_numbers(params: float, tokens: float, utilisation: float) -> list[tuple[str, str]]:
    """What is wrong with the planner's numbers: (parameter name, message) pairs (also used by the web
    page, whose form fields have the same names)."""
    problems: list[tuple[str, str]] = []
    for name, value, maximum in (("params", params, MAX_PARAMS), ("tokens", tokens, MAX_TOKENS)):
        if not math.isfinite(value):
            problems.append((name, "must be a finite number, e.g. 7e9"))
        elif value < 1:
            problems.append((name, "must be at least 1"))
        elif value > maximum:
            problems.append((name, f"{value:g} is beyond any plausible model (at most {maximum:g})"))
    if not math.isfinite(utilisation) or not MIN_UTILISATION <= utilisation <= 1:
        problems.append(("utilisation", f"must be a fraction between {MIN_UTILISATION:g} and 1, e.g. 0.4"))
    return problems


Accelerator = Annotated[
    str,
    Query(
        description="The accelerator (see GET /api/v1/compute/accelerators).",
        json_schema_extra={"enum": sorted(accelerators())},
    ),
]


@router.get(
    "/compute/plan",
    tags=["compute"],
    summary="Plan the training compute of a model",
    response_model=ComputePlanOut,
    response_model_by_alias=True,
    responses=problem_responses(422),
)
def compute_plan(
    request: Request,
    params: Annotated[float, Query(description="Model parameters N, e.g. 7e9.", examples=[7e9])],
    tokens: Annotated[float, Query(description="Training tokens D, e.g. 2e12.", examples=[2e12])],
    accelerator: Accelerator = "h100",
    utilisation: Annotated[
        float, Query(description="Average utilisation of the peak FLOP/s, from 0.01 to 1.", examples=[0.4])
    ] = 0.4,
    country: Annotated[
        str | None,
        Query(max_length=64, description="Your country (ISO 3166-1 alpha-2): its AI Factories first."),
    ] = None,
    sector: Annotated[
        str | None, Query(max_length=64, description="Your sector: AI Factories focused on it first.")
    ] = None,
) -> dict[str, Any]:
    """Training compute ≈ 6·N·D FLOP (the approximation and its source are in the answer), the
    accelerator-hours it takes at the stated utilisation (sourced peak figures), where the model stands
    against the indicative GPAI criterion (Guidelines C(2025) 5045 para 17) and the presumption of
    systemic risk (Art. 51(2)), and the access routes of the directory that suit a model of this size.
    `profile_snippet` is the fragment to put in a profile (`gpai_model.training_compute_flop`)."""
    from aidesk.directory import service
    from aidesk.directory.compute import plan

    problems = check_numbers(params, tokens, utilisation)
    if problems:
        errors = [FieldProblem(field=f"query.{name}", message=message) for name, message in problems]
        raise ApiError(422, one_line(errors), errors=errors)
    if accelerator.strip().lower() not in accelerators():
        raise bad_input("query.accelerator", f"unknown; use one of: {', '.join(sorted(accelerators()))}")
    directory = service.load(state_of(request).settings.data_dir)
    try:
        result = plan(
            params,
            tokens,
            accelerator=accelerator,
            utilisation=utilisation,
            directory=directory,
            country=country or None,
            sector=sector or None,
        )
    except service.DirectoryError as exc:
        message = str(exc)
        names = ("country", "sector", "params", "tokens", "utilisation", "accelerator")
        field = next((f"query.{n}" for n in names if f"--{n}" in message), "query")
        raise bad_input(field, message.replace("--", "")) from None
    doc = result.to_json()
    for t in doc["thresholds"]:
        t["href"] = _law_href(t["citation"])
    for r in doc["routes"]:
        r["href"] = f"/api/v1/directory/{r['id']}"
    doc["profile_snippet"] = {
        "kind": "gpai_model",
        "gpai_model": {"training_compute_flop": result.training_compute_flop},
    }
    return doc


@router.get(
    "/compute/accelerators",
    tags=["compute"],
    summary="The accelerators the planner knows",
    response_model=list[AcceleratorOut],
)
def compute_accelerators() -> list[dict[str, Any]]:
    """Each accelerator's peak dense FLOP/s at the stated precision, with the sources of the figure."""
    return [_accelerator_json(k, a) for k, a in sorted(accelerators().items())]
