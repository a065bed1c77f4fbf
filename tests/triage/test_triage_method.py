"""The scoring method's general rules: clause-scoped negation of concepts, and a negative dense margin (a
carve-out or an ordinary AI use explains the text better) weighing against a ground (service.py, steps 1-3)."""

from __future__ import annotations

import pytest

from aidesk.desk.triage.bank import fold, load_bank, negated
from aidesk.desk.triage.service import Triager


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        ("it does not use", True),
        ("it doesn't store or", True),
        ("the tool, which never records or analyses the", True),  # five words back, same clause
        ("sans aucune", True),
        ("l'outil n'enregistre ni", True),
        ("not only the", False),  # restriction, not negation
        ("l'outil n'analyse que les", False),  # "ne ... que" = only
        ("à partir de n'importe quelle photo de", False),  # "n'importe" = any
        ("no human review, then it ranks the", False),  # the negation is in another clause
        ("we won the", False),
        ("it reads the", False),
    ],
)
def test_negation_is_scoped_to_the_clause(before: str, expected: bool) -> None:
    assert negated(fold(before) + " ") is expected


def test_a_negated_concept_is_absent_but_a_restricted_one_is_present() -> None:
    bank = load_bank()
    assert "customer_subject" not in bank.present(
        "The assistant never listens to or analyses the callers at all."
    )
    assert "emotion" not in bank.present("It does not detect or infer the emotions of anyone.")
    assert "emotion" in bank.present("It does not record video; it infers the emotions of shoppers.")
    assert "face" in bank.present("Users may upload any photo: n'importe quel visage.")


def test_keywords_alone_do_not_carry_a_ground_the_text_contradicts(triager: Triager) -> None:
    # "primes" (premiums) is also the word for workers' bonuses (Annex III 4(b)); the text is car insurance
    text = "Le modèle calcule les primes d'assurance habitation selon la surface et la commune du logement."
    assert triager.triage(text, llm=False).risk_class == "minimal"
