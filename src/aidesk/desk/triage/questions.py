"""Follow-up questions for triage: the questionnaire's own questions (`aidesk.rules.questionnaire`).

Each ground of the bank names the question ids that confirm or rule it out (an Annex III point: the
points question of its area, e.g. `q_annex_iii_4`; a prohibition: `q_prohibited_practices` and its
exceptions). Triage lists them with the questionnaire's wording in the requested language, the profile
keys each one sets, and the answer the draft profile proposes (from the questionnaire's prefill), so a
person confirms or corrects rather than starts again. Triage proposes; the questionnaire confirms.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aidesk.rules.profile import Profile

# Asked when a description says too little to classify anything; it sets no profile key.
DESCRIPTION_QUESTION = "q_description"
_DESCRIPTION_WORDING = {
    "en": (
        "Not enough information to classify: describe what the system does, for whom, in which setting, "
        "and what decisions or content it produces."
    ),
    "fr": (
        "Informations insuffisantes pour classer : décrivez ce que fait le système, pour qui, dans quel "
        "contexte, et quelles décisions ou quels contenus il produit."
    ),
}


def known(question_id: str) -> bool:
    from aidesk.rules.questionnaire.bank import load_bank

    return question_id == DESCRIPTION_QUESTION or question_id in load_bank().by_id


def question(question_id: str, lang: str, about: list[str], draft: Profile | None = None) -> dict[str, Any]:
    """One entry of `questions`: id, wording, the profile keys it sets, the draft's answer, the grounds."""
    if question_id == DESCRIPTION_QUESTION:
        text = _DESCRIPTION_WORDING.get(lang, _DESCRIPTION_WORDING["en"])
        return {"id": question_id, "question": text, "sets": [], "proposed": None, "about": about}
    from aidesk.rules.questionnaire.bank import load_bank
    from aidesk.rules.questionnaire.prefill import answer_from

    bank = load_bank()
    q = bank.by_id[question_id]
    proposed: Any = None
    if draft is not None:
        answer = answer_from(q, draft)
        proposed = list(answer) if isinstance(answer, tuple) else answer
    return {
        "id": question_id,
        "question": bank.text(question_id, lang if lang in ("en", "fr") else "en").text,
        "sets": list(q.sets),
        "proposed": proposed,
        "about": about,
    }
