"""Embed the triage description bank and ship the vectors (`src/aidesk/desk/triage/data/bank_vectors.npz`).

    .venv/bin/python tools/build_triage_bank.py [--check]

Keys are the desk's (`aidesk.desk.dense.key_of`: model id + text), so only new or edited descriptions are
embedded again; vectors of texts no longer in the bank are dropped. `--check` exits 1 if the shipped file
lacks a description (for CI). The bank is small (a few hundred descriptions): one build takes about a
minute on two cores, single-threaded to leave room for others.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the shipped file is complete")
    args = parser.parse_args(argv)

    from aidesk.desk.dense import key_of, load_embedder, write_store
    from aidesk.desk.triage.bank import load_bank
    from aidesk.desk.triage.vectors import embed_store, shipped_path, shipped_store

    embedder = load_embedder()
    texts = load_bank().passages()
    shipped = shipped_store()
    wanted = {key_of(embedder.model_id, t) for t in texts}
    missing = wanted - set(shipped)
    if args.check:
        print(f"{len(texts)} descriptions, {len(missing)} missing from {shipped_path()}")
        return 1 if missing else 0
    start = time.perf_counter()
    store, computed = embed_store(embedder, texts, {k: v for k, v in shipped.items() if k in wanted})
    write_store(shipped_path(), store)
    print(
        f"{len(texts)} descriptions ({len(store)} distinct), {computed} embedded in "
        f"{time.perf_counter() - start:.1f}s -> {shipped_path()}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
