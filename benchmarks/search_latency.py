"""Speed and size of the service desk's search.

- warm: ms per query with the index loaded (median and p95 over the dev questions, each run
  several times; hybrid and BM25-only), with the query embedding timed apart and the CPU time
  per query (a figure that other jobs on the machine disturb less than wall time);
- cold: wall time of `aidesk search QUERY --json` as a fresh process (median of runs);
- index: time to load the index and the memory it takes (Python allocations incl. numpy,
  measured with tracemalloc, and the growth of the process's resident set).

The load average is printed before and after: on a shared machine, read the figures with it.
`--busy-core` runs `yes > /dev/null` during the warm runs, so that one core is taken by
another process (the desk must stay fast when the machine is not its own).

Usage: python benchmarks/search_latency.py [--runs N] [--cold N] [--busy-core] [--warm-only]
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = ROOT.parent / "shared" / "devsets" / "questions.yaml"
FALLBACK_QUERIES = [
    "do I have to tell people they are talking to a bot?",
    "qui doit réaliser une analyse d'impact sur les droits fondamentaux ?",
    "what does article 27 say",
    "annexe III point 4",
    "fines for prohibited practices",
    "obligations of importers of high-risk AI systems",
]


def _queries() -> list[str]:
    if QUESTIONS.exists():
        from ruamel.yaml import YAML

        return [q["q"] for q in YAML(typ="safe").load(QUESTIONS.read_text(encoding="utf-8"))]
    return FALLBACK_QUERIES


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


@contextlib.contextmanager
def _busy_core(on: bool) -> Iterator[None]:
    """`yes > /dev/null` for the duration: one core taken by another process."""
    if not on:
        yield
        return
    proc = subprocess.Popen(["yes"], stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        yield
    finally:
        proc.kill()
        proc.wait()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def _warm(name: str, index: Any, queries: list[str], runs: int) -> None:
    index.search(queries[0])  # first-query effects (lazy caches) are part of cold start
    times: list[float] = []
    threads: collections.Counter[int] = collections.Counter()
    embedder = index.embedder
    cpu0 = time.process_time()
    for _ in range(runs):
        for q in queries:
            if embedder is not None:
                threads[embedder.threads.now()] += 1
            index.forget_queries()  # every query embedded, as a new question would be
            t = time.perf_counter()
            index.search(q, limit=10)
            times.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu0) / len(times) * 1000
    print(f"warm {name:9}: median {statistics.median(times):.1f} ms/query, p95 {_pct(times, 0.95):.1f} ms, "
          f"mean {statistics.fmean(times):.1f} ms ({len(times)} queries); CPU {cpu:.1f} ms/query (all threads)")  # fmt: skip
    if embedder is None:
        return
    embeds: list[float] = []
    cpu0 = time.process_time()
    for q in queries:
        index.forget_queries()
        t = time.perf_counter()
        index.query_vector(q)
        embeds.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu0) / len(embeds) * 1000
    print(f"  of which the query embedding: median {statistics.median(embeds):.1f} ms, p95 {_pct(embeds, 0.95):.1f} ms, "
          f"CPU {cpu:.1f} ms ({len(embeds)} queries); engine threads chosen {dict(sorted(threads.items()))}")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="passes over the queries (default 5)")
    parser.add_argument("--cold", type=int, default=5, help="cold runs of `aidesk search` (default 5)")
    parser.add_argument("--busy-core", action="store_true", help="keep one core busy (`yes`) while timing")
    parser.add_argument("--warm-only", action="store_true", help="only the warm figures")
    args = parser.parse_args(argv)
    queries = _queries()
    print(_load())

    from aidesk.desk.search import DeskIndex

    if not args.warm_only:
        # Load time in a fresh process (imports included), without tracemalloc's overhead.
        code = (
            "import time; t = time.perf_counter(); from aidesk.desk.search import DeskIndex; "
            "DeskIndex.build(); print(time.perf_counter() - t)"
        )
        loads = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
                 for _ in range(3)]  # fmt: skip
        rss0 = _rss_mib()
        tracemalloc.start()
    hybrid = DeskIndex.build()
    if not args.warm_only:
        current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss1 = _rss_mib()
        print(f"index: {len(hybrid.units)} units, {len(hybrid.bank)} bank questions ({hybrid.mode}); "
              f"import + load in a fresh process: median {statistics.median(loads) * 1000:.0f} ms (3 runs)")  # fmt: skip
        print(f"index memory: {current / 2**20:.1f} MiB held (peak {peak / 2**20:.1f} MiB) by Python/numpy; "
              f"process RSS +{rss1 - rss0:.1f} MiB (incl. the e5 model)")  # fmt: skip
        if hybrid.vectors is not None:
            bank = hybrid.bank.matrix.nbytes if hybrid.bank.matrix is not None else 0
            print(f"  of which passage vectors: {hybrid.vectors.nbytes / 2**20:.1f} MiB, "
                  f"question vectors {bank / 2**20:.1f} MiB (float32 in memory)")  # fmt: skip

    lexical = DeskIndex.build(dense=False)
    with _busy_core(args.busy_core):
        if args.busy_core:
            print("one core kept busy by `yes > /dev/null`")
        for name, index in (("hybrid", hybrid), ("bm25 only", lexical)):
            _warm(name, index, queries, args.runs)
    print(_load())
    if args.warm_only:
        return 0

    exe = Path(sys.executable).with_name("aidesk")
    cmd = [str(exe), "search", "do I have to tell people they are talking to a bot?", "--json"]
    walls = []
    for _ in range(args.cold):
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - t)
        if done.returncode != 0:
            print(f"cold run failed: {done.stderr.strip()}", file=sys.stderr)
            return 1
    print(f"cold `aidesk search … --json` as a process: median {statistics.median(walls):.2f} s "
          f"(min {min(walls):.2f}, max {max(walls):.2f}, {args.cold} runs)")  # fmt: skip
    print(
        f"max RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    print(_load())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
