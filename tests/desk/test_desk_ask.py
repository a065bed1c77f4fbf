"""`ask`: an extractive cited answer, and generation grounded only in the retrieved passages."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest

from aidesk.desk.ask import ENV_LLM_URL, ask, grounded
from aidesk.desk.search import DeskIndex


def test_extractive_answer_quotes_the_best_provision_with_its_citation(index: DeskIndex) -> None:
    answer = ask(
        "Do we have to tell users of our chatbot that they are talking to an AI system?", index=index
    )
    assert answer.lang == "en"
    assert not answer.generated
    assert answer.passages[0].unit == "Art. 50"
    assert answer.answer.startswith(f"According to {answer.passages[0].ref} (")
    assert all(h.kind != "recital" for h in answer.passages)
    assert all(h.kind == "recital" for h in answer.recitals)
    assert all(h.collection == "guidance" and h.source["binding"] is False for h in answer.guidance)


def test_a_named_provision_is_the_answer(index: DeskIndex) -> None:
    answer = ask("que dit l'article 4 ?", index=index)
    assert answer.lang == "fr"
    assert [h.ref for h in answer.passages] == ["Art. 4"]
    assert answer.answer.startswith("Selon Art. 4 (")


def test_grounding_keeps_only_sentences_that_cite_the_passages() -> None:
    text = (
        "Providers must inform people [Art. 50(1)]. Fines reach 7% of turnover. "
        "Deployers must label deep fakes [Art. 50(4)]. It also follows from [Art. 99(3)]."
    )
    assert grounded(text, {"Art. 50(1)", "Art. 50(4)"}) == (
        "Providers must inform people [Art. 50(1)]. Deployers must label deep fakes [Art. 50(4)]."
    )


class _Chat(BaseHTTPRequestHandler):
    reply: ClassVar[str] = ""
    seen: ClassVar[list[dict[str, object]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Chat.seen.append(body)
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": _Chat.reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def chat_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Chat)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_generation_is_grounded_in_the_passages(
    index: DeskIndex, chat_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_LLM_URL, chat_server)
    question = "Do we have to tell users of our chatbot that they are talking to an AI system?"
    first = ask(question, index=index).passages[0].ref
    _Chat.reply = f"Yes, users must be informed [{first}]. The CEO goes to jail [Art. 999]."
    _Chat.seen.clear()
    answer = ask(question, index=index)
    assert answer.generated
    assert answer.answer == f"Yes, users must be informed [{first}]."
    prompt = json.dumps(_Chat.seen[-1])
    assert first in prompt and "ONLY the passages" in prompt


def test_a_refusal_or_an_unreachable_model_falls_back_to_the_extractive_answer(
    index: DeskIndex, chat_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_LLM_URL, chat_server)
    _Chat.reply = "NOT IN PASSAGES"
    answer = ask("What is the capital of France?", index=index)
    assert not answer.generated
    assert any("no answer in the passages" in n for n in answer.notes)
    monkeypatch.setenv(ENV_LLM_URL, "http://127.0.0.1:9/v1")  # nothing listens on the discard port
    answer = ask("Who must carry out a fundamental rights impact assessment?", index=index)
    assert not answer.generated
    assert any("generation unavailable" in n for n in answer.notes)
