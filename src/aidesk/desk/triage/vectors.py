"""Passage vectors of the triage bank: a thin adapter over `aidesk.desk.dense`.

The desk's `passage_matrix` reads and fills the desk's own store (law and guidance passages); the bank is a
separate, much smaller collection, so it has its own shipped file (`data/bank_vectors.npz`, built by
`tools/build_triage_bank.py`) and its own cache in the user data dir. Keys and storage format are the desk's
(`dense.key_of`, `dense.write_store`): a vector is found again only for the same model and the same text, so
an edited description is re-embedded on first use, never matched to a stale vector.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from aidesk.desk.dense import Embedder, key_of, passage_text, read_store, write_store

BANK_VECTORS = "bank_vectors.npz"
Store = dict[int, npt.NDArray[np.float16]]


def _read(data: Any) -> Store:
    return dict(zip((int(k) for k in data["keys"]), data["vectors"], strict=True))


def shipped_store() -> Store:
    path = resources.files("aidesk.desk.triage").joinpath("data", BANK_VECTORS)
    try:
        with path.open("rb") as fh, np.load(fh) as data:
            return _read(data)
    except (FileNotFoundError, OSError, ValueError, KeyError):
        return {}


def shipped_path() -> Path:
    return Path(str(resources.files("aidesk.desk.triage").joinpath("data", BANK_VECTORS)))


def cache_path() -> Path:
    from aidesk.settings import get_settings

    return get_settings().data_dir / "desk" / "triage-vectors.npz"


def _cached() -> Store:
    return read_store(cache_path())  # a damaged cache is rebuilt


def embed_store(embedder: Embedder, texts: Sequence[str], store: Store | None = None) -> tuple[Store, int]:
    """`store` completed with the vectors of `texts` it lacks; returns it and how many were computed."""
    store = dict(store or {})
    missing = [t for t in dict.fromkeys(texts) if key_of(embedder.model_id, t) not in store]
    if missing:
        vectors = embedder.passages([passage_text(t) for t in missing])
        for text, vec in zip(missing, vectors, strict=True):
            store[key_of(embedder.model_id, text)] = vec.astype(np.float16)
    return store, len(missing)


def bank_matrix(embedder: Embedder, texts: Sequence[str]) -> tuple[npt.NDArray[np.float32], int]:
    """Row-normalised vectors of `texts`, from the shipped file, then the cache, then the model."""
    keys = [key_of(embedder.model_id, t) for t in texts]
    store = shipped_store()
    computed = 0
    if any(k not in store for k in keys):
        cache = _cached()
        store.update(cache)
        todo = [t for t, k in zip(texts, keys, strict=True) if k not in store]
        if todo:
            cache, computed = embed_store(embedder, todo, cache)
            store.update(cache)
            with contextlib.suppress(OSError):  # a read-only home only means recomputing next time
                write_store(cache_path(), cache)
    if not keys:
        return np.zeros((0, 384), np.float32), 0
    matrix = np.stack([store[k] for k in keys]).astype(np.float32)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return matrix, computed
