"""Quality floor on the development questions, so that a regression fails CI (not a benchmark:
`benchmarks/search_eval.py` reports the figures). The dev set lives outside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from aidesk.desk.metrics import Scores, answers
from aidesk.desk.search import DeskIndex

QUESTIONS = Path(__file__).resolve().parents[2].parent / "shared" / "devsets" / "questions.yaml"
FLOOR_RECALL_AT_5 = 0.85


def test_metrics_match_at_the_level_of_the_expectation() -> None:
    assert answers("Art. 27", "Art. 27(1)")
    assert answers("Annex III", "Annex III 4(a)")
    assert answers("Annex I", "Annex I Section B 20")
    assert not answers("Art. 2", "Art. 27")
    assert not answers("Art. 5(1)(f)", "Art. 5(1)(g)")


@pytest.mark.skipif(not QUESTIONS.exists(), reason=f"dev set not found at {QUESTIONS}")
def test_recall_at_5_on_the_dev_questions_stays_above_the_floor(index: DeskIndex) -> None:
    from ruamel.yaml import YAML

    questions = YAML(typ="safe").load(QUESTIONS.read_text(encoding="utf-8"))
    scores = Scores()
    for q in questions:
        scores.add(list(q["expect"]), [h.ref for h in index.search(q["q"], limit=10).results])
    assert scores.questions >= 50
    assert scores.recall_at_5 >= FLOOR_RECALL_AT_5, (
        f"recall@5 {scores.recall_at_5:.3f} ({scores.found_at_5}/{scores.expected})"
    )
