"""A quality floor on the shared development set, so that regressions fail CI (targets: docs/benchmarks.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from aidesk.desk.triage.service import Triager

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT.parent / "shared" / "devsets" / "triage.yaml"
sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.mark.skipif(not DEVSET.exists(), reason=f"development set not found at {DEVSET}")
def test_dev_set_quality_floor(triager: Triager) -> None:
    from triage_eval import hit_at, load_items, metrics

    items = load_items(DEVSET)
    rows = []
    for it in items:
        result = triager.triage(it["text"], llm=False)
        rows.append(
            {**it, "got": result.risk_class, "candidates": [c.ground.ground for c in result.candidates]}
        )
    for lang in ("en", "fr"):
        m = metrics([r for r in rows if r["lang"] == lang])
        assert m["accuracy"] >= 0.80, (lang, m)
        assert m["hit@3"] is None or m["hit@3"] >= 0.80, (lang, m)
    m = metrics(rows)
    assert m["per_class"]["prohibited"]["f1"] >= 0.80
    assert m["per_class"]["high_risk"]["f1"] >= 0.80
    assert hit_at(["Art. 51(2)"], ["Art. 51"])
