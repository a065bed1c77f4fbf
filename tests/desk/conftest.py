"""Shared fixtures of the service-desk tests: one index per test session (it takes ~1 s)."""

from __future__ import annotations

import pytest

from aidesk.desk.search import DeskIndex, get_index


@pytest.fixture(scope="session")
def index() -> DeskIndex:
    built = get_index()
    assert built.mode == "hybrid", built.warnings
    return built
