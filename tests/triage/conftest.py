"""Shared fixtures of the triage tests: one triager per session (bank, model and vectors load once)."""

from __future__ import annotations

import pytest

from aidesk.desk.triage import get_triager
from aidesk.desk.triage.service import Triager


@pytest.fixture(scope="session")
def triager() -> Triager:
    loaded = get_triager()
    assert loaded.mode == "dense+lexical", loaded.notes
    return loaded
