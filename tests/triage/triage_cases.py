"""Our own translated triage cases (`cases.yaml`), for the parity and carve-out tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent


def load_cases() -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = YAML(typ="safe").load((HERE / "cases.yaml").read_text(encoding="utf-8"))
    return data
