"""The desk index is cached per process; a change of embedding-model setting must not serve the
index built under the old one (a stale keyword-only index would silently lose semantic search)."""

from __future__ import annotations

import pytest

from aidesk.desk.search import DeskIndex, get_index


def test_switching_the_embedding_model_off_and_on_serves_the_matching_index(
    monkeypatch: pytest.MonkeyPatch, index: DeskIndex
) -> None:
    monkeypatch.setenv("AIDESK_EMBED_MODEL", "off")
    keyword_only = get_index()
    assert keyword_only.mode == "bm25"
    monkeypatch.delenv("AIDESK_EMBED_MODEL")
    assert get_index() is index
    assert get_index().mode == "hybrid"
