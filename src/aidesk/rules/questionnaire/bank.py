"""The question bank: the structure of every question (`questions.yaml`) and its wording per language
(`text/<lang>.yaml`), loaded once and checked on load.

Pure data, no rules: this module imports nothing from the engine, so that the engine can read the
wording of its open questions from here (`wording()`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

LANGS: tuple[str, ...] = ("en", "fr")
QUESTIONNAIRE_SCHEMA = "aidesk/questionnaire/v1"

Kind = Literal["yes_no", "single", "multi", "number", "date", "country", "text"]


class QuestionnaireError(RuntimeError):
    """Questionnaire data that is inconsistent: a bug in aidesk's data, never bad user input."""


class _Def(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OptionDef(_Def):
    """One option of a choice question, mapped to the profile value it stands for."""

    value: Any
    key_: str | None = Field(default=None, alias="key")
    adds: tuple[str, ...] | None = None  # what it puts in a list key (default: [value])
    probe: tuple[str, ...] | None = None  # what the resolver tries for it (default: adds)
    follow_up: str | None = None

    @property
    def key(self) -> str:
        """The answer token: `key`, else the last part of a key path, else the value itself."""
        if self.key_ is not None:
            return self.key_
        return str(self.value).rsplit(".", 1)[-1]

    def contributes(self, probe: bool = False) -> tuple[str, ...]:
        if probe and self.probe is not None:
            return self.probe
        return self.adds if self.adds is not None else (str(self.value),)


class QuestionDef(_Def):
    id: str = Field(pattern=r"^q_[a-z0-9_]+$")
    stage: str
    kind: Kind
    sets: tuple[str, ...] = Field(min_length=1)
    citations: tuple[str, ...] = ()
    options: tuple[OptionDef, ...] = ()
    ask_if: Mapping[str, Any] = Field(default_factory=dict)
    flow: bool = True
    always: bool = False
    unknown: bool = True
    min: int = 0
    probe_param: str | None = None
    if_open: bool = False
    probe_with: Mapping[str, Any] = Field(default_factory=dict)

    @property
    def flags(self) -> bool:
        """A multi-select over several boolean keys (each option is a key)."""
        return self.kind == "multi" and len(self.sets) > 1

    @property
    def field(self) -> str:
        return self.sets[0]

    def option(self, key: str) -> OptionDef | None:
        return next((o for o in self.options if o.key == key), None)


class StageDef(_Def):
    id: str
    skip_if_class: tuple[str, ...] = ()


class _File(_Def):
    schema_: Literal["aidesk/questionnaire/v1"] = Field(alias="schema")
    stages: tuple[StageDef, ...]
    questions: tuple[QuestionDef, ...]


class Texts(_Def):
    """The wording of one question in one language."""

    text: str = Field(min_length=1)
    help: str = Field(min_length=1)
    options: Mapping[str, str] = Field(default_factory=dict)


class Bank:
    """Every question in interview order, with its wording in each language."""

    def __init__(
        self,
        stages: tuple[StageDef, ...],
        questions: tuple[QuestionDef, ...],
        texts: Mapping[str, Mapping[str, Texts]],
        ui: Mapping[str, Mapping[str, str]],
        stage_labels: Mapping[str, Mapping[str, str]],
    ) -> None:
        self.stages = stages
        self.questions = questions
        self.by_id = {q.id: q for q in questions}
        self.flow = tuple(q for q in questions if q.flow)
        self.texts = texts
        self.ui = ui
        self.stage_labels = stage_labels
        self.stage_index = {s.id: i for i, s in enumerate(stages)}
        self.stage_by_id = {s.id: s for s in stages}

    def text(self, qid: str, lang: str) -> Texts:
        return self.texts[lang][qid]

    def setters(self, field: str) -> tuple[QuestionDef, ...]:
        """The questions that set a profile key."""
        return tuple(q for q in self.questions if field in q.sets)


def _read(path: str) -> Any:
    from ruamel.yaml import YAML

    text = resources.files("aidesk.rules.questionnaire").joinpath(path).read_text(encoding="utf-8")
    # ruamel.yaml.clib's C parser with the same YAML 1.2 resolver and constructors: the same values
    # (tests/questionnaire/test_question_bank.py compares them), read in a tenth of the time; text it
    # cannot read goes to the pure-Python parser, whose error messages are the ones we have always shown.
    try:
        return YAML(typ="safe", pure=False).load(text)
    except Exception:
        return YAML(typ="safe", pure=True).load(text)


def _check(bank: Bank) -> None:
    problems: list[str] = []
    seen: set[str] = set()
    for q in bank.questions:
        if q.id in seen:
            problems.append(f"{q.id}: duplicate id")
        seen.add(q.id)
        if q.stage not in bank.stage_index:
            problems.append(f"{q.id}: unknown stage {q.stage!r}")
        if q.kind in ("single", "multi") and not q.options:
            problems.append(f"{q.id}: a {q.kind} question needs options")
        if q.kind not in ("single", "multi") and q.options:
            problems.append(f"{q.id}: a {q.kind} question has no options")
        if q.kind != "multi" and len(q.sets) > 1:
            problems.append(f"{q.id}: only a multi question sets several keys")
        keys = [o.key for o in q.options]
        if len(set(keys)) != len(keys):
            problems.append(f"{q.id}: duplicate option keys")
        for ref, _ in q.ask_if.items():
            if ref.startswith("q_") and ref not in {x.id for x in bank.questions}:
                problems.append(f"{q.id}: ask_if refers to unknown question {ref}")
        for o in q.options:
            if o.follow_up is not None and o.follow_up not in {x.id for x in bank.questions}:
                problems.append(f"{q.id}: option {o.key} follows up with unknown question {o.follow_up}")
        for lang in LANGS:
            t = bank.texts[lang].get(q.id)
            if t is None:
                problems.append(f"{q.id}: no {lang} wording in text/{lang}.yaml")
                continue
            missing = [k for k in keys if k not in t.options]
            extra = [k for k in t.options if k not in keys]
            if missing:
                problems.append(f"{q.id}: no {lang} label for options {', '.join(missing)}")
            if extra:
                problems.append(f"{q.id}: {lang} labels for unknown options {', '.join(extra)}")
    for lang in LANGS:
        for qid in bank.texts[lang]:
            if qid not in seen:
                problems.append(f"text/{lang}.yaml: wording for unknown question {qid}")
        for stage in bank.stages:
            if stage.id not in bank.stage_labels[lang]:
                problems.append(f"text/{lang}.yaml: no label for stage {stage.id}")
    if set(bank.ui["en"]) != set(bank.ui["fr"]):
        problems.append("text/en.yaml and text/fr.yaml: _ui keys differ")
    if problems:
        raise QuestionnaireError("questionnaire data: " + "; ".join(problems))


@functools.cache
def load_bank() -> Bank:
    """The question bank (cached). Raises `QuestionnaireError` when the data is inconsistent."""
    try:
        structure = _File.model_validate(_read("questions.yaml"))
        texts: dict[str, dict[str, Texts]] = {}
        ui: dict[str, dict[str, str]] = {}
        stage_labels: dict[str, dict[str, str]] = {}
        for lang in LANGS:
            raw = dict(_read(f"text/{lang}.yaml"))
            ui[lang] = {str(k): str(v) for k, v in raw.pop("_ui").items()}
            stage_labels[lang] = {str(k): str(v) for k, v in raw.pop("_stages").items()}
            texts[lang] = {
                qid: Texts.model_validate(
                    {**entry, "options": {str(k): v for k, v in (entry.get("options") or {}).items()}}
                )
                for qid, entry in raw.items()
            }
    except (ValidationError, KeyError, TypeError) as exc:
        raise QuestionnaireError(f"questionnaire data: {exc}") from exc
    bank = Bank(structure.stages, structure.questions, texts, ui, stage_labels)
    _check(bank)
    return bank


def wording() -> dict[str, dict[str, str]]:
    """`{question id: {lang: text}}` for every question: the wording of the assessment's open questions."""
    bank = load_bank()
    return {q.id: {lang: bank.texts[lang][q.id].text for lang in LANGS} for q in bank.questions}


__all__ = [
    "LANGS",
    "Bank",
    "OptionDef",
    "QuestionDef",
    "QuestionnaireError",
    "StageDef",
    "Texts",
    "load_bank",
    "wording",
]
