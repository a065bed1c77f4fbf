"""Links between provisions: the cross-references read from the text of the law."""

from __future__ import annotations

import numpy as np

from aidesk.desk.links import references
from aidesk.desk.search import DeskIndex


def test_references_name_provisions_of_the_act_only() -> None:
    text = (
        "in accordance with Article 10(2), points (f) and (g), of this Regulation; "
        "Article 4(3) of Directive (EU) 2019/790; Articles 9, 10 and 72; Annexes VI and VII"
    )
    assert references(text) == ["Art. 10(2)", "Art. 9", "Art. 10", "Art. 72", "Annex VI", "Annex VII"]


def test_an_article_links_to_what_it_cites(index: DeskIndex) -> None:
    targets = {group: ref for ref, group, _w, kind in index.links["Art. 11"] if kind == "ref"}
    assert targets["Annex IV"] == "Annex IV"
    assert "Art. 11" not in targets  # never to itself
    assert any(ref == "Art. 49(2)" for ref, _g, _w, _k in index.links["Art. 6"])


def test_lending_only_raises_what_a_ranker_found(index: DeskIndex) -> None:
    scores = np.zeros(len(index.group_names))
    ids = index.group_ids
    scores[ids["Art. 11"]], scores[ids["Annex IV"]] = 1.0, 0.1
    lent = index._lend(scores)
    assert scores[ids["Annex IV"]] > 0.1 and lent[ids["Annex IV"]] == "Annex IV"
    assert scores[ids["Art. 97"]] == 0  # cited by Art. 11, but no ranker found it here
    assert np.count_nonzero(scores) == 2


def test_a_chatbot_question_is_answered_by_art_50_first(index: DeskIndex) -> None:
    hits = index.search(
        "Do we have to tell users of our chatbot that they are talking to an AI system?"
    ).results
    assert hits[0].unit == "Art. 50"
