"""The Act's carve-outs, one by one: triage must not fall into the look-alike ground."""

from __future__ import annotations

import pytest
from triage_cases import load_cases

from aidesk.desk.triage.service import Triager

CARVE_OUTS = [c for c in load_cases() if c.get("carve_out")]


def _grounds(triager: Triager, text: str, k: int = 3) -> list[str]:
    return [s.ground.ground for s in triager.triage(text, llm=False).candidates[:k]]


@pytest.mark.parametrize("case", CARVE_OUTS, ids=lambda c: c["id"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_carve_out_cases_get_their_class(triager: Triager, case: dict[str, str], lang: str) -> None:
    assert triager.triage(case[lang], llm=False).risk_class == case["risk_class"], case["carve_out"]


@pytest.mark.parametrize(
    "text",
    [
        "A real-time model scores card payments and blocks those that look like fraud with stolen cards.",
        "Notre modèle repère les virements frauduleux et bloque les opérations suspectes avant leur exécution.",
        "We screen transfers for money laundering and flag suspicious patterns to the compliance team.",
    ],
)
def test_fraud_detection_is_not_credit_scoring(triager: Triager, text: str) -> None:
    result = triager.triage(text, llm=False)
    assert result.risk_class == "minimal"
    assert "5(b)" not in str(result.draft_profile.get("annex_iii", []))
    assert all(not (s.ground.ground == "Annex III 5(b)" and s.confident) for s in result.candidates)


def test_credit_scoring_is_high_risk_even_when_fraud_is_not_mentioned(triager: Triager) -> None:
    result = triager.triage(
        "The bank's model decides from applicants' income and debts whether they get a personal loan."
    )
    assert result.risk_class == "high_risk"
    assert result.candidates[0].ground.ground == "Annex III 5(b)"


@pytest.mark.parametrize(
    "text",
    [
        "Employees unlock the office door by looking at a camera that checks they are the badge holder.",
        "Les clients se connectent à leur banque avec un selfie comparé à la photo de leur pièce d'identité.",
        "At the gate, a kiosk confirms that the passenger's face matches the photo in their passport.",
    ],
)
def test_biometric_verification_is_not_remote_identification(triager: Triager, text: str) -> None:
    result = triager.triage(text, llm=False)
    assert result.risk_class == "minimal"
    assert "1(a)" not in result.draft_profile.get("annex_iii", [])


def test_identifying_people_from_footage_is_remote_identification(triager: Triager) -> None:
    text = "Investigators run recorded CCTV stills through our software, which finds who the people are in a mugshot database."
    result = triager.triage(text, llm=False)
    assert result.risk_class == "high_risk"
    assert "Annex III 1(a)" in _grounds(triager, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cameras in our shop read customers' faces to tell whether they are pleased or annoyed at the checkout.",
            "high_risk",
        ),
        (
            "Des caméras en magasin lisent le visage des clients pour savoir s'ils sont contents ou agacés en caisse.",
            "high_risk",
        ),
        (
            "Cameras in the office read employees' faces to tell managers whether staff are pleased or annoyed.",
            "prohibited",
        ),
        (
            "Des caméras au bureau lisent le visage des salariés pour dire aux managers s'ils sont contents ou agacés.",
            "prohibited",
        ),
        (
            "In class, the webcam reads pupils' faces and tells the teacher who is bored or anxious.",
            "prohibited",
        ),
    ],
)
def test_emotion_recognition_of_customers_is_high_risk_of_employees_and_students_prohibited(
    triager: Triager, text: str, expected: str
) -> None:
    result = triager.triage(text, llm=False)
    assert result.risk_class == expected
    top = _grounds(triager, text)
    assert ("Art. 5(1)(f)" if expected == "prohibited" else "Annex III 1(c)") in top


def test_emotion_analysis_for_driver_safety_is_not_the_workplace_prohibition(triager: Triager) -> None:
    text = (
        "A camera in the lorry cab watches our drivers' faces for drowsiness and fatigue and sounds an alarm, "
        "for safety reasons only."
    )
    assert triager.triage(text, llm=False).risk_class != "prohibited"


def test_customer_emotions_stay_high_risk_when_staff_are_said_not_to_be_analysed(triager: Triager) -> None:
    text = (
        "On our hotline the AI listens to callers' tone to detect anger and passes them to a senior agent. "
        "The agents themselves are not analysed."
    )
    assert triager.triage(text, llm=False).risk_class == "high_risk"


def test_motor_insurance_pricing_is_not_life_and_health_insurance(triager: Triager) -> None:
    result = triager.triage(
        "Our engine prices car insurance from the driver's age and the vehicle model.", llm=False
    )
    assert result.risk_class == "minimal"


def test_campaign_logistics_are_not_influencing_voters(triager: Triager) -> None:
    text = "Software that plans canvassing routes and schedules volunteers for a campaign; voters never see its output."
    assert triager.triage(text, llm=False).risk_class == "minimal"


def test_live_face_recognition_by_police_in_the_street_is_prohibited_after_the_fact_high_risk(
    triager: Triager,
) -> None:
    live = "Police cameras in the street recognise passers-by in real time and alert officers about wanted people."
    after = (
        "After a robbery, police compare recorded footage with their photo database to identify the suspects."
    )
    assert triager.triage(live, llm=False).risk_class == "prohibited"
    assert triager.triage(after, llm=False).risk_class == "high_risk"
