"""Retrieval metrics for the desk's evaluation (benchmarks and the quality-floor test).

A retrieved citation answers an expected one when the expected provision covers it, at the
level the expectation names: `Art. 27(1)` counts for `Art. 27`, `Annex III 4(a)` for `Annex III`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aidesk.law.citations import Citation, try_parse


def answers(expected: str, retrieved: str) -> bool:
    e, r = try_parse(expected), try_parse(retrieved)
    if e is None or r is None:
        return expected == retrieved
    if e.kind is r.kind and e.number == r.number and e.act == r.act and not e.path and e.section is None:
        return True  # a whole unit: any part of it, in any section
    return e.covers(r)


def found(expected: str, retrieved: Sequence[str], k: int) -> bool:
    return any(answers(expected, r) for r in retrieved[:k])


def rank_of(expected: str, retrieved: Sequence[str]) -> int | None:
    """1-based rank of the first retrieved citation that answers `expected`."""
    return next((i for i, r in enumerate(retrieved, start=1) if answers(expected, r)), None)


@dataclass
class Scores:
    """Totals over a set of questions; ratios are computed from counts."""

    questions: int = 0
    expected: int = 0
    found_at_5: int = 0
    recall_sum: float = 0.0
    rr_sum: float = 0.0
    hit_at_1: int = 0
    primary_at_5: int = 0

    def add(self, expect: Sequence[str], retrieved: Sequence[str]) -> None:
        self.questions += 1
        self.expected += len(expect)
        hits = sum(found(e, retrieved, 5) for e in expect)
        self.found_at_5 += hits
        self.recall_sum += hits / len(expect) if expect else 0.0
        rank = rank_of(expect[0], retrieved[:10]) if expect else None
        self.rr_sum += 1.0 / rank if rank else 0.0
        self.hit_at_1 += rank == 1
        self.primary_at_5 += rank is not None and rank <= 5

    @property
    def recall_at_5(self) -> float:
        """Mean over questions of the share of expected citations in the top 5."""
        return self.recall_sum / self.questions if self.questions else 0.0

    @property
    def mrr_at_10(self) -> float:
        """Mean reciprocal rank of the primary (first) expected citation, 0 beyond rank 10."""
        return self.rr_sum / self.questions if self.questions else 0.0


def unit_refs(refs: Sequence[str]) -> list[str]:
    """The citations as whole units (for display of what was retrieved)."""
    out = []
    for ref in refs:
        c: Citation | None = try_parse(ref)
        out.append(str(c.unit) if c is not None else ref)
    return out
