"""Search quality of the service desk on the development questions.

Reports recall@5 (share of the expected citations in the top 5, averaged over questions) and
MRR@10 (reciprocal rank of the primary expected citation), overall and for the English and
French questions, with counts — for aidesk's hybrid search, for aidesk with BM25 alone, and
for the baseline: plain BM25 over whole articles in the question's language.

Usage: python benchmarks/search_eval.py [QUESTIONS_YAML] [--set dev|heldout|both] [--hybrid-only]
                                        [--verbose] [--json]
Sets: `dev` = ../shared/devsets/questions.yaml (relative to the repository root, the default),
`heldout` = tests/desk/heldout_questions.yaml (written without reading the dev questions; the
method is developed on it), `both` = one after the other. Systems: aidesk's hybrid search; the
same without the question bank (`aidesk.desk.question_bank`), to show what the bank adds;
BM25 alone (with the bank's questions, as with `AIDESK_EMBED_MODEL=off`); the baseline.
`--hybrid-only` skips all but the first (quick checks while developing).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUESTIONS = ROOT.parent / "shared" / "devsets" / "questions.yaml"
SETS = {"dev": DEFAULT_QUESTIONS, "heldout": ROOT / "tests" / "desk" / "heldout_questions.yaml"}


def load_questions(path: Path) -> list[dict[str, Any]]:
    from ruamel.yaml import YAML

    items = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return [{"id": q["id"], "lang": q["lang"], "q": q["q"], "expect": list(q["expect"])} for q in items]


class ArticleBM25:
    """The baseline: BM25 over whole articles (title + text) in one language, Snowball stems."""

    def __init__(self, lang: str) -> None:
        import bm25s
        import Stemmer

        from aidesk.law.corpus import load_corpus

        corpus = load_corpus(None, lang) if lang == "en" else _french()
        self.refs = [f"Art. {n}" for n in corpus.articles]
        docs = [f"{a.title}\n{a.full_text}" for a in corpus.articles.values()]
        self.stemmer = Stemmer.Stemmer({"en": "english", "fr": "french"}[lang])
        self.stop = "en" if lang == "en" else "fr"
        self.bm25 = bm25s.BM25()
        self.bm25.index(bm25s.tokenize(docs, stopwords=self.stop, stemmer=self.stemmer, show_progress=False),
                        show_progress=False)  # fmt: skip

    def search(self, query: str, k: int = 10) -> list[str]:
        import bm25s

        tokens = bm25s.tokenize([query], stopwords=self.stop, stemmer=self.stemmer, show_progress=False)
        docs, _ = self.bm25.retrieve(tokens, k=k, show_progress=False)
        return [self.refs[i] for i in docs[0]]


def _french() -> Any:
    from aidesk.desk.units import law_texts

    return law_texts().fr


def evaluate(questions: list[dict[str, Any]], run: Any) -> dict[str, Any]:
    from aidesk.desk.metrics import Scores

    scores = {"all": Scores(), "en": Scores(), "fr": Scores()}
    misses = []
    for q in questions:
        refs = run(q)
        for key in ("all", q["lang"]):
            scores[key].add(q["expect"], refs)
        from aidesk.desk.metrics import found, rank_of

        lost = [e for e in q["expect"] if not found(e, refs, 5)]
        if lost or rank_of(q["expect"][0], refs[:10]) != 1:
            misses.append({"id": q["id"], "expect": q["expect"], "missing@5": lost, "top5": refs[:5]})
    out: dict[str, Any] = {}
    for key, s in scores.items():
        out[key] = {
            "questions": s.questions,
            "recall@5": round(s.recall_at_5, 3),
            "found@5": f"{s.found_at_5}/{s.expected}",
            "MRR@10": round(s.mrr_at_10, 3),
            "primary@1": f"{s.hit_at_1}/{s.questions}",
            "primary@5": f"{s.primary_at_5}/{s.questions}",
        }
    out["misses"] = misses
    return out


def _paths(argv: list[str]) -> list[Path]:
    """The question files named on the command line: a path, or `--set NAME`."""
    args: list[str] = []
    chosen: str | None = None
    it = iter(argv[1:])
    for a in it:
        if a == "--set":
            chosen = next(it, "")
        elif a.startswith("--set="):
            chosen = a.split("=", 1)[1]
        elif not a.startswith("--"):
            args.append(a)
    if chosen is not None:
        if chosen == "both":
            return [SETS["dev"], SETS["heldout"]]
        if chosen not in SETS:
            raise SystemExit(f"--set must be one of {', '.join([*SETS, 'both'])}, got {chosen!r}")
        return [SETS[chosen]]
    return [Path(args[0]) if args else DEFAULT_QUESTIONS]


def _systems(argv: list[str]) -> dict[str, Any]:
    from aidesk.desk.search import DeskIndex

    systems: dict[str, Any] = {}
    hybrid = DeskIndex.build()
    if hybrid.mode != "hybrid":
        print(f"warning: {hybrid.warnings}", file=sys.stderr)
    systems["aidesk (hybrid)"] = lambda q: [h.ref for h in hybrid.search(q["q"], limit=10).results]
    if "--hybrid-only" in argv:
        return systems
    no_bank = DeskIndex.build(questions=())
    systems["aidesk (hybrid, no question bank)"] = lambda q: [
        h.ref for h in no_bank.search(q["q"], limit=10).results
    ]
    lexical = DeskIndex.build(dense=False)
    systems["aidesk (BM25 only)"] = lambda q: [h.ref for h in lexical.search(q["q"], limit=10).results]
    baselines = {"en": ArticleBM25("en"), "fr": ArticleBM25("fr")}
    systems["baseline: BM25 over articles"] = lambda q: baselines[q["lang"]].search(q["q"], 10)
    return systems


def _report(path: Path, systems: dict[str, Any]) -> dict[str, Any]:
    questions = load_questions(path)
    report: dict[str, Any] = {"questions": str(path), "n": len(questions), "systems": {}}
    for name, run in systems.items():
        start = time.perf_counter()
        result = evaluate(questions, run)
        result["seconds"] = round(time.perf_counter() - start, 2)
        report["systems"][name] = result
    return report


def _print(report: dict[str, Any], verbose: bool) -> None:
    print(f"{report['n']} questions from {report['questions']}\n")
    header = f"{'system':34} {'set':4} {'recall@5':>9} {'found@5':>9} {'MRR@10':>7} {'top1':>7} {'top5':>7}"
    print(header)
    print("-" * len(header))
    for name, result in report["systems"].items():
        for key in ("all", "en", "fr"):
            r = result[key]
            print(f"{name if key == 'all' else '':34} {key:4} {r['recall@5']:9.3f} {r['found@5']:>9} "
                  f"{r['MRR@10']:7.3f} {r['primary@1']:>7} {r['primary@5']:>7}")  # fmt: skip
    if verbose:
        for name, result in report["systems"].items():
            print(f"\n{name}: questions not perfect (missing in top 5, or primary not first)")
            for m in result["misses"]:
                print(f"  {m['id']}: expect {m['expect']} missing {m['missing@5']} top5 {m['top5']}")


def main(argv: list[str]) -> int:
    paths = _paths(argv)
    systems = _systems(argv)
    reports = [_report(path, systems) for path in paths]
    if "--json" in argv:
        print(json.dumps(reports[0] if len(reports) == 1 else reports, ensure_ascii=False, indent=2))
        return 0
    for i, report in enumerate(reports):
        if i:
            print()
        _print(report, "--verbose" in argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
