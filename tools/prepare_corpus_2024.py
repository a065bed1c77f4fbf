"""Copy the 2024 AI Act corpus (EN/FR) from ../shared/data/corpus into the package.

The English file is copied as it is. The French file gets two structural corrections so
that both languages share one article/paragraph/point skeleton (the text is not changed):

1. In the unnumbered amending articles (Art. 102-110) the French source splits the quoted
   text inserted into another act («…») into a subparagraph of its own, which would count
   as a second paragraph of the AI Act. The English source keeps it in the one paragraph.
   The quoted text is merged back into the paragraph it belongs to.
2. In Art. 113 the French source prints the closing formula ("Le présent règlement est
   obligatoire…") as a fourth paragraph; the English source has it in `final`. It is moved
   to `final`.

Each correction is recorded in the file's `corrections` list.

Usage: python tools/prepare_corpus_2024.py [SHARED_DIR]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "aidesk" / "law" / "data"
QUOTES = ("«", "‘", "'", '"', "“")


def _merge_quoted_subparagraphs(article: dict[str, Any], corrections: list[str]) -> None:
    for paragraph in article["paragraphs"]:
        if paragraph["number"] is not None or not paragraph.get("subparagraphs"):
            continue
        kept = []
        for sub in paragraph["subparagraphs"]:
            if sub["text"].startswith(QUOTES) and not sub.get("points"):
                target = kept[-1] if kept else paragraph
                target["text"] = target["text"] + "\n" + sub["text"]
                corrections.append(
                    f"Art. {article['number']}: quoted amending text merged into the paragraph it belongs to"
                )
            else:
                kept.append(sub)
        if kept:
            paragraph["subparagraphs"] = kept
        else:
            del paragraph["subparagraphs"]


def _move_closing_formula(data: dict[str, Any], corrections: list[str]) -> None:
    last = data["articles"][-1]
    paragraph = last["paragraphs"][-1]
    subs = paragraph.get("subparagraphs") or []
    if subs and subs[-1]["text"].startswith("Le présent règlement est obligatoire"):
        formula = subs.pop()["text"]
        data["final"] = formula + "\n" + data["final"]
        paragraph["full_text"] = paragraph["full_text"].removesuffix("\n" + formula)
        corrections.append(
            f"Art. {last['number']}: closing formula moved to 'final' (as in the English text)"
        )


def prepare(shared: Path) -> None:
    corpus = shared / "data" / "corpus"
    OUT.mkdir(parents=True, exist_ok=True)
    en = json.loads((corpus / "ai_act_en.json").read_text(encoding="utf-8"))
    en["version"] = "2024"
    en.setdefault("corrections", [])
    fr = json.loads((corpus / "ai_act_fr.json").read_text(encoding="utf-8"))
    fr["version"] = "2024"
    corrections: list[str] = []
    for article in fr["articles"]:
        _merge_quoted_subparagraphs(article, corrections)
    _move_closing_formula(fr, corrections)
    fr["corrections"] = corrections
    for lang, data in (("en", en), ("fr", fr)):
        path = OUT / f"ai_act_2024_{lang}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)} ({len(data.get('corrections', []))} corrections)")


if __name__ == "__main__":
    prepare(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared")
