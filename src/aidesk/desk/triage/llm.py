"""Optional LLM mode for triage (`AIDESK_LLM_URL`, an OpenAI-compatible chat endpoint; default off).

The model never invents a ground: it is shown the description and our top candidates (ground, label,
citations) and must answer with JSON naming the grounds that apply, each among ours, with a reason that
cites them. The answer is validated (JSON, known grounds only, cited); anything else is discarded with a
note and triage keeps its own ranking. Same settings as the desk's `ask`: `AIDESK_LLM_URL`,
`AIDESK_LLM_MODEL`, `AIDESK_LLM_API_KEY`.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aidesk.desk.triage.service import Scored

ENV_LLM_URL = "AIDESK_LLM_URL"
ENV_LLM_MODEL = "AIDESK_LLM_MODEL"
ENV_LLM_KEY = "AIDESK_LLM_API_KEY"
TIMEOUT_S = 30.0


def llm_url() -> str | None:
    return os.environ.get(ENV_LLM_URL, "").strip() or None


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def prompt(text: str, candidates: Sequence[Scored], lang: str) -> list[dict[str, str]]:
    lines = [
        f"- {s.ground.ground}: {s.ground.label.get('en', '')} (cites {', '.join(s.ground.citations)})"
        for s in candidates
    ]
    system = (
        "You classify AI systems under the EU AI Act (Regulation (EU) 2024/1689 as amended). You are given a "
        "description and a list of candidate grounds. Choose ONLY among the candidates the grounds that the "
        "description clearly meets; choose none if none clearly applies. Respect the carve-outs: fraud detection "
        "is not credit scoring; 1:1 biometric verification is not remote identification; emotion recognition is "
        "prohibited only at the workplace or in education, except for medical or safety reasons. Reply with JSON "
        'only: {"grounds": ["<ground>", ...], "reason": "<one sentence citing each chosen ground in square '
        'brackets, e.g. [Annex III 4(a)]>"}.'
    )
    user = f"Description ({lang}): {text}\n\nCandidates:\n" + "\n".join(lines)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def _post(url: str, messages: list[dict[str, str]]) -> str:
    body = json.dumps(
        {"model": os.environ.get(ENV_LLM_MODEL, "default"), "messages": messages, "temperature": 0}
    ).encode()
    headers = {"Content-Type": "application/json"}
    key = os.environ.get(ENV_LLM_KEY, "").strip()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(_endpoint(url), data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
        payload: Any = json.loads(response.read().decode("utf-8"))
    return str(payload["choices"][0]["message"]["content"])


def validate(content: str, allowed: set[str]) -> set[str] | None:
    """The grounds of a valid answer, or None: JSON with `grounds` (ours only) and a reason citing them."""
    match = re.search(r"\{.*\}", content, re.S)
    if not match:
        return None
    try:
        answer = json.loads(match.group(0))
    except ValueError:
        return None
    if not isinstance(answer, dict):
        return None
    grounds = answer.get("grounds")
    reason = answer.get("reason", "")
    if not isinstance(grounds, list) or not all(isinstance(g, str) for g in grounds):
        return None
    if not isinstance(reason, str):
        return None
    chosen = set(grounds)
    if not chosen <= allowed:
        return None
    cited = set(re.findall(r"\[([^\[\]]+)\]", reason))
    if not chosen <= cited:
        return None
    return chosen


def llm_pick(
    url: str, text: str, candidates: Sequence[Scored], lang: str
) -> tuple[set[str] | None, str | None]:
    """(grounds picked, note for the reader)."""
    try:
        content = _post(url, prompt(text, candidates, lang))
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return None, f"LLM mode unavailable ({type(exc).__name__}); triage used its own scores"
    picked = validate(content, {s.ground.ground for s in candidates})
    if picked is None:
        return None, "the LLM answer was not valid (unknown or uncited grounds); triage used its own scores"
    return picked, f"LLM mode: picked {', '.join(sorted(picked)) or 'no ground'} among the candidates"
