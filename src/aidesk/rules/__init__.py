"""Rules-as-code for the AI Act: profiles in, cited assessments out (issue 4).

Pure core (STYLE.md 7): nothing here imports the web, the database or the CLI. Heavy modules are
imported lazily so that `import aidesk.rules` stays cheap.

    from aidesk.rules import assess, load_profile
    assessment = assess(load_profile("examples/profiles/cv-screening-provider.yaml"))
    print(assessment.to_json(indent=2))
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aidesk.rules.model import Assessment
    from aidesk.rules.profile import Profile

DEFAULT_REGIME = "ai-act-2026"

__all__ = [
    "DEFAULT_REGIME",
    "all_citations",
    "assess",
    "example_profile",
    "load_profile",
    "parse_profile",
]


def assess(
    profile: Profile, regime: str = DEFAULT_REGIME, as_of: date | None = None, lang: str = "en"
) -> Assessment:
    """Assess a validated profile; see `aidesk.rules.engine.assess`."""
    from aidesk.rules.engine import assess as _assess

    return _assess(profile, regime, as_of, lang)


def load_profile(path: str | Path) -> Profile:
    from aidesk.rules.profile import load_profile as _load

    return _load(path)


def parse_profile(text: str, fmt: str | None = None, source: str | None = None) -> Profile:
    from aidesk.rules.profile import parse_profile as _parse

    return _parse(text, fmt if fmt in ("yaml", "json") else None, source)  # type: ignore[arg-type]


def example_profile() -> Traversable:
    """The bundled example profile (a CV screening assistant), for `aidesk demo`."""
    return resources.files("aidesk.rules").joinpath("examples", "cv-screening-provider.yaml")


def all_citations() -> set[str]:
    """Every citation the rules can emit: all regime versions (of every regime, not only the values in
    force), the obligations catalogue, the named rules and the grounds. For the corpus-resolution test."""
    from aidesk.rules.engine import RULES
    from aidesk.rules.regimes import list_regimes, load_catalogue
    from aidesk.rules.vocab import ANNEX_III_POINTS

    found: set[str] = set()
    for regime in list_regimes():
        for versions in regime.history.values():
            for version in versions:
                found.update(version.citations)
        for name in regime.names("annex_i.section_b_applicable"):
            for version in regime.history[name]:
                found.update(version.value["provisions"])
    for entry in load_catalogue():
        found.update(entry.citations)
    for citations in RULES.values():
        found.update(citations)
    found.update(f"Annex III {point}" for point in ANNEX_III_POINTS)
    return found
