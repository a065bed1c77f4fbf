"""Wording and escaping for generated documents.

All wording lives in per-language files (`strings/en.yaml`, `strings/fr.yaml`); code names a key, never
a sentence. User strings (from the profile or the inventory) go through `user_text` when they enter a
document: control characters are dropped and a value that a spreadsheet would read as a formula
(`=`, `+`, `-`, `@` first) gets a leading apostrophe, so that the same safe value reaches every format.
Each renderer then escapes for its own format: `md_escape` for Markdown, Jinja2 autoescape for HTML
(and so for PDF), python-docx writes literal text.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

LANGS = ("en", "fr")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def user_text(value: object) -> str:
    """A user-supplied string made safe for every output: no control characters, no formula start."""
    text = _CONTROL.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n").strip()
    if text.startswith(_FORMULA_START):
        text = "'" + text
    return text


# Markdown: backslash-escape every ASCII punctuation character that can start or close a construct in
# CommonMark, GitHub tables, HTML passed through, or LaTeX maths when converted with pandoc.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~$&])")
_LIST_START = re.compile(r"^(\d+)([.)])|^([-+])")


def md_escape(value: object) -> str:
    """Escape a text for Markdown so that it renders literally (no HTML, links, emphasis or tables)."""
    text = " ".join(str(value).split())  # one line: no list, heading or code block can start
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _LIST_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", text)


@cache
def _load(lang: str) -> dict[str, Any]:
    from ruamel.yaml import YAML

    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    raw = resources.files("aidesk.documents").joinpath("strings", f"{lang}.yaml").read_text(encoding="utf-8")
    data = YAML(typ="safe", pure=True).load(raw)
    if not isinstance(data, dict):
        raise ValueError(f"strings/{lang}.yaml must be a mapping")
    return data


def strings(lang: str) -> dict[str, Any]:
    """Every string of one language, as nested mappings (for tests and tools)."""
    return _load(lang)


class Texts:
    """The wording of one language: `t("ui.todo")`, `t("reason.fria", risk_class=...)`."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self._data = _load(lang)

    def get(self, key: str) -> Any:
        node: Any = self._data
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def __call__(self, key: str, /, **values: object) -> str:
        found = self.get(key)
        if not isinstance(found, str):
            raise KeyError(f"no string {key!r} in strings/{self.lang}.yaml")
        return found.format(**values) if values else found

    def maybe(self, key: str, /, **values: object) -> str | None:
        found = self.get(key)
        if not isinstance(found, str):
            return None
        return found.format(**values) if values else found

    def items(self, key: str) -> list[str]:
        found = self.get(key)
        if not isinstance(found, list):
            raise KeyError(f"no list {key!r} in strings/{self.lang}.yaml")
        return [str(x) for x in found]


def iter_strings(node: object) -> list[str]:
    """Every leaf string of a strings file (for the tests that compare languages)."""
    out: list[str] = []
    if isinstance(node, dict):
        for value in node.values():
            out.extend(iter_strings(value))
    elif isinstance(node, list):
        for value in node:
            out.extend(iter_strings(value))
    elif isinstance(node, str):
        out.append(node)
    return out
