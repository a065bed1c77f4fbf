"""The wording of the assessment's `notes` and `trace[].result`, per language (`notes/<lang>.yaml`).

Each sentence the engine can write is a named message with `{name}` placeholders (str.format); the
engine fills them with canonical values (profile keys, enum values, citations, ISO dates), which stay the
same in every language. Loading fails loudly when the languages do not have the same messages with the
same placeholders, so an assessment is never written half in one language and half in another.
"""

from __future__ import annotations

import functools
import string
from collections.abc import Mapping

from aidesk.rules.regimes import LANGS, RegimeError, _read_yaml


def placeholders(template: str) -> set[tuple[str, str]]:
    """The `(name, format spec)` of every placeholder of a message."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(template) if name is not None}


@functools.cache
def messages() -> Mapping[str, Mapping[str, str]]:
    """`{lang: {message id: template}}`, checked: the same ids and placeholders in every language."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGS:
        raw = _read_yaml(f"notes/{lang}.yaml")
        if not isinstance(raw, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in raw.items()
        ):
            raise RegimeError(f"notes/{lang}.yaml: expected a mapping of message ids to text")
        out[lang] = dict(raw)
    first, *others = LANGS
    for lang in others:
        if set(out[lang]) != set(out[first]):
            diff = sorted(set(out[lang]) ^ set(out[first]))
            raise RegimeError(f"notes/{first}.yaml and notes/{lang}.yaml: different messages {diff}")
        for msg, template in out[first].items():
            if placeholders(out[lang][msg]) != placeholders(template):
                raise RegimeError(f"notes/{lang}.yaml, {msg}: not the placeholders of notes/{first}.yaml")
    return out


__all__ = ["messages", "placeholders"]
