"""LLM mode (`AIDESK_LLM_URL`): the model picks among our candidates and must cite them; no network here."""

from __future__ import annotations

import json

import pytest

from aidesk.desk.triage import llm
from aidesk.desk.triage.service import Triager

TEXT = "Our chatbot talks with job applicants, scores their answers and tells recruiters whom to hire."


def _reply(content: str):  # type: ignore[no-untyped-def]
    def post(url: str, messages: list[dict[str, str]]) -> str:
        assert url == "http://llm.invalid/v1"
        assert "Annex III 4(a)" in messages[1]["content"]
        return content

    return post


def test_llm_mode_is_off_by_default(triager: Triager, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(llm.ENV_LLM_URL, raising=False)
    monkeypatch.setattr(llm, "_post", lambda *a: pytest.fail("no call without AIDESK_LLM_URL"))
    assert triager.triage(TEXT).mode == "dense+lexical"


def test_a_valid_cited_pick_decides_the_confident_candidates(
    triager: Triager, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(llm.ENV_LLM_URL, "http://llm.invalid/v1")
    answer = {"grounds": ["Art. 50(1)"], "reason": "It is a chatbot [Art. 50(1)]."}
    monkeypatch.setattr(llm, "_post", _reply(json.dumps(answer)))
    result = triager.triage(TEXT)
    assert result.mode.endswith("+llm")
    assert [s.ground.ground for s in result.candidates if s.confident] == ["Art. 50(1)"]
    assert result.risk_class == "transparency"


@pytest.mark.parametrize(
    "content",
    [
        "not json at all",
        json.dumps({"grounds": ["Annex III 2"], "reason": "[Annex III 2]"}),  # not among our candidates
        json.dumps({"grounds": ["Annex III 4(a)"], "reason": "no citation"}),  # not cited
        json.dumps({"grounds": "Annex III 4(a)", "reason": "[Annex III 4(a)]"}),
    ],
)
def test_an_invalid_answer_is_discarded(
    triager: Triager, monkeypatch: pytest.MonkeyPatch, content: str
) -> None:
    monkeypatch.setenv(llm.ENV_LLM_URL, "http://llm.invalid/v1")
    monkeypatch.setattr(llm, "_post", _reply(content))
    result = triager.triage(TEXT)
    assert result.mode == "dense+lexical"
    assert result.risk_class == "high_risk"
    assert any("not valid" in n for n in result.notes)


def test_an_unreachable_endpoint_falls_back(triager: Triager, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(llm.ENV_LLM_URL, "http://llm.invalid/v1")

    def down(url: str, messages: list[dict[str, str]]) -> str:
        raise OSError("connection refused")

    monkeypatch.setattr(llm, "_post", down)
    result = triager.triage(TEXT)
    assert result.risk_class == "high_risk"
    assert any("unavailable" in n for n in result.notes)
