"""Answers: what a person may answer to each kind of question, and the profile the answers make.

An answer, in its canonical (JSON-friendly) form:

| kind     | answer                                                  |
|----------|---------------------------------------------------------|
| yes_no   | `true` / `false` (also "yes", "no", "oui", "non")       |
| single   | the option key, e.g. "deployer"                         |
| multi    | a list of option keys; `[]` for "none of these"         |
| number   | a number, e.g. `3.0e+25` (also the text "3e25")         |
| date     | "YYYY-MM-DD"                                            |
| country  | an ISO 3166-1 alpha-2 code, e.g. "FR"                   |
| text     | text                                                    |

and, for any question that allows it, `"unknown"`: "I don't know". An unknown answer leaves the keys
the question sets unset, so that the assessment lists them among its open questions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date
from typing import Any

from aidesk.rules.questionnaire.bank import Bank, QuestionDef
from aidesk.rules.vocab import ANNEX_III_POINTS, COUNTRY_ALIASES, ISO_COUNTRIES

UNKNOWN = "unknown"
_ORDER: dict[str, list[str]] = {"annex_iii": list(ANNEX_III_POINTS)}  # list keys kept in the law's order
PLACEHOLDER_NAME = "(unnamed AI system)"

Answer = bool | str | float | tuple[str, ...]

_YES = {"yes", "y", "true", "oui", "o", "1"}
_NO = {"no", "n", "false", "non", "0"}
_UNKNOWN_WORDS = {UNKNOWN, "dk", "nsp", "i don't know", "don't know", "je ne sais pas"}


class AnswerError(ValueError):
    """An answer that does not fit its question. `question` is the id; the message is one line."""

    def __init__(self, question: str, message: str) -> None:
        self.question = question
        self.message = message
        super().__init__(f"{question}: {message}")


def is_unknown(raw: object) -> bool:
    return isinstance(raw, str) and raw.strip().lower() in _UNKNOWN_WORDS


def coerce(q: QuestionDef, raw: object) -> Answer:
    """The canonical form of an answer to `q`. Raises `AnswerError` naming the question and the fix."""
    if raw is None and q.kind == "single" and q.option("none") is not None:
        return "none"
    if is_unknown(raw):
        if not q.unknown:
            raise AnswerError(q.id, 'this question needs an answer ("I don\'t know" is not possible)')
        return UNKNOWN
    if q.kind == "yes_no":
        if isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
            return raw.strip().lower() in _YES
        raise AnswerError(q.id, f"{raw!r} is not an answer; use yes, no or unknown")
    if q.kind == "single":
        key = str(raw).strip() if isinstance(raw, str | int) and not isinstance(raw, bool) else None
        if key is None or q.option(key) is None:
            keys = ", ".join(o.key for o in q.options)
            raise AnswerError(q.id, f"{raw!r} is not an option; use one of: {keys} (or unknown)")
        return key
    if q.kind == "multi":
        items: list[object]
        if isinstance(raw, str) and raw.strip().lower() in ("none", ""):
            items = []
        elif isinstance(raw, list | tuple):
            items = list(raw)
        else:
            raise AnswerError(q.id, f"expected a list of options (or [] for none of these), got {raw!r}")
        chosen: set[str] = set()
        for item in items:
            key = str(item).strip().rsplit(".", 1)[-1] if q.flags else str(item).strip()
            if isinstance(item, bool) or q.option(key) is None:
                keys = ", ".join(o.key for o in q.options)
                raise AnswerError(q.id, f"{item!r} is not an option; use any of: {keys}")
            chosen.add(key)
        if len(chosen) < q.min:
            raise AnswerError(q.id, f"select at least {q.min} option{'s' if q.min > 1 else ''}")
        return tuple(o.key for o in q.options if o.key in chosen)
    if q.kind == "number":
        number: float | None = None
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            number = float(raw)
        elif isinstance(raw, str):
            text = raw.strip().replace("_", "").replace(" ", "").replace("10^", "1e")
            try:
                number = float(text)
            except ValueError:
                number = None
        if number is None or math.isnan(number) or math.isinf(number) or number < 0:
            raise AnswerError(q.id, f"{raw!r} is not a non-negative number; write it like 3e25")
        return number
    if q.kind == "date":
        if isinstance(raw, date):
            return raw.isoformat()
        try:
            return date.fromisoformat(str(raw).strip()).isoformat()
        except ValueError:
            raise AnswerError(
                q.id, f"{raw!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-09-01"
            ) from None
    if q.kind == "country":
        code = str(raw).strip().upper() if isinstance(raw, str) else ""
        if code in COUNTRY_ALIASES:
            raise AnswerError(q.id, f"{raw!r} is not an ISO 3166-1 code; use {COUNTRY_ALIASES[code]}")
        if code not in ISO_COUNTRIES:
            raise AnswerError(q.id, f"{raw!r} is not a two-letter ISO 3166-1 country code such as FR")
        return code
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        raise AnswerError(q.id, "expected some text")
    return text


def coerce_all(bank: Bank, answers: Mapping[str, object]) -> dict[str, Answer]:
    """Check every answer against its question; unknown question ids are errors too."""
    out: dict[str, Answer] = {}
    for qid, raw in answers.items():
        q = bank.by_id.get(qid)
        if q is None:
            raise AnswerError(str(qid), "no such question; see `aidesk interview --list`")
        out[qid] = coerce(q, raw)
    return out


def _put(data: dict[str, Any], path: str, value: object) -> None:
    *parents, leaf = path.split(".")
    node = data
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def profile_data(
    bank: Bank, answers: Mapping[str, Answer], probe: str | None = None, name: str | None = None
) -> dict[str, Any]:
    """The profile data (`aidesk/profile/v1`, as a mapping) that canonical answers make.

    Questions are applied in bank order, so that the answer to a question that sets one key of a group
    (asked for an open question) overrides the group's answer. Several questions may fill one list key
    (the Annex III areas, then their points): the key holds what they add up to, and stays unset when
    nothing is known because one of them was answered "I don't know". `probe` names the question
    whose options stand for what the resolver tries (an Annex III area for its first point)."""
    data: dict[str, Any] = {"name": name or PLACEHOLDER_NAME}
    lists: dict[str, tuple[list[str], bool, bool]] = {}  # field -> (items, answered, unknown)
    for q in bank.questions:
        if q.id not in answers:
            continue
        answer = answers[q.id]
        if q.kind == "multi" and not q.flags:
            items, answered, unknown = lists.get(q.field, ([], False, False))
            if answer == UNKNOWN:
                lists[q.field] = (items, answered, True)
            else:
                assert isinstance(answer, tuple)
                for key in answer:
                    option = q.option(key)
                    assert option is not None
                    items.extend(x for x in option.contributes(q.id == probe) if x not in items)
                lists[q.field] = (items, True, unknown)
            continue
        if answer == UNKNOWN:
            continue
        if q.kind == "text" and q.field == "name":
            data["name"] = answer
        elif q.kind == "multi":
            assert isinstance(answer, tuple)
            for option in q.options:
                _put(data, str(option.value), option.key in answer)
        elif q.kind == "single":
            option = q.option(str(answer))
            assert option is not None
            _put(data, q.field, option.value)
        else:
            _put(data, q.field, answer)
    for field, (items, answered, unknown) in lists.items():
        if items or (answered and not unknown):
            order = _ORDER.get(field)
            _put(data, field, sorted(items, key=order.index) if order else items)
    if probe is not None and probe in answers:
        for path, value in bank.by_id[probe].probe_with.items():
            if get_path(data, path) is None:
                _put(data, path, value)
    return data


def get_path(data: Mapping[str, Any], path: str) -> Any:
    """The value at a key path (`location.placed_on_eu_market`) of profile data; None when absent."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


__all__ = [
    "PLACEHOLDER_NAME",
    "UNKNOWN",
    "Answer",
    "AnswerError",
    "coerce",
    "coerce_all",
    "get_path",
    "profile_data",
]
