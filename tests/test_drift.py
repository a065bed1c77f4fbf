"""Guards against drift (STYLE.md lesson 9): what the rules cite exists in the law, and what
README promises works."""

from __future__ import annotations

import subprocess
import sys

from aidesk.law.citations import CitationError, format_citation, parse
from aidesk.law.corpus import load_corpus
from aidesk.rules import all_citations


def test_every_citation_the_rules_can_emit_is_canonical_and_resolves_in_the_corpus() -> None:
    # All rules, regimes and obligations, not only those a profile happens to fire. A citation
    # resolves in the 2026 text, or — for a provision Reg. (EU) 2026/1744 deleted or moved, cited
    # by the ai-act-2024 regime — in the 2024 text.
    texts = {v: load_corpus(v, "en") for v in ("2024", "2026")}
    citations = all_citations()
    assert len(citations) > 100
    unresolved = []
    for text in sorted(citations):
        assert format_citation(parse(text)) == text, text
        errors = []
        for corpus in texts.values():
            try:
                corpus.resolve(text)
                break
            except CitationError as exc:
                errors.append(str(exc))
        else:
            unresolved.append((text, errors))
    assert unresolved == []


def test_the_terminal_demo_readme_mentions_works() -> None:
    # `aidesk demo` is the terminal tour README points to (`make run` serves the web desk).
    result = subprocess.run(
        [sys.executable, "-m", "aidesk", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stderr
    assert "Annex III 4(a)" in result.stdout


def test_readme_quick_start_is_the_two_make_targets_and_they_run_the_product_and_the_suite() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    test = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "aidesk serve" in run  # the web desk; tests/web starts the same command on a free port
    assert "pytest" in test and "lint" in test
    ci = (root / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci
