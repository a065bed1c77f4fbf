"""Compute planner: training compute of a model, the accelerator-hours it takes, which AI Factory
access routes suit it, and where it stands against the AI Act's GPAI thresholds.

Training compute C ≈ 6·N·D FLOP (N parameters, D training tokens; Kaplan et al. 2020, used by the
Commission's GPAI guidelines, C(2025) 5045 para 132). Accelerator-hours solve the guidelines'
hardware formula C = N·L·H·U (para 126) for N·L at a stated utilisation U. Thresholds, accelerator
peaks and route bands are data (`data/compute.json`), each with its source.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from aidesk.directory.schema import Kind
from aidesk.directory.service import Directory, DirectoryError

PLAN_SCHEMA = "aidesk/compute-plan/v1"


class ComputeError(DirectoryError):
    """Bad input to the planner (a number, an accelerator, a profile file)."""


@cache
def compute_data() -> dict[str, Any]:
    text = resources.files("aidesk.directory").joinpath("data/compute.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def accelerators() -> dict[str, dict[str, Any]]:
    accs: dict[str, dict[str, Any]] = compute_data()["accelerators"]
    return accs


def training_flop(params: float, tokens: float) -> float:
    """C ≈ 6·N·D (Guidelines C(2025) 5045 para 132)."""
    return 6.0 * params * tokens


def accelerator_hours(flop: float, peak_flop_per_s: float, utilisation: float) -> float:
    """N·L in hours from C = N·L·H·U (Guidelines C(2025) 5045 para 126)."""
    return flop / (peak_flop_per_s * utilisation) / 3600.0


def above(flop: float, threshold: float) -> bool:
    """Both thresholds read "greater than": exactly at the threshold is not above it."""
    return flop > threshold


@dataclass(frozen=True)
class ThresholdResult:
    id: str
    label: str
    flop: float
    above: bool
    citation: str
    text: str


@dataclass(frozen=True)
class Route:
    id: str
    name: str
    kind: str
    why: str
    countries: list[str]
    status: str | None
    unverified: dict[str, str]
    legacy: bool = False


@dataclass(frozen=True)
class Plan:
    params: float
    tokens: float
    training_compute_flop: float
    approximation: dict[str, Any]
    accelerator: dict[str, Any]
    utilisation: float
    accelerator_hours: float
    thresholds: list[ThresholdResult]
    position: str
    routes: list[Route]
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"schema": PLAN_SCHEMA, **asdict(self)}


def _check_positive(name: str, value: float) -> None:
    if not value > 0 or value != value or value == float("inf"):
        raise ComputeError(f"--{name} {value!r}: must be a positive number, e.g. 7e9")


def _position(results: list[ThresholdResult]) -> str:
    by_id = {r.id: r for r in results}
    if by_id["systemic_risk_presumption"].above:
        return (
            "Above 10^25 FLOP: a GPAI model trained with this compute is presumed to have high-impact "
            "capabilities, i.e. to be a GPAI model with systemic risk (Art. 51(2))."
        )
    if by_id["gpai_indicative"].above:
        return (
            "Above the indicative GPAI criterion of 10^23 FLOP (if it generates language, images or video) "
            "and not above the 10^25 FLOP presumption of systemic risk (Art. 51(2))."
        )
    return "Not above the indicative GPAI criterion of 10^23 FLOP (Guidelines C(2025) 5045 para 17)."


def plan(
    params: float,
    tokens: float,
    *,
    accelerator: str = "h100",
    utilisation: float = 0.4,
    directory: Directory | None = None,
    country: str | None = None,
    sector: str | None = None,
) -> Plan:
    _check_positive("params", params)
    _check_positive("tokens", tokens)
    if not 0 < utilisation <= 1:
        raise ComputeError(f"--utilisation {utilisation!r}: must be a fraction in (0, 1], e.g. 0.4")
    accs = accelerators()
    key = accelerator.strip().lower()
    if key not in accs:
        raise ComputeError(f"--accelerator {accelerator!r}: unknown; use one of {', '.join(sorted(accs))}")
    data = compute_data()
    acc = {"id": key, **accs[key]}
    flop = training_flop(params, tokens)
    hours = accelerator_hours(flop, acc["peak_flop_per_s"], utilisation)
    results = [
        ThresholdResult(t["id"], t["label"], t["flop"], above(flop, t["flop"]), t["citation"], t["text"])
        for t in data["thresholds"]
    ]
    notes = [data["approximation"]["error_margin"], data["route_bands_note"]]
    routes: list[Route] = []
    if directory is not None:
        routes = _routes(directory, flop, country, sector, notes)
    return Plan(
        params=params,
        tokens=tokens,
        training_compute_flop=flop,
        approximation=data["approximation"],
        accelerator=acc,
        utilisation=utilisation,
        accelerator_hours=hours,
        thresholds=results,
        position=_position(results),
        routes=routes,
        notes=notes,
    )


def _routes(
    directory: Directory, flop: float, country: str | None, sector: str | None, notes: list[str]
) -> list[Route]:
    out: list[Route] = []
    for band in compute_data()["routes"]:
        lo, hi = band.get("min_flop"), band.get("max_flop")
        if (lo is not None and flop <= lo) or (hi is not None and flop > hi):
            continue
        select = band["select"]
        if "id" in select:
            entry = directory.get(select["id"])
            if entry is None:
                notes.append(f"Route {select['id']} is not in the directory data.")
                continue
            entries = [entry]
        else:
            if select["kind"] == Kind.ai_factory.value:
                lookup = directory.ai_factories(country=country, sector=sector)
                entries = lookup.entries  # the country's antennas first, then the AI Factories
                if lookup.gap:
                    notes.append(lookup.gap)
            else:
                entries = directory.filter(kind=select["kind"], include_legacy=False)
        for e in entries:
            out.append(
                Route(
                    e.id,
                    e.name,
                    e.kind.value,
                    band["why"],
                    list(e.countries),
                    e.status,
                    dict(e.unverified),
                    e.legacy,
                )
            )
    return out


# --------------------------------------------------------------------------- profile writing
def write_profile(path: Path, flop: float) -> None:
    """Set `gpai_model.training_compute_flop` in a profile YAML, keeping the rest of the file
    (comments, order, quoting) intact; written atomically."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.error import YAMLError

    yaml = YAML()  # round-trip, YAML 1.2
    yaml.preserve_quotes = True
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ComputeError(
            f"{path}: no such profile; give an existing profile YAML to --write-profile"
        ) from None
    except OSError as exc:
        raise ComputeError(f"{path}: cannot read ({exc.strerror})") from None
    try:
        doc = yaml.load(text)
    except YAMLError as exc:
        raise ComputeError(f"{path}: not valid YAML ({str(exc).splitlines()[0]}); fix the file") from None
    if not isinstance(doc, dict):
        raise ComputeError(f"{path}: a profile must be a YAML mapping (key: value); fix the file")
    gpai = doc.get("gpai_model")
    if gpai is None:
        doc["gpai_model"] = CommentedMap()
        gpai = doc["gpai_model"]
    if not isinstance(gpai, dict):
        raise ComputeError(f"{path}: gpai_model must be a mapping; fix the file")
    gpai["training_compute_flop"] = float(flop)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            yaml.dump(doc, fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
