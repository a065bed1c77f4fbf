"""Describe your system: a plain-language description → triage (`aidesk.desk.triage`, SPEC §5) → "we
think this is…, confirm" → the guided wizard, its answers proposed from triage's draft profile.

Triage proposes, the questionnaire confirms: the page shows the likely class and how confident triage
is, the candidate grounds (each linked to its point in the law), and the questions that would confirm
it; the wizard then asks them with the draft's answers pre-selected.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aidesk.web import labels
from aidesk.web.assess import encode_profile
from aidesk.web.i18n import N_, gettext
from aidesk.web.links import law_href
from aidesk.web.render import lang_of, page
from aidesk.web.wizard import start_href

router = APIRouter()

MAX_TEXT = 5000
CONFIDENCE = {"high": N_("high confidence"), "medium": N_("medium confidence"), "low": N_("low confidence")}


def available() -> bool:
    try:
        return importlib.util.find_spec("aidesk.desk.triage") is not None
    except ModuleNotFoundError:
        return False


def _answer_label(proposed: Any, lang: str) -> str | None:
    if proposed is None:
        return None
    if isinstance(proposed, bool):
        return gettext(lang, N_("Yes") if proposed else N_("No"))
    if isinstance(proposed, list):
        return ", ".join(str(p) for p in proposed) if proposed else gettext(lang, N_("none"))
    if proposed == "unknown":
        return gettext(lang, N_("I don't know"))
    return str(proposed)


def _question_label(qid: str, lang: str, fallback: str) -> tuple[str, dict[str, str]]:
    """The question's wording and its option labels (for showing a proposed answer in words)."""
    from aidesk.rules.questionnaire.api import interview_question

    try:
        q = interview_question(qid, lang)
    except KeyError:
        return fallback, {}
    return q.text, {o.key: o.label for o in q.options}


def _view(result: dict[str, Any], lang: str) -> dict[str, Any]:
    candidates = [
        {
            "ground": c["ground"],
            "href": law_href(c["ground"]),
            "score": c["score"],
            "percent": round(100 * float(c["score"])),
            "confident": float(c["score"]) >= 0.5,
            "citations": list(c.get("citations") or []),
        }
        for c in result["candidates"]
    ]
    questions = []
    for q in result["questions"]:
        text, options = _question_label(q["id"], lang, q["question"])
        proposed = q.get("proposed")
        if isinstance(proposed, list):
            shown: str | None = (
                ", ".join(options.get(str(p), str(p)) for p in proposed)
                if proposed
                else gettext(lang, N_("none"))
            )
        elif isinstance(proposed, str) and proposed in options:
            shown = options[proposed]
        else:
            shown = _answer_label(proposed, lang)
        questions.append(
            {"id": q["id"], "text": text, "proposed": shown, "about": list(q.get("about") or [])}
        )
    draft = dict(result["draft_profile"])
    return {
        "class_label": labels.RISK_CLASSES.get(result["risk_class"], result["risk_class"]),
        "class_explained": labels.RISK_CLASS_EXPLAINED.get(result["risk_class"], ""),
        "confidence_label": CONFIDENCE.get(result["confidence"], result["confidence"]),
        "candidates": candidates,
        "questions": questions,
        "wizard_href": start_href(draft),
        "result_href": "/assess/result?p=" + encode_profile(draft),
    }


def _describe(request: Request, text: str) -> Response:
    lang = lang_of(request)
    text = text.strip()
    data: dict[str, Any] = {"text": text, "triage": None, "error": None, "available": available()}
    extra: dict[str, Any] = {"v": None}
    status = 200
    if text and data["available"]:
        from aidesk.desk.triage import TriageError, triage

        if len(text) > MAX_TEXT:
            data["error"] = gettext(lang, N_("The description is too long: at most %(n)s characters.")) % {
                "n": MAX_TEXT
            }
            status = 422
        else:
            try:
                result = triage(text, lang).to_json()
            except TriageError as exc:
                data["error"] = str(exc)
                status = 422
            else:
                view = _view(result, lang)
                data["triage"] = result
                data["wizard_href"] = view["wizard_href"]
                data["result_href"] = view["result_href"]
                extra["v"] = view
    title = gettext(lang, N_("Describe your system"))
    return page(request, "describe.html", data, status_code=status, extra=extra, title=title)


@router.get("/describe", name="describe")
def describe_page(request: Request, text: str = "") -> Response:
    return _describe(request, text)


@router.post("/describe", name="describe_submit")
async def describe_submit(request: Request) -> Response:
    form = await request.form()
    value = form.get("text")
    return _describe(request, value if isinstance(value, str) else "")
