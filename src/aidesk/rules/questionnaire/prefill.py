"""The answers an existing profile gives to the questions: to resume an interview from a profile (the web
wizard's "start from this profile"), and to simulate a person who answers from one (the tests).

A key the profile leaves out means "no" where the schema's default is no (`false`, `[]`), and
"I don't know" where it is "not known" (`null`), as SPEC §1 says.
"""

from __future__ import annotations

from aidesk.rules.profile import Profile
from aidesk.rules.questionnaire.answers import UNKNOWN, Answer, get_path
from aidesk.rules.questionnaire.bank import QuestionDef, load_bank


def answer_from(q: QuestionDef, profile: Profile) -> Answer:
    """The answer `profile` gives to `q`."""
    data = profile.model_dump(mode="json", by_alias=True)
    if q.kind == "multi" and q.flags:
        return tuple(o.key for o in q.options if get_path(data, str(o.value)) is True)
    value = get_path(data, q.field)
    if q.kind == "multi":
        items = [str(v) for v in (value or [])]
        if q.field == "annex_iii":
            # The areas question, or the points question of one area.
            if q.ask_if:
                return tuple(o.key for o in q.options if o.key in items)
            areas = {item.split("(")[0] for item in items}
            return tuple(o.key for o in q.options if o.key in areas)
        chosen = tuple(o.key for o in q.options if o.key in items)
        return chosen if len(chosen) >= q.min else UNKNOWN
    if value is None:
        if q.kind == "single" and q.option("none") is not None:
            return "none"
        return UNKNOWN
    if q.kind == "single":
        option = next((o for o in q.options if o.value == value), None)
        return option.key if option is not None else UNKNOWN
    if q.kind == "yes_no":
        return bool(value)
    if q.kind == "number":
        return float(value)
    return str(value)


def answers_from(profile: Profile) -> dict[str, Answer]:
    """The answers `profile` gives to every question of the interview."""
    return {q.id: answer_from(q, profile) for q in load_bank().flow}


__all__ = ["answer_from", "answers_from"]
