"""Triage (issue 7): a plain-language description of an AI system in, a likely classification out.

    from aidesk.desk.triage import triage
    result = triage("our tool ranks incoming CVs and shortlists candidates")
    result.to_json()  # SPEC §5: text, risk_class, confidence, candidates, questions, draft_profile

Triage proposes; the questionnaire confirms. See `service.py` for the method, `bank/` for the grounds and
their descriptions (EN/FR), `tools/build_triage_bank.py` for the shipped vectors.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aidesk.desk.triage.service import Triager, TriageResult

__all__ = ["TriageError", "get_triager", "triage"]

_lock = threading.Lock()
_triagers: dict[str, Triager] = {}


class TriageError(ValueError):
    """A description that cannot be triaged (empty); the message says what to do (CLI: exit 2)."""


def get_triager(regime: str | None = None) -> Triager:
    """The process-wide triager for `regime` (loaded once: bank, model, vectors)."""
    from aidesk.desk.triage.service import Triager

    key = regime or ""
    with _lock:
        if key not in _triagers:
            _triagers[key] = Triager(regime)
        return _triagers[key]


def triage(text: str, lang: str | None = None, regime: str | None = None) -> TriageResult:
    return get_triager(regime).triage(text, lang)
