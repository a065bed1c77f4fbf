"""Speed and size of the service desk's search.

- warm: ms per query with the index loaded (median and p95 over the dev questions, each run
  several times; hybrid and BM25-only);
- cold: wall time of `aidesk search QUERY --json` as a fresh process (median of runs);
- index: time to load the index and the memory it takes (Python allocations incl. numpy,
  measured with tracemalloc, and the growth of the process's resident set).

Usage: python benchmarks/search_latency.py [--runs N] [--cold N]
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

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


def _arg(name: str, default: int) -> int:
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> int:
    runs = _arg("--runs", 5)
    cold_runs = _arg("--cold", 5)
    queries = _queries()

    from aidesk.desk.search import DeskIndex

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
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss1 = _rss_mib()
    print(f"index: {len(hybrid.units)} units ({hybrid.mode}); import + load in a fresh process: "
          f"median {statistics.median(loads) * 1000:.0f} ms (3 runs)")  # fmt: skip
    print(f"index memory: {current / 2**20:.1f} MiB held (peak {peak / 2**20:.1f} MiB) by Python/numpy; "
          f"process RSS +{rss1 - rss0:.1f} MiB (incl. the e5 model)")  # fmt: skip
    if hybrid.vectors is not None:
        print(f"  of which passage vectors: {hybrid.vectors.nbytes / 2**20:.1f} MiB (float32 in memory)")

    lexical = DeskIndex.build(dense=False)
    for name, index in (("hybrid", hybrid), ("bm25 only", lexical)):
        index.search(queries[0])  # first-query effects (lazy caches) are part of cold start
        times = []
        for _ in range(runs):
            for q in queries:
                t = time.perf_counter()
                index.search(q, limit=10)
                times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[int(0.95 * (len(times) - 1))]
        print(f"warm {name:9}: median {statistics.median(times):.1f} ms/query, p95 {p95:.1f} ms, "
              f"mean {statistics.fmean(times):.1f} ms ({len(times)} queries)")  # fmt: skip

    exe = Path(sys.executable).with_name("aidesk")
    cmd = [str(exe), "search", "do I have to tell people they are talking to a bot?", "--json"]
    walls = []
    for _ in range(cold_runs):
        t = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - t)
        if done.returncode != 0:
            print(f"cold run failed: {done.stderr.strip()}", file=sys.stderr)
            return 1
    print(f"cold `aidesk search … --json` as a process: median {statistics.median(walls):.2f} s "
          f"(min {min(walls):.2f}, max {max(walls):.2f}, {cold_runs} runs)")  # fmt: skip
    print(
        f"max RSS of this benchmark process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
