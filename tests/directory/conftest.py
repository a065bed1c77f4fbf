"""Fixtures for the directory tests: a private user data dir for every test that may write."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "aidesk-data"
    monkeypatch.setenv("AIDESK_DATA_DIR", str(path))
    return path
