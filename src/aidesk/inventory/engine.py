"""The one place where the inventory calls the rules engine (`aidesk.rules`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from aidesk.inventory.errors import InvalidInput, Problem


def regime_ids() -> tuple[str, ...]:
    from aidesk.rules.regimes import REGIME_IDS

    return tuple(REGIME_IDS)


def default_regime() -> str:
    from aidesk.rules import DEFAULT_REGIME

    return DEFAULT_REGIME


def check_regime(regime: str) -> str:
    if regime not in regime_ids():
        raise InvalidInput(
            [Problem(None, "regime", f"unknown regime {regime!r}; use one of: {', '.join(regime_ids())}")]
        )
    return regime


def assess_profile(profile: Mapping[str, Any], *, regime: str | None, as_of: date | None) -> dict[str, Any]:
    """Validate `profile` and assess it with the rules; return the SPEC §2 JSON object."""
    from aidesk.rules import assess
    from aidesk.rules.profile import ProfileError, profile_from_data

    try:
        validated = profile_from_data(profile)
    except ProfileError as exc:
        raise InvalidInput([Problem(None, p.path, p.message) for p in exc.problems]) from None
    assessment = assess(validated, check_regime(regime or default_regime()), as_of)
    return assessment.to_json_dict()
