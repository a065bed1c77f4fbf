"""Next steps on the assessment result page: who in the European AI ecosystem can help, why, and which
provision says so (issue 10).

The steps come from the service (`aidesk.directory.next_steps`), whose JSON (`aidesk/next-steps/v1`)
is the result page's JSON twin. This module only shapes it for the page: entry links, the directory
search that lists what a step leaves out, what the profile lacks (with where to give it), and the sector
select (a plain GET form: it reloads the result with `sector=`, with or without JavaScript).
"""

from __future__ import annotations

import shlex
from typing import Any
from urllib.parse import urlencode

from aidesk.directory import service
from aidesk.directory.next_steps import NextSteps, Step, load_rules, next_steps
from aidesk.directory.schema import KIND_LABELS, SECTOR_LABELS, Entry, Sector
from aidesk.rules.model import Assessment
from aidesk.rules.profile import Profile
from aidesk.web.i18n import N_, gettext

#: Rule lookups that read the sector: the sector select is shown when one of their steps is.
SECTOR_ASKS = frozenset({"tefs", "data_spaces", "ai_factories"})
#: The anchor of the sector select, where a step that needs a sector points.
SECTOR_ANCHOR = "next-steps-sector"
#: What a step can need from the profile, said for the page (the key itself is shown too).
NEEDS = {
    "organisation.country": N_("Give the organisation's country in the profile."),
    "gpai_model.training_compute_flop": N_("Give the model's training compute (FLOP) in the profile."),
    "--sector": N_("Choose a sector."),
}
NO_SECTOR = N_(
    "The sector cannot be derived from the profile (no Annex I act or Annex III point of it belongs to a "
    "single sector): choose one to see its facilities and data spaces."
)
#: `aidesk directory search` options that are filters of the directory page.
_FILTERS = {"--kind": "kind", "--country": "country", "--sector": "sector"}


def build(
    profile: Profile,
    assessment: Assessment,
    *,
    lang: str,
    sector: str | None,
    directory: service.Directory,
    edit_href: str,
) -> tuple[dict[str, Any], dict[str, Any], str | None]:
    """The service's JSON (the twin), the page's view of it, and the problem with `sector` if it is not
    a sector (the steps are then those of the profile's own sectors)."""
    problem = None
    try:
        result = next_steps(profile, assessment, sector=sector or None, lang=lang, directory=directory)
    except service.DirectoryError as exc:
        problem = str(exc).replace("--sector", "sector")
        result = next_steps(profile, assessment, lang=lang, directory=directory)
    return result.to_json_dict(), _view(result, lang, sector or "", edit_href), problem


def _view(result: NextSteps, lang: str, chosen: str, edit_href: str) -> dict[str, Any]:
    asks = {rule.id: rule.ask for rule in load_rules().rules}
    no_sector = _no_sector_gap(lang)
    steps = [_step(s, lang, edit_href, no_sector) for s in result.steps]
    uses_sector = any(asks.get(s.id) in SECTOR_ASKS or "--sector" in s.needs for s in result.steps)
    fr = lang == "fr"
    return {
        "steps": steps,
        "country": result.country,
        "sectors": [
            {"label": s.label(lang), "chosen": s.basis == "--sector", "basis": s.basis}
            for s in result.sectors
        ],
        "sector_select": uses_sector,
        "sector_anchor": SECTOR_ANCHOR,
        "sector_options": [
            {"value": s.value, "label": SECTOR_LABELS[s][1 if fr else 0], "selected": s.value == chosen}
            for s in Sector
        ],
    }


def _no_sector_gap(lang: str) -> str:
    """The service's "no sector" gap, which names the command-line option: the page says it its way."""
    sectors = ", ".join(s.value for s in Sector)
    return load_rules().gaps["no_sector"](lang).format(sectors=sectors)


def _step(step: Step, lang: str, edit_href: str, no_sector: str) -> dict[str, Any]:
    gaps = [gettext(lang, NO_SECTOR) if g == no_sector else g for g in step.gaps]
    needs = []
    for key in step.needs:
        if key == "--sector":
            needs.append({"key": None, "text": gettext(lang, NEEDS[key]), "href": f"#{SECTOR_ANCHOR}"})
        else:
            text = gettext(lang, NEEDS[key]) if key in NEEDS else None
            needs.append({"key": key, "text": text, "href": edit_href})
    return {
        "id": step.id,
        "title": step.title,
        "reason": step.reason,
        "citations": list(step.citations),
        "entries": [_entry(e, lang) for e in step.entries],
        "more": step.more,
        "more_href": directory_href(step.command) if step.more else None,
        "gaps": gaps,
        "needs": needs,
        "command": step.command,
    }


def _entry(e: Entry, lang: str) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "href": f"/directory/{e.id}",
        "kind": e.kind.value,
        "kind_label": KIND_LABELS[e.kind][1 if lang == "fr" else 0],
        "countries": list(e.countries),
        "city": e.city,
        "legacy": e.legacy,
        "unverified": sorted(e.unverified),
    }


def directory_href(command: str | None) -> str | None:
    """The directory page that lists what an `aidesk directory …` command lists (None if no command)."""
    if not command:
        return None
    words = shlex.split(command)
    if words[:3] == ["aidesk", "directory", "show"] and len(words) == 4:
        return f"/directory/{words[3]}"
    if words[:3] != ["aidesk", "directory", "search"]:
        return None
    params: dict[str, str] = {}
    rest = words[3:]
    for i, word in enumerate(rest):
        if word in _FILTERS and i + 1 < len(rest):
            params[_FILTERS[word]] = rest[i + 1]
        elif not word.startswith("--") and (i == 0 or rest[i - 1] not in _FILTERS):
            params["q"] = word
    return "/directory" + (f"?{urlencode(params)}" if params else "")
