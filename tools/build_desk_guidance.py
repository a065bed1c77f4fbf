"""Split the Commission's guidelines (../shared/data/guidelines/*.md) into numbered paragraphs
and ship them as package data for the service desk: `src/aidesk/desk/data/guidance.json.gz`.

Each paragraph keeps its document, its number (the citation: `Guidelines C(2025) 5052 para 123`),
the section heading it sits under and its text. The only change to the wording: powers of ten
whose superscript the PDF conversion flattened ("1025 FLOP") are written "10^25 FLOP".
The product reads only the shipped file, never ../shared.

Usage: python tools/build_desk_guidance.py [GUIDELINES_DIR]
"""

from __future__ import annotations

import gzip
import hashlib
import json
import sys
from pathlib import Path

from aidesk.desk.guidance import DATA_FILE, DOCS, split_paragraphs

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "aidesk" / "desk" / "data"
DEFAULT_SRC = ROOT.parent / "shared" / "data" / "guidelines"


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else DEFAULT_SRC
    paragraphs = []
    files = []
    for doc in DOCS:
        last = 0
        numbers: list[int] = []
        for name in doc.files:
            raw = (src / name).read_bytes()
            files.append({"file": name, "doc": doc.key, "sha256": hashlib.sha256(raw).hexdigest()})
            for number, section, text, uncertain in split_paragraphs(raw.decode("utf-8"), start_after=last):
                para = {"doc": doc.key, "number": number, "section": section, "text": text}
                if uncertain:
                    para["uncertain"] = True
                paragraphs.append(para)
                numbers.append(number)
                last = number
        missing = sorted(set(range(min(numbers), max(numbers) + 1)) - set(numbers))
        flagged = sum(1 for p in paragraphs if p["doc"] == doc.key and p.get("uncertain"))
        print(
            f"{doc.cite}: {len(numbers)} paragraphs, {flagged} with an uncertain number ({min(numbers)}–{max(numbers)}), "
            f"missing: {missing if len(missing) < 20 else f'{len(missing)} numbers'}"
        )
    payload = {"about": "Commission guidance on the AI Act, by numbered paragraph", "files": files}
    payload["paragraphs"] = paragraphs
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / DATA_FILE).write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    print(
        f"wrote {OUT / DATA_FILE}: {len(paragraphs)} paragraphs, {(OUT / DATA_FILE).stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
