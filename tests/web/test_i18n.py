"""Every UI string of the web desk is in the French catalogue, and French pages show no English
except text marked `lang="en"` (the quoted English of 2026 amendments, records written in English)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

from babel.messages.pofile import read_po
from web_support import Server, login

from aidesk.web import i18n
from aidesk.web.assess import encode_profile

FR_PAGES = ["/", "/law", "/law/article/5", "/law/article/4a", "/law/annex/III", "/law/recitals", "/law/amending",
            "/assess", "/assess/example", "/assess/example?sector=healthcare", "/directory", "/directory/aifa-ch", "/about", "/nope",
            "/assess/wizard", "/describe", "/describe?text=notre+logiciel+trie+les+CV+des+candidats", "/signin"]  # fmt: skip
# Signed in (the inventory, a system's page, import, re-assessment, the calendar).
FR_SIGNED_IN_PAGES = ["/inventory", "/inventory/import", "/inventory/reassess", "/inventory/calendar"]
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%%")


def _catalog():  # type: ignore[no-untyped-def]
    with i18n.po_path("fr").open("rb") as fh:
        return read_po(fh, locale="fr", domain=i18n.DOMAIN)


def test_every_template_and_code_string_is_translated_in_french() -> None:
    missing = list(i18n.missing("fr"))
    assert not missing, f"untranslated in fr (run `python -m aidesk.web update`, then translate): {missing}"


def test_the_french_catalogue_keeps_every_placeholder() -> None:
    for message in _catalog():
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = sorted(_PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert sorted(_PLACEHOLDER.findall(text)) == wanted, (message.id, text)
        assert not message.fuzzy, message.id


class _VisibleText(HTMLParser):
    """The text of a page outside elements marked lang="en" (and outside script/style)."""

    VOID: ClassVar[set[str]] = {
        "br",
        "img",
        "input",
        "meta",
        "link",
        "hr",
        "area",
        "base",
        "col",
        "source",
        "wbr",
        "circle",
        "rect",
        "line",
    }

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, bool]] = []
        self.chunks: list[str] = []
        self.attr_text: list[str] = []

    def _english(self) -> bool:
        return any(flag for _, flag in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        english = a.get("lang") == "en" or tag in ("script", "style", "code", "pre")
        if not self._english() and not english:
            for key in ("aria-label", "placeholder", "title"):
                if a.get(key):
                    self.attr_text.append(a[key] or "")
        if tag not in self.VOID:
            self.stack.append((tag, english))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not self._english() and data.strip():
            self.chunks.append(data)


def _english_ui_strings() -> set[str]:
    catalog = _catalog()
    english = set()
    for message in catalog:
        if not message.id or isinstance(message.id, tuple):
            continue
        text = _PLACEHOLDER.sub("", message.id).strip(" :.()")
        if len(text.split()) >= 2 and message.string and text not in message.string:
            english.add(text)
    assert len(english) > 100
    return english


def _assert_french(server: Server, path: str, english: set[str], cookie: str = "") -> None:
    reply = server.get(path, Cookie="aidesk_lang=fr" + (f"; {cookie}" if cookie else ""))
    assert reply.status in (200, 404), (path, reply.status)
    assert '<html lang="fr">' in reply.text, path
    parser = _VisibleText()
    parser.feed(reply.text)
    visible = " ".join(" ".join(parser.chunks + parser.attr_text).split())
    leaked = sorted(s for s in english if s in visible)
    assert not leaked, f"{path}: English UI text on a French page: {leaked[:10]}"


def test_french_pages_show_no_english_ui_string(server: Server) -> None:
    english = _english_ui_strings()
    for path in FR_PAGES:
        _assert_french(server, path, english)


def test_french_signed_in_pages_show_no_english_ui_string(server: Server) -> None:
    english = _english_ui_strings()
    cookie = login(server)["Cookie"]
    profile = {"name": "Système de tri de CV", "roles": ["provider"], "annex_iii": ["4(a)"]}
    result = f"/assess/result?p={encode_profile(profile)}"
    _assert_french(server, result, english, cookie)  # with the "save to inventory" form
    import re
    from urllib.parse import urlencode

    page = server.get(result, Cookie=cookie).text
    fields = dict(re.findall(r'name="(csrf_token|p)" value="([^"]*)"', page))
    saved = server.request(
        "POST",
        "/inventory/save",
        urlencode({**fields, "update": "1"}),
        {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    assert saved.status == 303
    for path in [*FR_SIGNED_IN_PAGES, saved.headers["location"]]:
        _assert_french(server, path, english, cookie)
