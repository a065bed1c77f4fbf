"""The question bank as data: wording in both languages, citations that resolve, options that map to valid
profile values, and a question for every profile key the engine reads (and for every open question)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel
from questionnaire_helpers import AS_OF, devset_cases, random_profile

from aidesk.law.corpus import load_corpus
from aidesk.rules import vocab
from aidesk.rules.engine import assess
from aidesk.rules.profile import Profile, ProfileError, profile_from_data
from aidesk.rules.questionnaire import interview_question
from aidesk.rules.questionnaire.answers import UNKNOWN, coerce, profile_data
from aidesk.rules.questionnaire.bank import LANGS, load_bank, wording

BANK = load_bank()
QUESTIONS = [pytest.param(q, id=q.id) for q in BANK.questions]


def _leaf_fields(model: type[BaseModel], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for name, info in model.model_fields.items():
        annotation = info.annotation
        nested = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
        if nested is not None:
            out |= _leaf_fields(nested, f"{prefix}{name}.")
        else:
            out.add(f"{prefix}{info.alias or name}")
    return out


@pytest.mark.parametrize("q", QUESTIONS)
def test_every_question_has_english_and_french_wording_and_help(q: Any) -> None:
    for lang in LANGS:
        t = BANK.text(q.id, lang)
        assert t.text.strip() and t.help.strip()
        assert "?" in t.text, t.text
        for option in q.options:
            assert t.options[option.key].strip(), (lang, option.key)
    assert BANK.text(q.id, "en").text != BANK.text(q.id, "fr").text


@pytest.mark.parametrize("q", QUESTIONS)
def test_every_citation_of_a_question_resolves_in_the_corpus(q: Any) -> None:
    corpus = load_corpus()
    assert q.citations, f"{q.id} cites nothing"
    for ref in q.citations:
        corpus.resolve(ref)  # raises on a citation that does not resolve


@pytest.mark.parametrize("q", QUESTIONS)
def test_every_option_maps_to_a_valid_profile_value(q: Any) -> None:
    base: dict[str, object] = {"q_name": "x"}
    if any(f.startswith("gpai_model.") for f in q.sets):
        base["q_kind"] = "gpai_model"
    for option in q.options:
        answer = coerce(q, [option.key] if q.kind == "multi" else option.key)
        data = profile_data(BANK, {**base, q.id: answer})
        profile = profile_from_data(data)  # raises on an invalid value
        dumped = profile.model_dump(mode="json")
        if q.flags:
            section, key = str(option.value).split(".")
            assert dumped[section][key] is True
        elif q.kind == "multi":
            assert set(option.contributes()) <= set(dumped[q.field])
            for item in option.probe or ():
                profile_from_data({"name": "x", q.field: [item]})
        else:
            node: Any = dumped
            for part in q.field.split("."):
                node = node[part]
            assert node == option.value


def test_every_profile_key_the_engine_reads_is_set_by_some_question() -> None:
    # Free text the engine does not read: the description and the organisation's name.
    fields = _leaf_fields(Profile) - {"schema", "description", "organisation.name"}
    covered = {f for q in BANK.questions for f in q.sets}
    assert fields - covered == set()
    assert covered - fields == set(), "a question sets a key the profile does not have"


def test_every_value_of_every_vocabulary_is_an_option() -> None:
    for field in ("roles", "exclusions", "prohibited_practices", "prohibited_exceptions", "annex_i.legislation",
                  "kind", "organisation.size"):  # fmt: skip
        (q,) = [q for q in BANK.questions if q.sets == (field,)]
        values = {o.value for o in q.options} - {None}
        enum = {
            "roles": "Role", "exclusions": "Exclusion", "prohibited_practices": "Practice",
            "prohibited_exceptions": "PracticeException", "annex_i.legislation": "AnnexIAct", "kind": "Kind",
            "organisation.size": "Size",
        }[field]  # fmt: skip
        assert values == {m.value for m in getattr(vocab, enum)}, field
    points = {o.key for q in BANK.questions if q.id.startswith("q_annex_iii_") for o in q.options}
    points |= {x for o in BANK.by_id["q_annex_iii"].options for x in o.contributes()}
    assert points == set(vocab.ANNEX_III_POINTS)


def test_every_question_an_assessment_lists_is_one_the_interview_can_ask() -> None:
    profiles = [profile_from_data(p.values[0]["profile"]) for p in devset_cases()]
    profiles += [p for seed in range(200) if (p := random_profile(seed)) is not None]
    profiles.append(profile_from_data({"name": "silent"}))
    seen: set[str] = set()
    for profile in profiles:
        for lang in LANGS:
            for oq in assess(profile, "ai-act-2026", AS_OF, lang).open_questions:
                seen.add(oq.question)
                assert oq.question in BANK.by_id, oq
                assert oq.text == BANK.text(oq.question, lang).text
                assert oq.field in BANK.by_id[oq.question].sets
                interview_question(oq.question, lang)
    assert len(seen) >= 15


def test_the_engine_reads_its_open_question_wording_from_the_questionnaire() -> None:
    w = wording()
    assert set(w) == set(BANK.by_id)
    assert all(set(texts) == set(LANGS) for texts in w.values())


@pytest.mark.parametrize("q", QUESTIONS)
def test_i_dont_know_is_an_answer_wherever_it_is_allowed(q: Any) -> None:
    if q.unknown:
        assert coerce(q, "unknown") == UNKNOWN
        assert coerce(q, "je ne sais pas") == UNKNOWN
    else:
        with pytest.raises(ValueError):
            coerce(q, "unknown")


def test_a_profile_error_never_comes_from_a_single_answer_to_an_ai_system() -> None:
    for q in BANK.questions:
        if any(f.startswith("gpai_model.") for f in q.sets):
            continue
        for option in q.options:
            answer = coerce(q, [option.key] if q.kind == "multi" else option.key)
            try:
                profile_from_data(profile_data(BANK, {"q_name": "x", q.id: answer}))
            except ProfileError as exc:  # pragma: no cover - reported by the assertion
                pytest.fail(f"{q.id}={option.key}: {exc}")


@pytest.mark.parametrize("path", ["questions.yaml", "text/en.yaml", "text/fr.yaml"])
def test_the_question_bank_reads_the_same_with_the_c_parser_as_with_the_pure_python_parser(path: str) -> None:
    from importlib import resources

    from ruamel.yaml import YAML

    from aidesk.rules.questionnaire.bank import _read

    text = resources.files("aidesk.rules.questionnaire").joinpath(path).read_text(encoding="utf-8")
    assert _read(path) == YAML(typ="safe", pure=True).load(text)


def test_the_c_parser_keeps_yaml_1_2_semantics() -> None:
    from ruamel.yaml import YAML

    text = "a: NO\nb: 3e25\nc: yes\nd: on\ne: 0o17\nf: 2026-01-01\ng: Off\nh: ~\n"
    c_data = YAML(typ="safe", pure=False).load(text)
    assert c_data == YAML(typ="safe", pure=True).load(text)
    assert c_data["a"] == "NO" and c_data["b"] == 3e25 and c_data["c"] == "yes" and c_data["g"] == "Off"
