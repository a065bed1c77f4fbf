"""Passage vectors: shipped for the corpus, computed once and cached for anything new."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aidesk.desk.dense import ENV_MODEL, DenseUnavailable, cache_path, load_embedder, passage_matrix
from aidesk.desk.search import DeskIndex


def test_every_shipped_unit_has_a_precomputed_vector(index: DeskIndex) -> None:
    # A unit without a shipped vector would be embedded at every cold start on a fresh machine.
    assert index.embedded_now == 0, "run tools/build_desk_embeddings.py"
    assert index.vectors is not None
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1.0, atol=1e-3)


def test_a_new_passage_is_embedded_once_then_read_from_the_cache(
    index: DeskIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDESK_DATA_DIR", str(tmp_path))
    assert index.embedder is not None
    texts = ["A passage that no corpus version contains: aidesk cache test."]
    first, computed = passage_matrix(index.embedder, texts)
    assert computed == 1
    assert cache_path().is_relative_to(tmp_path) and cache_path().exists()
    again, computed = passage_matrix(index.embedder, texts)
    assert computed == 0
    assert np.allclose(first, again, atol=1e-3)


@pytest.mark.parametrize("setting", ["off", "/nonexistent/e5-model.bin"])
def test_the_model_can_be_switched_off_or_fail_to_load(setting: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MODEL, setting)
    with pytest.raises(DenseUnavailable):
        load_embedder()


def test_without_the_model_search_is_bm25_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_MODEL, "/nonexistent/e5-model.bin")
    lexical = DeskIndex.build()
    assert lexical.mode == "bm25"
    assert any("semantic search unavailable" in w for w in lexical.warnings)
    hits = lexical.search("obligations of importers of high-risk AI systems", limit=5).results
    assert "Art. 23" in [h.unit for h in hits]
