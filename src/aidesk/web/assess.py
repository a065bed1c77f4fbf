"""Assessment: a form (paste or upload a profile, or fill the key fields) and the result page.

Stateless: the result page's address carries the profile (compressed, URL-safe), so a result can be
bookmarked, shared, reloaded in the other language, and compared with the 2024 regime without storing
anything. `POST /assess` answers a JSON client directly (the JSON twin); a bad profile is 422 with one
problem per line, each naming its key path.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from aidesk.directory import service as directory_service
from aidesk.law.corpus import load_corpus
from aidesk.rules import DEFAULT_REGIME, assess, example_profile
from aidesk.rules.model import Assessment
from aidesk.rules.profile import Problem, Profile, ProfileError, parse_text, profile_from_data
from aidesk.web import labels, next_steps
from aidesk.web.directory import data_dir
from aidesk.web.i18n import N_, gettext
from aidesk.web.render import lang_of, page, wants_json
from aidesk.web.svg import timeline

router = APIRouter()

MAX_UPLOAD = 256 * 1024
MAX_URL_PROFILE = 6000  # characters of the encoded profile in a result address
COMPARE_FROM = "ai-act-2024"
COMPARE_TO = "ai-act-2026"

# Form fields that are lists of checkboxes, and groups of yes/no flags (`part.key` checkboxes).
LIST_FIELDS = ("roles", "exclusions", "prohibited_practices", "prohibited_exceptions", "annex_iii")
FLAG_GROUPS: dict[str, dict[str, Any]] = {
    "article_6_3": labels.ARTICLE_6_3,
    "transparency": labels.TRANSPARENCY,
    "gpai_model": labels.GPAI,
    "deployer": labels.DEPLOYER,
}
TRISTATE_GROUPS: dict[str, dict[str, str]] = {"location": labels.LOCATION, "annex_i": labels.ANNEX_I_FLAGS}


class FormProblem(Exception):
    def __init__(self, problems: list[Problem], source: str) -> None:
        self.problems = problems
        self.source = source


# --- profile encoding in result addresses -------------------------------------------------------------


def encode_profile(data: dict[str, Any]) -> str:
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str)
    return base64.urlsafe_b64encode(zlib.compress(raw.encode("utf-8"), 9)).decode("ascii").rstrip("=")


def decode_profile(token: str) -> object:
    try:
        padded = token + "=" * (-len(token) % 4)
        raw = zlib.decompress(base64.urlsafe_b64decode(padded.encode("ascii")), bufsize=64 * 1024)
        if len(raw) > MAX_UPLOAD:
            raise ValueError("too large")
        return json.loads(raw.decode("utf-8"))
    except (ValueError, binascii.Error, zlib.error, UnicodeError) as exc:
        raise ProfileError([Problem("p", f"the profile in this address cannot be read ({exc})")]) from None


def profile_data(profile: Profile) -> dict[str, Any]:
    """The profile as plain data, as the user gave it (keys left out stay left out)."""
    out: dict[str, Any] = profile.model_dump(mode="json", by_alias=True, exclude_unset=True)
    return out


# --- the form -------------------------------------------------------------------------------------------


def _annex_iii_groups(lang: str) -> list[dict[str, Any]]:
    corpus = load_corpus(None, lang)
    annex = corpus.annexes["III"]
    groups = []
    for area in annex.points:
        if area.points:
            options = [
                {"value": f"{area.id}({p.id})", "label": p.text, "ref": f"Annex III {area.id}({p.id})"}
                for p in area.points
            ]
        else:
            options = [{"value": area.id, "label": area.text, "ref": f"Annex III {area.id}"}]
        groups.append({"area": area.id, "title": area.text.split(":")[0], "options": options})
    return groups


def _options(mapping: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for key, value in mapping.items():
        label, ref = value if isinstance(value, tuple) else (value, None)
        out.append({"value": key, "label": label, "ref": ref})
    return out


def form_spec(lang: str) -> dict[str, Any]:
    from aidesk.rules.regimes import list_regimes

    return {
        "kinds": _options(labels.KINDS),
        "roles": _options(labels.ROLES),
        "sizes": _options(labels.SIZES),
        "exclusions": _options(labels.EXCLUSIONS),
        "practices": _options(labels.PRACTICES),
        "practice_exceptions": _options(labels.PRACTICE_EXCEPTIONS),
        "annex_i_acts": _options(labels.ANNEX_I_ACTS),
        "annex_iii": _annex_iii_groups(lang),
        "flag_groups": {group: _options(mapping) for group, mapping in FLAG_GROUPS.items()},
        "tristate": {group: _options(mapping) for group, mapping in TRISTATE_GROUPS.items()},
        "regimes": [
            {"id": r.id, "title": r.title.get(lang) or r.title.get("en", r.id)} for r in list_regimes()
        ],
        "default_regime": DEFAULT_REGIME,
    }


def _country_options(lang: str) -> list[dict[str, str]]:
    from aidesk.rules.vocab import EU_MEMBER_STATES, ISO_COUNTRIES
    from aidesk.web.i18n import country_name

    eu = sorted(
        ({"value": c, "label": country_name(c, lang)} for c in EU_MEMBER_STATES), key=lambda o: o["label"]
    )
    rest = sorted(
        ({"value": c, "label": country_name(c, lang)} for c in ISO_COUNTRIES - EU_MEMBER_STATES),
        key=lambda o: o["label"],
    )
    return [*eu, {"value": "", "label": "—"}, *rest]


def _values(form: FormData) -> dict[str, Any]:
    """The submitted fields, to show them again with the problems."""
    values: dict[str, Any] = {}
    for key in form:
        texts = [v for v in form.getlist(key) if isinstance(v, str)]
        values[key] = texts if key in LIST_FIELDS else (texts[-1] if texts else "")
    return values


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def fields_to_data(form: FormData) -> dict[str, Any]:
    """The key fields of the form as profile data; fields left empty are left out ("not known")."""
    data: dict[str, Any] = {}
    for key in ("name", "description", "kind", "placed_on_market", "significant_change_after"):
        if value := _text(form, key):
            data[key] = value
    organisation = {k: v for k in ("name", "country", "size") if (v := _text(form, f"organisation.{k}"))}
    if organisation:
        data["organisation"] = organisation
    for key in LIST_FIELDS:
        values = [v.strip() for v in form.getlist(key) if isinstance(v, str) and v.strip()]
        if values:
            data[key] = values
    for group, mapping in TRISTATE_GROUPS.items():
        part: dict[str, Any] = {}
        for key in mapping:
            value = _text(form, f"{group}.{key}")
            if value in ("yes", "no"):
                part[key] = value == "yes"
        if part:
            data.setdefault(group, {}).update(part)
    if legislation := _text(form, "annex_i.legislation"):
        data.setdefault("annex_i", {})["legislation"] = legislation
    for group, mapping in FLAG_GROUPS.items():
        part = {key: True for key in mapping if _text(form, f"{group}.{key}") in ("on", "true", "yes", "1")}
        if part:
            data.setdefault(group, {}).update(part)
    if flop := _text(form, "gpai_model.training_compute_flop"):
        data.setdefault("gpai_model", {})["training_compute_flop"] = flop
    return data


async def _read_form_profile(form: FormData) -> tuple[object, str]:
    """Profile data from the upload, the pasted text, or the fields (in that order); and its source."""
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_UPLOAD + 1)
        if len(raw) > MAX_UPLOAD:
            raise FormProblem([Problem("", f"the file is larger than {MAX_UPLOAD // 1024} KiB")], "file")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FormProblem([Problem("", "the file is not UTF-8 text (YAML or JSON)")], "file") from None
        fmt: Literal["json"] | None = "json" if upload.filename.lower().endswith(".json") else None
        try:
            return parse_text(text, fmt, upload.filename), "file"
        except ProfileError as exc:
            raise FormProblem(exc.problems, "file") from None
    pasted = form.get("profile_text")
    if isinstance(pasted, str) and pasted.strip():
        text = pasted
        if len(text) > MAX_UPLOAD:
            raise FormProblem([Problem("", f"the text is longer than {MAX_UPLOAD // 1024} KiB")], "text")
        try:
            return parse_text(text), "text"
        except ProfileError as exc:
            raise FormProblem(exc.problems, "text") from None
    return fields_to_data(form), "fields"


def _as_of(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FormProblem([Problem("as_of", f"{value!r} is not a date (YYYY-MM-DD)")], "options") from None


def _regime(value: str | None) -> str:
    from aidesk.rules.regimes import list_regimes

    ids = [r.id for r in list_regimes()]
    if not value:
        return DEFAULT_REGIME
    if value not in ids:
        raise FormProblem(
            [Problem("regime", f"{value!r} is not a regime; use one of: {', '.join(ids)}")], "options"
        )
    return value


def _problem_view(problems: list[Problem]) -> list[dict[str, str]]:
    out = []
    for p in problems:
        field = p.path.split("[")[0] if p.path else ""
        out.append({"path": p.path, "field": field, "message": p.message})
    return out


def _form_page(
    request: Request,
    *,
    values: dict[str, Any],
    problems: list[Problem] | None = None,
    source: str = "",
    text: str = "",
    status_code: int = 200,
) -> Response:
    lang = lang_of(request)
    problem_list = _problem_view(problems or [])
    if wants_json(request) and problems:
        body = {
            "type": "about:blank",
            "title": "Invalid profile",
            "status": status_code,
            "detail": "; ".join(str(p) for p in problems),
            "problems": [{"path": p["path"], "message": p["message"]} for p in problem_list],
        }
        return page(request, "assess_form.html", body, status_code=status_code)
    data = {
        "values": values,
        "problems": problem_list,
        "source": source,
        "text": text,
        "spec": form_spec(lang),
    }
    extra = {"countries": _country_options(lang)}
    return page(
        request,
        "assess_form.html",
        data,
        status_code=status_code,
        extra=extra,
        title=gettext(lang, N_("Assessment")),
    )


@router.get("/assess", name="assess_form")
def assess_form(request: Request) -> Response:
    return _form_page(request, values={})


@router.post("/assess", name="assess_submit")
async def assess_submit(request: Request) -> Response:
    content_type = request.headers.get("content-type", "")
    regime = DEFAULT_REGIME
    as_of: date | None = None
    values: dict[str, Any] = {}
    text = ""
    if content_type.startswith("application/json") or content_type.startswith("application/yaml"):
        body = await request.body()
        try:
            data = parse_text(body.decode("utf-8", "replace"), "json" if "json" in content_type else "yaml")
            regime = _regime(request.query_params.get("regime"))
            as_of = _as_of(request.query_params.get("as_of"))
        except ProfileError as exc:
            return _form_page(request, values={}, problems=exc.problems, source="text", status_code=422)
        except FormProblem as exc:
            return _form_page(request, values={}, problems=exc.problems, source=exc.source, status_code=422)
        source = "text"
    else:
        form = await request.form()
        values = _values(form)
        text = _text(form, "profile_text")
        try:
            regime = _regime(_text(form, "regime"))
            as_of = _as_of(_text(form, "as_of"))
            data, source = await _read_form_profile(form)
        except FormProblem as exc:
            return _form_page(
                request, values=values, problems=exc.problems, source=exc.source, text=text, status_code=422
            )
    try:
        profile = profile_from_data(data)
    except ProfileError as exc:
        return _form_page(
            request, values=values, problems=exc.problems, source=source, text=text, status_code=422
        )

    if wants_json(request):
        return _result_page(request, profile, regime, as_of)
    params: dict[str, str] = {"p": encode_profile(profile_data(profile))}
    if regime != DEFAULT_REGIME:
        params["regime"] = regime
    if as_of is not None:
        params["as_of"] = as_of.isoformat()
    if len(params["p"]) > MAX_URL_PROFILE:  # too long for an address: show the result directly
        return _result_page(request, profile, regime, as_of)
    from urllib.parse import urlencode

    return RedirectResponse(f"/assess/result?{urlencode(params)}", status_code=303)


@router.get("/assess/result", name="assess_result")
def assess_result(request: Request, p: str = "", regime: str = "", as_of: str = "") -> Response:
    try:
        reg = _regime(regime)
        when = _as_of(as_of)
        profile = profile_from_data(decode_profile(p))
    except FormProblem as exc:
        return _form_page(request, values={}, problems=exc.problems, source=exc.source, status_code=422)
    except ProfileError as exc:
        return _form_page(request, values={}, problems=exc.problems, source="text", status_code=422)
    return _result_page(request, profile, reg, when)


@router.get("/assess/example", name="assess_example")
def assess_example(request: Request) -> Response:
    text = example_profile().read_text(encoding="utf-8")
    profile = profile_from_data(parse_text(text, "yaml"))
    return _result_page(request, profile, DEFAULT_REGIME, None, example=text)


# --- the result ---------------------------------------------------------------------------------------------


def _diff(old: Assessment, new: Assessment) -> dict[str, Any]:
    """What the AI Omnibus changed for this system (`aidesk.rules.compare`): class, grounds, obligations,
    dates. Penalties and the GPAI flags are not listed (the result page shows them); an obligation whose
    date moved is listed once, with its new citations; a date that stays but is now for something else
    is not listed."""
    from aidesk.rules.compare import compare

    c = compare(old, new)
    grounds = c.grounds
    out: dict[str, Any] = {
        "from": c.regime_version.before,
        "to": c.regime_version.after,
        "risk_class": {
            "from": c.risk_class.before,
            "to": c.risk_class.after,
            "changed": c.risk_class.changed,
        },
        "grounds_added": list(grounds.added),
        "grounds_removed": list(grounds.removed),
        "obligations_added": [_obligation(o) for o in c.obligations_added],
        "obligations_removed": [_obligation(o) for o in c.obligations_removed],
        "obligations_moved": [
            {**_obligation(m.after), "from": m.before.applies_from, "to": m.after.applies_from}
            for m in c.obligations_moved
        ],
        "obligations_recited": [
            {**_obligation(r.after), "citations_before": list(r.before.citations)}
            for r in c.obligations_recited
            if r.before.applies_from == r.after.applies_from
        ],
        "deadlines_added": [_deadline(d) for d in c.deadlines_added],
        "deadlines_removed": [_deadline(d) for d in c.deadlines_removed],
    }
    out["changed"] = c.risk_class.changed or any(v for v in out.values() if isinstance(v, list))
    return out


def _obligation(o: Any) -> dict[str, Any]:
    return {
        "id": o.id,
        "title": o.title,
        "role": o.role,
        "citations": list(o.citations),
        "applies_from": o.applies_from,
        "in_force": o.in_force,
    }


def _deadline(d: Any) -> dict[str, Any]:
    return {"date": d.date, "what": d.what, "citations": list(d.citations)}


def _by_role(a: Assessment) -> list[dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for o in a.obligations:
        groups.setdefault(o.role, []).append(_obligation(o))
    order = list(labels.ROLES)
    return [
        {"role": role, "label": labels.ROLES.get(role, role), "obligations": items}
        for role, items in sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    ]


def _result_page(
    request: Request, profile: Profile, regime: str, as_of: date | None, example: str | None = None
) -> Response:
    lang = lang_of(request)
    result = assess(profile, regime, as_of, lang)
    old = assess(profile, COMPARE_FROM, result.as_of, lang)
    new = result if regime == COMPARE_TO else assess(profile, COMPARE_TO, result.as_of, lang)
    version = "2024" if regime == COMPARE_FROM else None
    open_questions = [
        {
            "field": q.field,
            "text": q.text or q.question,
            "could_change_to": [{"id": c, "label": labels.RISK_CLASSES.get(c, c)} for c in q.could_change_to],
        }
        for q in result.open_questions
    ]
    data: dict[str, Any] = {
        "assessment": result.to_json_dict(),
        "profile": profile_data(profile),
        "omnibus": _diff(old, new),
    }
    token = encode_profile(data["profile"])
    from aidesk.web.documents import document_links, stateless_href
    from aidesk.web.wizard import start_href

    as_of_text = as_of.isoformat() if as_of else None
    documents = document_links(
        profile, result, lang, stateless_href(token, regime if regime != DEFAULT_REGIME else None, as_of_text)
    )
    data["documents"] = documents
    edit_href = "/assess/edit?" + _query({"p": token})
    data["next_steps"], steps_view, sector_problem = next_steps.build(
        profile,
        result,
        lang=lang,
        sector=request.query_params.get("sector"),
        directory=directory_service.load(data_dir(request)),
        edit_href=edit_href,
    )
    if sector_problem:
        data["problem"] = sector_problem
    if example is None:
        sector_form = {
            "action": "/assess/result",
            "fields": {"p": token, "regime": regime if regime != DEFAULT_REGIME else "", "as_of": as_of_text},
        }
    else:
        sector_form = {"action": "/assess/example", "fields": {}}
    view = {
        "a": result,
        "class_label": labels.RISK_CLASSES[result.risk_class],
        "risk_labels": labels.RISK_CLASSES,
        "class_explained": labels.RISK_CLASS_EXPLAINED[result.risk_class],
        "by_role": _by_role(result),
        "open_questions": open_questions,
        "penalties": [
            {
                "max_eur": p.max_eur,
                "pct": p.max_turnover_pct,
                "citations": p.citations,
                "what": p.what,
                "lower_of": p.lower_of,
            }
            for p in result.penalties
        ],
        "timeline": timeline(result.deadlines, result.as_of, lang),
        "law_version": version,
        "kind_label": labels.KINDS.get(profile.kind.value, profile.kind.value),
        "roles": [labels.ROLES.get(r.value, r.value) for r in profile.roles],
        "example": example,
        "edit_href": edit_href,
        "next_steps": {**steps_view, "form": sector_form, "problem": sector_problem},
        "other_regime_href": "/assess/result?"
        + _query(
            {
                "p": token,
                "regime": COMPARE_FROM if regime != COMPARE_FROM else None,
                "as_of": as_of.isoformat() if as_of else None,
            }
        ),
        "regime_title": _regime_title(regime, lang),
        "documents": documents,
        "wizard_href": start_href(data["profile"], regime, as_of),
        "save": _save_form(request, token, regime, as_of_text),
        "other_regime_title": _regime_title(COMPARE_FROM if regime != COMPARE_FROM else COMPARE_TO, lang),
    }
    title = f"{result.profile} — {gettext(lang, labels.RISK_CLASSES[result.risk_class])}"
    status = 422 if sector_problem else 200
    return page(request, "assess_result.html", data, extra={"v": view}, title=title, status_code=status)


def _save_form(request: Request, token: str, regime: str, as_of: str | None) -> dict[str, Any]:
    """What the "save to inventory" form needs: the signed-in member and the CSRF token, or where to
    sign in (then come back to this result)."""
    from aidesk.api.security import csrf_token, read_session
    from aidesk.web.render import _account

    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    member = _account(request)
    session = read_session(request) if member else None
    return {
        "signed_in": member is not None and session is not None,
        "csrf": csrf_token(request, session=session) if session is not None else None,
        "fields": {"p": token, "regime": regime, "as_of": as_of or ""},
        "signin_href": "/signin?" + _query({"next": here}),
    }


def _query(params: dict[str, str | None]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: v for k, v in params.items() if v})


def _regime_title(regime: str, lang: str) -> str:
    from aidesk.rules.regimes import list_regimes

    for r in list_regimes():
        if r.id == regime:
            return r.title.get(lang) or r.title.get("en", regime)
    return regime


@router.get("/assess/edit", name="assess_edit")
def assess_edit(request: Request, p: str = "") -> Response:
    """The form again, pre-filled with the profile of a result (as YAML-free JSON text)."""
    try:
        data = decode_profile(p)
    except ProfileError as exc:
        return _form_page(request, values={}, problems=exc.problems, source="text", status_code=422)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _form_page(request, values={}, text=text)
