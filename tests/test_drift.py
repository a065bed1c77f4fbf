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


def test_the_demo_that_readme_runs_first_works() -> None:
    # README's first command, `make run`, runs `aidesk demo`.
    result = subprocess.run(
        [sys.executable, "-m", "aidesk", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 0, result.stderr
    assert "Annex III 4(a)" in result.stdout
