"""What the engine computes once and reuses never changes an assessment.

The engine keeps rule outcomes, obligation plans, dates, deadlines, notes and penalties by the facts they
depend on (`aidesk.rules.engine`, "Computed once, then reused"), and builds the assessment from parts it has
already validated (`Assessment.from_parts`). If a memo's key missed a fact, the assessment of a profile would
depend on which profile filled the memo first: here every profile is assessed with the memos filled in one
order, in the reverse order and empty, and the results must be the same.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from test_properties import profiles

from aidesk.rules.engine import assess
from aidesk.rules.model import Assessment
from aidesk.rules.profile import Profile, load_profile, profile_from_data
from aidesk.rules.regimes import REGIME_IDS, load_regime

ROOT = Path(__file__).parents[2]
EXAMPLES = sorted((ROOT / "examples" / "profiles").glob("*.yaml"))
VARIANTS = [
    ("ai-act-2026", "en", date(2026, 11, 25)),
    ("ai-act-2024", "fr", date(2028, 9, 1)),
]


def _forget() -> None:
    """Empty every memo the engine keeps with the regimes."""
    for regime in REGIME_IDS:
        load_regime(regime).memo.clear()


def _everything(a: Assessment) -> tuple[str, Any]:
    """The JSON and the fields the JSON leaves out (read by the Rich report and the web page)."""
    hidden = (a.lang, [(p.what, p.lower_of) for p in a.penalties], [q.text for q in a.open_questions])
    return a.to_json(), hidden


def _assess_all(items: list[Profile], regime: str, lang: str, as_of: date) -> list[tuple[str, Any]]:
    return [_everything(assess(p, regime, as_of, lang)) for p in items]


def _generated(n: int, seed: int) -> list[Profile]:
    """`n` varied profiles from the throughput benchmark's generator: many share some facts and not others,
    which is what a memo with an incomplete key gets wrong."""
    path = ROOT / "benchmarks" / "assess_throughput.py"
    spec = importlib.util.spec_from_file_location("assess_throughput", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [profile_from_data(data) for data in module.generate(n, seed)]


def test_the_order_in_which_memos_fill_never_changes_an_assessment_of_generated_profiles() -> None:
    items = _generated(3000, 11)
    days = [date(2026, 11, 25), date(2028, 9, 1)]
    for regime, lang, _ in VARIANTS:
        _forget()
        forward = [_everything(assess(p, regime, day, lang)) for p in items for day in days]
        _forget()
        backward = [_everything(assess(p, regime, day, lang)) for p in items[::-1] for day in days[::-1]]
        assert forward == backward[::-1]


@settings(max_examples=25)
@given(st.lists(profiles(), min_size=20, max_size=40))
def test_the_order_in_which_memos_fill_never_changes_an_assessment(items: list[Profile]) -> None:
    for regime, lang, as_of in VARIANTS:
        _forget()
        forward = _assess_all(items, regime, lang, as_of)
        _forget()
        backward = _assess_all(items[::-1], regime, lang, as_of)[::-1]
        assert forward == backward
        _forget()
        assert _everything(assess(items[-1], regime, as_of, lang)) == forward[-1]


def test_an_example_assessed_with_empty_memos_is_the_one_assessed_after_all_others() -> None:
    examples = [load_profile(path) for path in EXAMPLES]
    for regime, lang, as_of in VARIANTS:
        warm = _assess_all(examples, regime, lang, as_of)
        for profile, expected in zip(examples, warm, strict=True):
            _forget()
            assert _everything(assess(profile, regime, as_of, lang)) == expected


@settings(max_examples=25)
@given(profiles())
def test_an_assessment_from_its_parts_is_the_validated_assessment(profile: Profile) -> None:
    for regime, lang, as_of in VARIANTS:
        made = assess(profile, regime, as_of, lang)
        fields = {name: getattr(made, name) for name in Assessment.model_fields if name != "schema_"}
        validated = Assessment(**fields)
        assert made == validated
        assert made.model_fields_set == validated.model_fields_set
        assert made.to_json() == validated.to_json()
        assert made.to_json_dict() == validated.to_json_dict()
        assert _everything(made) == _everything(validated)
