"""How long one step of the guided interview takes (issue 5: each `next_question` should be fast).

A simulated user answers the questionnaire from each bundled example profile; every call to
`next_question` is timed. Performance is measured here, not asserted in tests.

    .venv/bin/python benchmarks/interview_steps.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from aidesk.rules import load_profile
from aidesk.rules.questionnaire.bank import load_bank
from aidesk.rules.questionnaire.prefill import answer_from
from aidesk.rules.questionnaire.resolver import Result, next_question

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    bank = load_bank()
    profiles = [load_profile(p) for p in sorted((ROOT / "examples" / "profiles").glob("*.yaml"))]
    times: list[float] = []
    questions: list[int] = []
    for _ in range(args.rounds):
        for profile in profiles:
            answers: dict[str, object] = {}
            asked = 0
            while True:
                start = time.perf_counter()
                step = next_question(answers)
                times.append(time.perf_counter() - start)
                if isinstance(step, Result):
                    break
                asked += 1
                answers[step.id] = answer_from(bank.by_id[step.id], profile)
            questions.append(asked)
    ms = sorted(t * 1000 for t in times)
    print(f"{len(profiles)} example profiles × {args.rounds} rounds, {len(ms)} steps")
    print(f"questions asked per interview: median {statistics.median(questions)}, max {max(questions)}")
    print(
        f"ms per step: median {statistics.median(ms):.1f}, p95 {ms[int(len(ms) * 0.95)]:.1f}, max {ms[-1]:.1f}"
    )


if __name__ == "__main__":
    main()
