"""The guided assessment wizard: one question per step, asked by the questionnaire's resolver
(`aidesk.rules.questionnaire`: only the questions whose answer can still change the assessment), ending
on the result page.

Stateless: the answers travel with the page (`s=`, compressed and URL-safe like the result page's
`p=`), in the address of each step and in a hidden field of its form. The form posts the answer, the
server checks it and redirects to the next step (post/redirect/get), so the back and reload buttons of
the browser behave, and the wizard works without JavaScript (htmx only swaps the page in place).

The state holds the answers given (`a`, in the questionnaire's canonical form), the answers proposed
(`d`: from a profile or a triage draft, shown pre-selected until confirmed, and the answers taken back
with "Back"), the description of a triaged system (`desc`, kept in the final profile), the regime and
the date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from aidesk.rules import DEFAULT_REGIME
from aidesk.rules.profile import ProfileError, profile_from_data
from aidesk.rules.questionnaire.answers import UNKNOWN, AnswerError
from aidesk.rules.questionnaire.api import InterviewStep, interview_back, interview_step
from aidesk.web.assess import (
    FormProblem,
    _as_of,
    _country_options,
    _regime,
    decode_profile,
    encode_profile,
)
from aidesk.web.i18n import N_, gettext
from aidesk.web.render import lang_of, page, wants_json

router = APIRouter()

MAX_DESCRIPTION = 20000


@dataclass
class WizardState:
    answers: dict[str, Any] = field(default_factory=dict)
    draft: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    regime: str = DEFAULT_REGIME
    as_of: date | None = None

    def token(self) -> str:
        data: dict[str, Any] = {"a": self.answers}
        if self.draft:
            data["d"] = self.draft
        if self.description:
            data["desc"] = self.description
        if self.regime != DEFAULT_REGIME:
            data["r"] = self.regime
        if self.as_of is not None:
            data["o"] = self.as_of.isoformat()
        return encode_profile(data)

    @classmethod
    def from_token(cls, token: str) -> WizardState:
        if not token:
            return cls()
        data = decode_profile(token)
        if not isinstance(data, dict):
            raise FormProblem([], "state")
        answers, draft = data.get("a", {}), data.get("d", {})
        desc = data.get("desc")
        if not isinstance(answers, dict) or not isinstance(draft, dict):
            raise FormProblem([], "state")
        return cls(
            answers=answers,
            draft=draft,
            description=desc[:MAX_DESCRIPTION] if isinstance(desc, str) and desc.strip() else None,
            regime=_regime(str(data.get("r") or "")),
            as_of=_as_of(str(data.get("o") or "")),
        )


def _href(state: WizardState) -> str:
    return "/assess/wizard?" + urlencode({"s": state.token()})


def state_for_profile(
    profile_data: dict[str, Any], regime: str = DEFAULT_REGIME, as_of: date | None = None
) -> WizardState:
    """A wizard that proposes the answers a profile (or a triage draft) gives, to confirm one by one."""
    from aidesk.rules.questionnaire.prefill import answers_from

    profile = profile_from_data(profile_data)
    draft = {
        k: list(v) if isinstance(v, tuple) else v
        for k, v in answers_from(profile).items()
        if not (isinstance(v, str) and v == UNKNOWN)
    }
    desc = profile_data.get("description")
    return WizardState(
        draft=draft,
        description=desc if isinstance(desc, str) and desc.strip() else None,
        regime=regime,
        as_of=as_of,
    )


def start_href(profile_data: dict[str, Any], regime: str = DEFAULT_REGIME, as_of: date | None = None) -> str:
    """The address of the wizard pre-filled with a profile."""
    query = {"p": encode_profile(profile_data)}
    if regime != DEFAULT_REGIME:
        query["regime"] = regime
    if as_of is not None:
        query["as_of"] = as_of.isoformat()
    return "/assess/wizard?" + urlencode(query)


def _result_href(step: InterviewStep, state: WizardState) -> str:
    profile = dict(step.profile or {})
    if state.description and "description" not in profile:
        profile["description"] = state.description
    query = {"p": encode_profile(profile)}
    if state.regime != DEFAULT_REGIME:
        query["regime"] = state.regime
    if state.as_of is not None:
        query["as_of"] = state.as_of.isoformat()
    return "/assess/result?" + urlencode(query)


def _step(state: WizardState, lang: str) -> InterviewStep:
    return interview_step(state.answers, lang=lang, regime=state.regime, as_of=state.as_of)


def _proposed(state: WizardState, qid: str) -> Any:
    if qid in state.answers:
        return state.answers[qid]
    return state.draft.get(qid)


def _view(
    step: InterviewStep, state: WizardState, lang: str, value: Any, error: str | None, error_en: bool
) -> dict[str, Any]:
    q = step.question
    assert q is not None
    selected: list[str] = []
    if isinstance(value, list | tuple):
        selected = [str(v) for v in value]
    elif isinstance(value, bool):
        selected = ["yes" if value else "no"]
    elif value is not None:
        selected = [str(value)]
    unknown = isinstance(value, str) and value == UNKNOWN
    if isinstance(value, float) and value.is_integer():
        text = f"{value:.3g}".replace("+", "")
    elif isinstance(value, str) and not unknown:
        text = value
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = ""
    return {
        "question": q.model_dump(mode="json"),
        "selected": [] if unknown else selected,
        "text_value": text,
        "was_unknown": unknown,
        "proposed": q.id in state.draft and q.id not in state.answers,
        "error": error,
        "error_en": error_en,
        "state": state.token(),
        "asked": list(step.asked),
        "countries": _country_options(lang) if q.kind == "country" else [],
    }


def _page(
    request: Request,
    state: WizardState,
    step: InterviewStep,
    *,
    value: Any = None,
    error: str | None = None,
    error_en: bool = False,
    status_code: int = 200,
) -> Response:
    lang = lang_of(request)
    assert step.question is not None
    shown = _proposed(state, step.question.id) if value is None and error is None else value
    view = _view(step, state, lang, shown, error, error_en)
    data = {
        "step": step.model_dump(mode="json", by_alias=True),
        "state": view["state"],
        "proposed": _json_answer(_proposed(state, step.question.id)),
        "description": state.description,
        "error": error,
        "post_to": "/assess/wizard",
    }
    title = f"{step.question.text} · {gettext(lang, N_('Guided assessment'))}"
    return page(request, "wizard.html", data, status_code=status_code, extra={"w": view}, title=title)


def _json_answer(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _bad_state(request: Request, message: str) -> Response:
    data = {
        "status": 422,
        "title": N_("Bad request"),
        "message": N_("The answers in this address cannot be read; start the wizard again."),
        "detail": message,
    }
    return page(request, "error.html", data, status_code=422)


def _done(request: Request, step: InterviewStep, state: WizardState) -> Response:
    href = _result_href(step, state)
    if wants_json(request):
        from aidesk.web.render import json_response

        step_json = step.model_dump(mode="json", by_alias=True)
        return json_response({"lang": lang_of(request), "done": True, "result_href": href, "step": step_json})
    return RedirectResponse(href, status_code=303)


@router.get("/assess/wizard", name="wizard")
def wizard(request: Request, s: str = "", p: str = "", regime: str = "", as_of: str = "") -> Response:
    lang = lang_of(request)
    try:
        if p:  # start from a profile (a result, a triage draft): its answers proposed
            data = decode_profile(p)
            if not isinstance(data, dict):
                return _bad_state(request, "the profile is not a mapping")
            state = state_for_profile(data, _regime(regime), _as_of(as_of))
        else:
            state = WizardState.from_token(s)
        if not s and not p:
            state.regime, state.as_of = _regime(regime), _as_of(as_of)
        step = _step(state, lang)
    except ProfileError as exc:
        return _bad_state(request, "; ".join(str(x) for x in exc.problems))
    except FormProblem as exc:
        return _bad_state(request, "; ".join(str(x) for x in exc.problems))
    except AnswerError as exc:
        return _bad_state(request, str(exc))
    if step.done:
        return _done(request, step, state)
    return _page(request, state, step)


def _read_answer(form: FormData, kind: str) -> Any:
    values = [v.strip() for v in form.getlist("answer") if isinstance(v, str)]
    if kind == "multi":
        return [v for v in values if v]
    value = values[-1] if values else ""
    if kind == "yes_no":
        return {"yes": True, "no": False}.get(value)
    return value or None


@router.post("/assess/wizard", name="wizard_answer")
async def wizard_answer(request: Request) -> Response:
    lang = lang_of(request)
    form = await request.form()
    token = form.get("s")
    qid = form.get("qid")
    action = form.get("action") or "next"
    try:
        state = WizardState.from_token(token if isinstance(token, str) else "")
        current = _step(state, lang)
    except (ProfileError, FormProblem) as exc:
        return _bad_state(request, "; ".join(str(x) for x in getattr(exc, "problems", [])))
    except AnswerError as exc:
        return _bad_state(request, str(exc))
    if current.done:
        return _done(request, current, state)
    assert current.question is not None
    q = current.question
    if action == "back":
        before = interview_back(state.answers, regime=state.regime, as_of=state.as_of)
        for key, value in state.answers.items():
            if key not in before:
                state.draft[key] = value  # shown again, pre-selected
        state.answers = dict(before)
        return _next(request, state, lang)
    if qid != q.id:  # a form from an older page (another tab): show the question now due
        return _next(request, state, lang)
    if action == "unknown" and q.allow_unknown:
        answer: Any = UNKNOWN
    else:
        answer = _read_answer(form, q.kind)
        if answer is None or (q.kind == "multi" and len(answer) < q.min_selected):
            message = (
                gettext(lang, N_("Choose at least one option."))
                if q.kind == "multi"
                else gettext(lang, N_("Give an answer, or choose “I don't know”."))
                if q.allow_unknown
                else gettext(lang, N_("This question needs an answer."))
            )
            return _page(request, state, current, value=answer, error=message, status_code=422)
    trial = WizardState(
        answers={**state.answers, q.id: answer},
        draft={k: v for k, v in state.draft.items() if k != q.id},
        description=state.description,
        regime=state.regime,
        as_of=state.as_of,
    )
    try:
        _step(trial, lang)
    except AnswerError as exc:
        return _page(request, state, current, value=answer, error=exc.message, error_en=True, status_code=422)
    return _next(request, trial, lang)


def _next(request: Request, state: WizardState, lang: str) -> Response:
    step = _step(state, lang)
    if step.done:
        return _done(request, step, state)
    if wants_json(request):
        return _page(request, state, step)
    return RedirectResponse(_href(state), status_code=303)
