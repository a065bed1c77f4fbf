"""A quality floor on our own varied descriptions (`probes.yaml`), in each language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from aidesk.desk.triage.service import Triager

PROBES: list[list[Any]] = YAML(typ="safe").load(
    (Path(__file__).parent / "probes.yaml").read_text(encoding="utf-8")
)


def _matches(candidate: str, expected: str) -> bool:
    return candidate == expected or candidate.startswith(expected + "(")


def test_probe_descriptions_quality_floor(triager: Triager) -> None:
    wrong: dict[str, list[str]] = {"en": [], "fr": []}
    missed: list[str] = []
    for risk_class, ground, lang, text in PROBES:
        result = triager.triage(text, llm=False)
        if result.risk_class != risk_class:
            wrong[lang].append(f"{risk_class} -> {result.risk_class}: {text[:60]}")
        if ground and not any(_matches(s.ground.ground, ground) for s in result.candidates[:3]):
            missed.append(f"{ground}: {text[:60]}")
    for lang in ("en", "fr"):
        n = sum(1 for p in PROBES if p[2] == lang)
        assert len(wrong[lang]) <= 0.05 * n, wrong[lang]
    assert len(missed) <= 0.03 * len(PROBES), missed
