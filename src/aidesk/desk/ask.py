"""`ask`: an extractive, cited answer from the service desk, with optional grounded generation.

The answer quotes the 1–3 most relevant provisions (direct references first), adds the
recitals that explain them, then — clearly labelled as non-binding — what the Commission's
guidance says. Everything is in the question's language where the corpus has it (guidance
is English only).

If `AIDESK_LLM_URL` names an OpenAI-compatible chat endpoint, a short answer is also written
from the retrieved passages only, each sentence citing them; sentences that cite nothing or
cite anything else are dropped, and a model that cannot answer from the passages yields no
generated answer. Without the setting there is no generation and no network access.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from aidesk.desk.search import DeskIndex, Hit, get_index, normalise_query
from aidesk.desk.text import guess_lang

ENV_LLM_URL = "AIDESK_LLM_URL"
ENV_LLM_MODEL = "AIDESK_LLM_MODEL"
ENV_LLM_KEY = "AIDESK_LLM_API_KEY"
MAX_PASSAGES = 3
MAX_RECITALS = 2
MAX_GUIDANCE = 2
# A further passage is quoted only if it scores at least this share of the best one.
RELATIVE_FLOOR = 0.6
LLM_TIMEOUT_S = 30.0
REFUSAL = "NOT IN PASSAGES"

LABELS = {
    "en": {
        "law": "What the AI Act says",
        "recitals": "Related recitals",
        "guidance": "What the Commission's guidance says (non-binding)",
        "according": "According to {ref} ({title})",
        "none": "No provision of the AI Act matches this question.",
        "draft": "draft",
        "other_lang": "French text",
    },
    "fr": {
        "law": "Ce que dit le règlement sur l'IA",
        "recitals": "Considérants liés",
        "guidance": "Ce que disent les lignes directrices de la Commission (non contraignantes, en anglais)",
        "according": "Selon {ref} ({title})",
        "none": "Aucune disposition du règlement sur l'IA ne correspond à cette question.",
        "draft": "projet",
        "other_lang": "texte anglais : pas de version française de cette disposition modifiée",
    },
}


@dataclass
class Answer:
    question: str
    lang: str
    answer: str
    generated: bool
    passages: list[Hit]
    recitals: list[Hit]
    guidance: list[Hit]
    version: str
    notes: list[str] = field(default_factory=list)

    @property
    def citations(self) -> list[str]:
        return [h.ref for h in (*self.passages, *self.recitals)]

    def to_json(self) -> dict[str, Any]:
        def law(h: Hit) -> dict[str, Any]:
            return {
                "ref": h.ref,
                "unit": h.unit,
                "title": h.title,
                "text": h.text,
                "lang": h.lang,
                "score": h.score,
            }

        return {
            "question": self.question,
            "lang": self.lang,
            "answer": self.answer,
            "generated": self.generated,
            "citations": self.citations,
            "passages": [law(h) for h in self.passages],
            "recitals": [law(h) for h in self.recitals],
            "guidance": [
                {"ref": h.ref, "title": h.title, "text": h.text, "score": h.score, **h.source}
                for h in self.guidance
            ],
            "version": self.version,
            "notes": self.notes,
        }


def _quote(text: str, limit: int = 600) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " …"


def extractive_answer(lang: str, passages: list[Hit]) -> str:
    labels = LABELS[lang]
    if not passages:
        return labels["none"]
    first = passages[0]
    quote = _quote(first.text, 400)
    return f"{labels['according'].format(ref=first.ref, title=first.title)}: “{quote}”"


def ask(
    question: str, lang: str | None = None, version: str | None = None, index: DeskIndex | None = None
) -> Answer:
    text = normalise_query(question)
    index = index or get_index(version)
    lang = lang or guess_lang(text)
    result = index.search(text, limit=20, lang=lang, include_guidance=False)
    laws = [h for h in result.results if h.kind != "recital"]
    # A question that names provisions is about them; otherwise quote the best passages that
    # score close to the best one.
    passages = [h for h in laws if h.direct][:MAX_PASSAGES]
    if not passages:
        for h in laws[:MAX_PASSAGES]:
            if not passages or h.score >= RELATIVE_FLOOR * passages[0].score:
                passages.append(h)
    recitals = [h for h in result.results if h.kind == "recital"][:MAX_RECITALS]
    guided = index.search(text, limit=MAX_GUIDANCE * 4, lang=lang, include_guidance=True).results
    guidance = [h for h in guided if h.collection == "guidance"][:MAX_GUIDANCE]
    notes = list(result.warnings)
    answer = Answer(
        question=text,
        lang=lang,
        answer=extractive_answer(lang, passages),
        generated=False,
        passages=passages,
        recitals=recitals,
        guidance=guidance,
        version=result.version,
        notes=notes,
    )
    url = os.environ.get(ENV_LLM_URL, "").strip()
    if url and passages:
        generated, note = generate(url, answer)
        if generated:
            answer.answer, answer.generated = generated, True
        if note:
            answer.notes.append(note)
    return answer


# --- optional generation -------------------------------------------------------------------------


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def _prompt(answer: Answer) -> list[dict[str, str]]:
    language = "French" if answer.lang == "fr" else "English"
    blocks = [
        f"[{h.ref}] ({h.title}) {' '.join(h.text.split())}" for h in (*answer.passages, *answer.recitals)
    ]
    system = (
        "You answer questions about the EU AI Act (Regulation (EU) 2024/1689) using ONLY the passages given. "
        "End every sentence with the citation(s) of the passages it relies on, in square brackets, written "
        "exactly as given, e.g. [Art. 50(1)]. Do not use any other knowledge. If the passages do not answer "
        f"the question, reply exactly: {REFUSAL}. Answer in {language}, in at most 5 sentences."
    )
    user = f"Question: {answer.question}\n\nPassages:\n" + "\n\n".join(blocks)
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


_SENTENCE = re.compile(r"(?<=[.!?\]])\s+(?=[A-ZÀ-Ý«“\"(])")
_CITED = re.compile(r"\[([^\[\]]+)\]")


def grounded(text: str, allowed: set[str]) -> str:
    """Keep the sentences that cite at least one passage and nothing else."""
    kept = []
    for sentence in _SENTENCE.split(text.strip()):
        cited = [
            c.strip() for group in _CITED.findall(sentence) for c in re.split(r"[;,]\s*(?=[A-Z])", group)
        ]
        if cited and all(c in allowed for c in cited):
            kept.append(sentence.strip())
    return " ".join(kept)


def generate(url: str, answer: Answer) -> tuple[str | None, str | None]:
    """(grounded answer or None, note for the reader or None)."""
    body = json.dumps(
        {"model": os.environ.get(ENV_LLM_MODEL, "default"), "messages": _prompt(answer), "temperature": 0}
    ).encode()
    headers = {"Content-Type": "application/json"}
    key = os.environ.get(ENV_LLM_KEY, "").strip()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    request = urllib.request.Request(_endpoint(url), data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=LLM_TIMEOUT_S) as response:
            payload = json.loads(response.read().decode("utf-8"))
        content = str(payload["choices"][0]["message"]["content"])
    except (urllib.error.URLError, TimeoutError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        return None, f"generation unavailable ({type(exc).__name__}: {exc}); extractive answer shown"
    if REFUSAL in content:
        return None, "the generator found no answer in the passages; extractive answer shown"
    kept = grounded(content, {h.ref for h in (*answer.passages, *answer.recitals)})
    if not kept:
        return (
            None,
            "the generated answer did not cite the passages and was discarded; extractive answer shown",
        )
    return kept, None
