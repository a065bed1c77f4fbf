"""A quality floor on our held-out descriptions (`heldout.yaml`, 40 EN + 40 FR), per language.

They were written without looking at the shared development set or the description bank, and labelled from
the law; the bank must not borrow from them (keywords or descriptions), or they stop measuring anything.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from aidesk.desk.triage.service import Triager

ROOT = Path(__file__).resolve().parents[2]
HELDOUT = Path(__file__).resolve().parent / "heldout.yaml"
sys.path.insert(0, str(ROOT / "benchmarks"))


def test_heldout_set_is_balanced() -> None:
    from triage_eval import load_items

    items = load_items(HELDOUT)
    assert len({it["id"] for it in items}) == len(items) == 80
    langs = Counter(it["lang"] for it in items)
    assert langs == {"en": 40, "fr": 40}
    classes = {it["risk_class"] for it in items}
    assert {"prohibited", "high_risk", "transparency", "minimal", "out_of_scope", "gpai_model"} <= classes


def test_heldout_quality_floor(triager: Triager) -> None:
    from triage_eval import load_items, metrics

    rows = []
    for it in load_items(HELDOUT):
        result = triager.triage(it["text"], llm=False)
        rows.append(
            {**it, "got": result.risk_class, "candidates": [c.ground.ground for c in result.candidates]}
        )
    for lang in ("en", "fr"):
        m = metrics([r for r in rows if r["lang"] == lang])
        wrong = [
            (r["id"], r["risk_class"], r["got"])
            for r in rows
            if r["lang"] == lang and r["got"] != r["risk_class"]
        ]
        assert m["accuracy"] >= 0.85, (lang, m["accuracy"], wrong)
        assert m["hit@3"] is None or m["hit@3"] >= 0.85, (lang, m)
