"""Languages of the web desk: the gettext catalogues, the request's language, and Babel formatting.

The French catalogue is `locale/fr/LC_MESSAGES/messages.po`. It is compiled in memory when first
used (Babel's `write_mo`), so a fresh `pip install -e .` works without a build step and the
compiled catalogue can never be older than the `.po` file.

Maintenance (after changing a template or a marked string)::

    python -m aidesk.web update   # extract the strings, merge them into messages.po
    python -m aidesk.web check    # list strings that have no French translation yet
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Final

from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_currency, format_decimal
from babel.support import NullTranslations, Translations

LANGUAGES: Final = ("en", "fr")
DEFAULT_LANG: Final = "en"
COOKIE: Final = "aidesk_lang"
DOMAIN: Final = "messages"
# Babel locales used for formatting: EU English writes "2 December 2027".
_LOCALES: Final = {"en": "en_GB", "fr": "fr_FR"}
_WEB = Path(__file__).resolve().parent


def N_(message: str) -> str:
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def po_path(lang: str) -> Path:
    return _WEB / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(lang: str) -> NullTranslations:
    """The catalogue of `lang` (English is the source language: no catalogue)."""
    if lang == DEFAULT_LANG:
        return NullTranslations()
    resource = resources.files("aidesk.web").joinpath("locale", lang, "LC_MESSAGES", f"{DOMAIN}.po")
    with resource.open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    buf = io.BytesIO()
    write_mo(buf, catalog)  # fuzzy entries are left out: they show in English until reviewed
    buf.seek(0)
    return Translations(fp=buf, domain=DOMAIN)


def gettext(lang: str, message: str) -> str:
    return translations(lang).gettext(message)


def pick_lang(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """The page language: `?lang=`, then the remembered choice (cookie), then the browser's preference."""
    for value in (query, cookie):
        if value in LANGUAGES:
            return value
    for lang, _q in _accepted(accept_language or ""):
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANG


def _accepted(header: str) -> list[tuple[str, float]]:
    out: list[tuple[str, float]] = []
    for part in header.split(","):
        token, _, params = part.strip().partition(";")
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                q = 0.0
        if token:
            out.append((token.split("-")[0].lower(), q))
    return sorted(out, key=lambda item: -item[1])


# --- formatting ----------------------------------------------------------------------------------


def fmt_date(value: date | str | None, lang: str, form: str = "long") -> str:
    if value is None:
        return ""
    d = date.fromisoformat(value) if isinstance(value, str) else value
    return format_date(d, form, locale=_LOCALES[lang])


def fmt_eur(amount: int, lang: str) -> str:
    return format_currency(amount, "EUR", locale=_LOCALES[lang], currency_digits=False, format="#,##0 ¤")


def fmt_number(value: float, lang: str) -> str:
    return format_decimal(value, locale=_LOCALES[lang])


def country_name(code: str, lang: str) -> str:
    from babel import Locale

    if code == "XK":
        return "Kosovo"
    return str(Locale.parse(_LOCALES[lang]).territories.get(code, code))


# --- maintenance: extract, merge, check ------------------------------------------------------------

METHOD_MAP: Final = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("**.py", "python"),
]
OPTIONS_MAP: Final[dict[str, dict[str, Any]]] = {
    "templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "true"},
}


def extract() -> Catalog:
    """Every string marked for translation in the web desk's templates and Python modules."""
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="aidesk", domain=DOMAIN, charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(_WEB), METHOD_MAP, OPTIONS_MAP, directory_filter=_not_cache
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _not_cache(dirname: str) -> bool:
    name = Path(dirname).name
    return name != "__pycache__" and not name.startswith(".")


def update(lang: str = "fr") -> Path:
    """Merge freshly extracted strings into the language's `.po` file (new ones untranslated)."""
    template = extract()
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=lang, project="aidesk", domain=DOMAIN, charset="utf-8")
        catalog.update(template, no_fuzzy_matching=True)
    catalog.fuzzy = False
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, ignore_obsolete=True, sort_output=False)
    return path


def missing(lang: str = "fr") -> Iterator[str]:
    """Strings of the templates/code that have no (non-fuzzy) translation in `lang`."""
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang, domain=DOMAIN)
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        first = str(message.id[0] if isinstance(message.id, (tuple, list)) else message.id)
        if found is None or found.fuzzy or not found.string:
            yield first
            continue
        strings = found.string if isinstance(found.string, (tuple, list)) else (found.string,)
        if not all(strings):
            yield first


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        print(update())
        return 0
    if command == "check":
        gaps = list(missing())
        for text in gaps:
            print(text)
        print(f"{len(gaps)} untranslated", file=sys.stderr)
        return 1 if gaps else 0
    print("usage: python -m aidesk.web update|check", file=sys.stderr)
    return 2
