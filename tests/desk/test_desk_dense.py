"""Passage vectors: shipped for the corpus, computed once and cached for anything new."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from aidesk.desk.dense import (
    ENV_MODEL,
    ENV_THREADS,
    DenseUnavailable,
    Threads,
    cache_path,
    key_of,
    load_embedder,
    passage_matrix,
    query_key,
    single_blas,
    stored_matrix,
)
from aidesk.desk.question_bank import question_cache_path
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


def test_a_question_the_shipped_bank_lacks_is_embedded_as_a_query_once(
    index: DeskIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIDESK_DATA_DIR", str(tmp_path))
    embedder = index.embedder
    assert embedder is not None
    texts = ["A question no bank holds: aidesk question cache test?"]
    keys = [query_key(embedder.model_id, texts[0])]
    assert keys[0] != key_of(embedder.model_id, texts[0])  # a query is not a passage
    first, computed = stored_matrix(embedder, texts, keys, {}, question_cache_path(), as_query=True)
    assert computed == 1 and question_cache_path().is_relative_to(tmp_path)
    again, computed = stored_matrix(embedder, texts, keys, {}, question_cache_path(), as_query=True)
    assert computed == 0 and np.allclose(first, again, atol=1e-3)
    assert np.allclose(first[0], embedder.query(texts[0]), atol=1e-2)


def test_the_engine_threads_follow_the_free_cores_or_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert 1 <= Threads(most=2).now() <= 2
    assert Threads(most=2, fixed=1).now() == 1
    monkeypatch.setenv(ENV_THREADS, "1")
    assert Threads.from_env().now() == 1
    monkeypatch.delenv(ENV_THREADS)
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert Threads.from_env().most == 1


def test_one_or_two_engine_threads_give_the_same_vector(index: DeskIndex) -> None:
    embedder = index.embedder
    assert embedder is not None
    text = "Who must carry out a fundamental rights impact assessment?"
    vectors = []
    for n in (1, 2):
        embedder.threads = Threads(most=2, fixed=n)
        vectors.append(embedder.query(text))
    embedder.threads = Threads.from_env()
    assert np.allclose(vectors[0], vectors[1], atol=1e-4)


def test_with_the_model_loaded_blas_runs_on_one_thread(
    index: DeskIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from threadpoolctl import threadpool_info

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    single_blas()
    assert {p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"} <= {1}


def test_one_model_per_setting_is_shared_by_the_process(index: DeskIndex) -> None:
    assert load_embedder() is load_embedder() is index.embedder
