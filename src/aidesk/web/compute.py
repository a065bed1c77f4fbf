"""The compute planner page (issue 10), linked from the directory: a form (parameters, tokens,
accelerator, utilisation, country) that works without JavaScript, the plan in plain words with its
citations linked into the law view and the access routes linked to their directory entries, and a
profile snippet (`gpai_model.training_compute_flop`) to download as YAML.

The same planner as `aidesk compute plan` and `GET /api/v1/compute/plan` (`aidesk.directory.compute`).
"""

from __future__ import annotations

import math
import re
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aidesk.api.compute import MIN_UTILISATION, check_numbers
from aidesk.directory import service
from aidesk.directory.compute import ComputeError, accelerators, plan
from aidesk.directory.schema import EU_MEMBER_STATES, KIND_LABELS, Kind
from aidesk.web.directory import data_dir
from aidesk.web.i18n import N_, country_name, fmt_number, gettext
from aidesk.web.links import law_href
from aidesk.web.render import lang_of, page

router = APIRouter()

PATH = "/directory/compute"
SNIPPET_PATH = "/directory/compute/profile.yaml"
EXAMPLE = {"params": "7e9", "tokens": "2e12", "accelerator": "h100", "utilisation": "40"}
FLEET = 1000  # "… days on 1,000 accelerators"
_SUFFIXES = {"k": 1e3, "m": 1e6, "b": 1e9, "g": 1e9, "t": 1e12}
_POWER = re.compile(r"^([0-9.]+)?\s*[x×*]?\s*10\s*\^\s*([0-9]+)$")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")

FIELD_MESSAGES = {
    "params": N_("Give the number of parameters, e.g. 7e9 or 7B, at least 1 and at most 10¹⁵."),
    "tokens": N_("Give the number of training tokens, e.g. 2e12 or 2T, at least 1 and at most 10¹⁷."),
    "utilisation": N_("Give the utilisation as a percentage between 1 and 100, e.g. 40."),
    "accelerator": N_("Choose an accelerator from the list."),
    "country": N_("Choose a country from the list."),
}
# Plain words for each threshold, above it or not (the data's own text is shown too, in English).
THRESHOLD_WORDS = {
    ("gpai_indicative", True): N_(
        "Above 10²³ FLOP: by the indicative criterion of the Commission's guidelines, a model trained "
        "with this much compute that can generate language (text or audio), images or video is "
        "considered a general-purpose AI model, unless it can competently perform only a narrow set of tasks."
    ),
    ("gpai_indicative", False): N_(
        "Not above 10²³ FLOP: the indicative criterion for a general-purpose AI model is not met "
        "(a model may still be one if it displays significant generality)."
    ),
    ("systemic_risk_presumption", True): N_(
        "Above 10²⁵ FLOP: a general-purpose AI model trained with this compute is presumed to have "
        "high-impact capabilities, that is to be a general-purpose AI model with systemic risk; its "
        "provider must notify the Commission."
    ),
    ("systemic_risk_presumption", False): N_(
        "Not above 10²⁵ FLOP: the presumption of high-impact capabilities does not apply (the "
        "Commission may still designate a model with equivalent capabilities or impact)."
    ),
}
THRESHOLD_TITLES = {
    "gpai_indicative": N_("Indicative criterion for a general-purpose AI model"),
    "systemic_risk_presumption": N_("Presumption of systemic risk"),
}
# Provisions each threshold's plain words rest on, linked into the law view.
THRESHOLD_LAW = {
    ("gpai_indicative", True): ["Art. 3(63)"],
    ("gpai_indicative", False): ["Art. 3(63)"],
    ("systemic_risk_presumption", True): ["Art. 51(2)", "Art. 52(1)"],
    ("systemic_risk_presumption", False): ["Art. 51(2)", "Art. 51(1)(b)"],
}


def parse_number(text: str) -> float | None:
    """A number as people type it: `7e9`, `7 000 000 000`, `7,000,000,000`, `7,5e9`, `7B`, `2T`,
    `7×10^9`, `10^23`. None if it is not one."""
    s = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("_", "")
    if not s:
        return None
    if s.count(",") == 1 and "." not in s and not re.search(r",\d{3}(\D|$)", s):
        s = s.replace(",", ".")  # a decimal comma (7,5e9)
    else:
        s = s.replace(",", "")  # thousands separators
    factor = 1.0
    m = _POWER.match(s)  # 7×10^9: read as 7e9 (exact, and inf beyond a float's range)
    if m:
        try:
            return float(f"{m.group(1) or '1'}e{int(m.group(2))}")
        except ValueError:
            return None
    if s[-1].lower() in _SUFFIXES:
        factor = _SUFFIXES[s[-1].lower()]
        s = s[:-1]
    try:
        return float(s) * factor
    except ValueError:
        return None


def sci(value: float, lang: str) -> str:
    """`8.4 × 10²²` (French: `8,4 × 10²²`)."""
    if value == 0 or not math.isfinite(value):
        return fmt_number(value, lang)
    exponent = math.floor(math.log10(abs(value)))
    mantissa = round(value / 10**exponent, 2)
    if abs(mantissa) >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    power = f"10{str(exponent).translate(_SUPERSCRIPT)}"
    return power if mantissa == 1 else f"{fmt_number(mantissa, lang)} × {power}"


def count(value: float, lang: str) -> str:
    """A count people read: grouped digits up to a billion, then scientific."""
    return fmt_number(round(value), lang) if value < 1e9 else sci(value, lang)


def _ratio(ratio: float, lang: str) -> str:
    """How many times the threshold: two significant digits below 10, then whole numbers."""
    if ratio < 1e-4 or ratio >= 1e6:
        return sci(ratio, lang)
    return fmt_number(float(f"{ratio:.2g}") if ratio < 10 else round(ratio), lang)


def yaml_float(value: float) -> str:
    """A float that YAML 1.1 and 1.2 both read as a float (a dot and a signed exponent): `8.4e+22`."""
    mantissa, _, exponent = f"{value:.6e}".partition("e")
    mantissa = mantissa.rstrip("0")
    mantissa += "0" if mantissa.endswith(".") else ""
    return f"{mantissa}e{exponent}"


def snippet(flop: float, params: float, tokens: float) -> str:
    return (
        "# aidesk profile snippet (schema aidesk/profile/v1): training compute from the compute planner,\n"
        f"# C ≈ 6·N·D = 6 × {params:g} parameters × {tokens:g} tokens (Guidelines C(2025) 5045 para 132).\n"
        "# Merge it into the model's profile.\n"
        "kind: gpai_model\n"
        "gpai_model:\n"
        f"  training_compute_flop: {yaml_float(flop)}\n"
    )


def _kind_label(kind: str, lang: str) -> str:
    en, fr = KIND_LABELS[Kind(kind)]
    return fr if lang == "fr" else en


def _options(lang: str, directory: service.Directory) -> dict[str, Any]:
    present = sorted(
        {c for e in directory.entries for c in e.countries if c in EU_MEMBER_STATES},
        key=lambda c: country_name(c, lang),
    )
    return {
        "accelerators": [
            {"value": k, "label": a["name"], "peak": sci(a["peak_flop_per_s"], lang)}
            for k, a in sorted(accelerators().items())
        ],
        "countries": [{"value": c, "label": country_name(c, lang)} for c in present],
    }


def _read_form(
    request: Request, countries: set[str]
) -> tuple[dict[str, str], dict[str, Any], dict[str, str]]:
    """The form's values as typed, the parsed values, and the fields in error (name → message)."""
    q = request.query_params
    form = {
        "params": q.get("params", "").strip()[:64],
        "tokens": q.get("tokens", "").strip()[:64],
        "accelerator": q.get("accelerator", "h100").strip().lower()[:32] or "h100",
        "utilisation": q.get("utilisation", "40").strip()[:32] or "40",
        "country": q.get("country", "").strip().upper()[:8],
    }
    errors: dict[str, str] = {}
    params = parse_number(form["params"])
    tokens = parse_number(form["tokens"])
    percent = parse_number(form["utilisation"].rstrip("%"))
    utilisation = percent / 100 if percent is not None else math.nan
    checked = check_numbers(
        params if params is not None else math.nan,
        tokens if tokens is not None else math.nan,
        utilisation,
    )
    for name, _message in checked:
        errors[name] = FIELD_MESSAGES[name]
    if form["accelerator"] not in accelerators():
        errors["accelerator"] = FIELD_MESSAGES["accelerator"]
    if form["country"] and form["country"] not in countries:
        errors["country"] = FIELD_MESSAGES["country"]
    values = {"params": params, "tokens": tokens, "utilisation": utilisation}
    return form, values, errors


def _plan_data(result: Any, lang: str, form: dict[str, str]) -> dict[str, Any]:
    acc = result.accelerator
    days = result.accelerator_hours / FLEET / 24
    thresholds = []
    for t in result.thresholds:
        key = (t.id, t.above)
        ratio = result.training_compute_flop / t.flop
        thresholds.append(
            {
                "id": t.id,
                "title": THRESHOLD_TITLES.get(t.id, t.label),
                "above": t.above,
                "flop": t.flop,
                "flop_text": sci(t.flop, lang),
                "ratio_text": _ratio(ratio, lang),
                "words": THRESHOLD_WORDS.get(key, t.text),
                "citation": t.citation,
                "citation_href": law_href(t.citation),
                "law": [{"ref": ref, "href": law_href(ref)} for ref in THRESHOLD_LAW.get(key, [])],
                "text": t.text,
            }
        )
    routes = [
        {
            "id": r.id,
            "name": r.name,
            "kind": r.kind,
            "kind_label": _kind_label(r.kind, lang),
            "why": r.why,
            "countries": r.countries,
            "status": r.status,
            "unverified": sorted(r.unverified),
            "legacy": r.legacy,
            "href": f"/directory/{r.id}",
        }
        for r in result.routes
    ]
    query = {k: v for k, v in form.items() if v}
    return {
        "training_compute_flop": result.training_compute_flop,
        "flop_text": sci(result.training_compute_flop, lang),
        "params_text": sci(result.params, lang),
        "tokens_text": sci(result.tokens, lang),
        "approximation": result.approximation,
        "approximation_citations": [
            {"ref": c, "href": law_href(c)} for c in result.approximation.get("citations", [])
        ],
        "accelerator": acc,
        "peak_text": sci(acc["peak_flop_per_s"], lang),
        "utilisation": result.utilisation,
        "utilisation_text": fmt_number(round(result.utilisation * 100, 1), lang),
        "accelerator_hours": result.accelerator_hours,
        "hours_text": count(result.accelerator_hours, lang),
        "fleet": FLEET,
        "fleet_text": fmt_number(FLEET, lang),
        "fleet_days_text": fmt_number(round(days, 1), lang) if days < 1e6 else sci(days, lang),
        "thresholds": thresholds,
        "systemic": any(t.id == "systemic_risk_presumption" and t.above for t in result.thresholds),
        "position": result.position,
        "routes": routes,
        "notes": list(result.notes),
        "profile_snippet": snippet(result.training_compute_flop, result.params, result.tokens),
        "snippet_href": f"{SNIPPET_PATH}?{urlencode(query)}",
        "cli": (
            f"aidesk compute plan --params {result.params:g} --tokens {result.tokens:g} "
            f"--accelerator {acc['id']} --utilisation {result.utilisation:g}"
            + (f" --country {form['country']}" if form["country"] else "")
            + " --write-profile profile.yaml"
        ),
        "api_href": "/api/v1/compute/plan?"
        + urlencode(
            {
                "params": f"{result.params:g}",
                "tokens": f"{result.tokens:g}",
                "accelerator": acc["id"],
                "utilisation": f"{result.utilisation:g}",
                **({"country": form["country"]} if form["country"] else {}),
            }
        ),
    }


def _compute(request: Request) -> tuple[dict[str, Any], int, Any]:
    lang = lang_of(request)
    directory = service.load(data_dir(request))
    options = _options(lang, directory)
    countries = {c["value"] for c in options["countries"]}
    asked = any(request.query_params.get(k) for k in ("params", "tokens"))
    form, values, errors = _read_form(request, countries)
    result = None
    if asked and not errors:
        try:
            result = plan(
                values["params"],
                values["tokens"],
                accelerator=form["accelerator"],
                utilisation=values["utilisation"],
                directory=directory,
                country=form["country"] or None,
            )
        except ComputeError:  # checked above; kept as a form error, never a 500
            errors["params"] = FIELD_MESSAGES["params"]
    data: dict[str, Any] = {
        "form": form,
        "errors": errors if asked else {},
        "options": options,
        "min_utilisation_percent": MIN_UTILISATION * 100,
        "plan": _plan_data(result, lang, form) if result is not None else None,
    }
    status = 422 if asked and errors else 200
    return data, status, result


@router.get(PATH, name="compute_planner")
def compute_page(request: Request) -> Response:
    lang = lang_of(request)
    data, status, _result = _compute(request)
    example_href = f"{PATH}?{urlencode(EXAMPLE)}"
    extra = {
        "example_href": example_href,
        "clear_href": PATH,
        "field_messages": FIELD_MESSAGES,
    }
    return page(
        request,
        "compute.html",
        data,
        extra=extra,
        status_code=status,
        title=gettext(lang, N_("Compute planner")),
    )


@router.get(SNIPPET_PATH, name="compute_profile_snippet")
def compute_snippet(request: Request) -> Response:
    """The profile snippet as a YAML file (`training-compute.yaml`)."""
    _data, status, result = _compute(request)
    if result is None:
        return (
            compute_page(request) if status != 200 else Response(status_code=303, headers={"Location": PATH})
        )
    text = snippet(result.training_compute_flop, result.params, result.tokens)
    return Response(
        text,
        media_type="application/yaml",
        headers={"Content-Disposition": 'attachment; filename="training-compute.yaml"'},
    )
