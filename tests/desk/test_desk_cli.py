"""`aidesk search` and `aidesk ask` as a user runs them: real processes, output, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def aidesk(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {
        "COLUMNS": "120",
        "PATH": "/usr/bin:/bin",
        "PYTHONIOENCODING": "utf-8",
        "HOME": os.environ.get("HOME", "/tmp"),
    }
    return subprocess.run(
        [sys.executable, "-m", "aidesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**base, **(env or {})},
    )


def test_search_json_has_the_spec_shape() -> None:
    result = aidesk("search", "do I have to tell people they are talking to a bot?", "--json", "--limit", "3")
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["query"] == "do I have to tell people they are talking to a bot?"
    assert len(payload["results"]) == 3
    for r in payload["results"]:
        assert {"ref", "title", "snippet", "score"} <= r.keys()
        assert isinstance(r["score"], float)
    scores = [r["score"] for r in payload["results"]]
    assert scores == sorted(scores, reverse=True)


def test_search_batch_keeps_input_order_and_count(tmp_path: Path) -> None:
    queries = ["what does article 27 say", "annexe III point 4", "", "considérant 53", "fines for SMEs"]
    path = tmp_path / "queries.txt"
    path.write_text("\n".join(queries) + "\n", encoding="utf-8")
    result = aidesk("search", "--batch", str(path), "--limit", "2")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x["query"] for x in lines] == [q for q in queries if q]  # blank lines are skipped
    assert [x["results"][0]["ref"] for x in lines[:3]] == ["Art. 27", "Annex III 4", "Recital 53"]
    assert all(len(x["results"]) == 2 for x in lines)


def test_search_batch_reads_stdin_and_flags_bad_lines_in_place() -> None:
    result = aidesk("search", "--batch", "-", stdin="article 4\n" + "x" * 3000 + "\nrecital 12\n")
    assert result.returncode == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [x.get("line") for x in lines] == [None, 2, None]
    assert "too long" in lines[1]["error"]
    assert lines[2]["results"][0]["ref"] == "Recital 12"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("search", ""), "empty query"),
        (("search", "   "), "empty query"),
        (("search", "word " * 1000), "query too long"),
        (("search",), "give either a QUERY or --batch"),
        (("search", "--batch", "/nonexistent/queries.txt"), "no such file"),
        (("ask", " "), "empty query"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_no_traceback(args: tuple[str, ...], message: str) -> None:
    result = aidesk(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_search_falls_back_to_bm25_when_the_embedding_model_cannot_load(tmp_path: Path) -> None:
    env = {"AIDESK_EMBED_MODEL": str(tmp_path / "missing-model.bin"), "AIDESK_DATA_DIR": str(tmp_path)}
    result = aidesk("search", "obligations of importers", "--json", "--limit", "5", env=env)
    assert result.returncode == 0, result.stderr
    assert "warning: semantic search unavailable" in result.stderr
    assert "missing-model.bin" in result.stderr
    refs = [r["ref"] for r in json.loads(result.stdout)["results"]]
    assert any(r.startswith("Art. 23") for r in refs)


def test_search_text_output_and_guidance_label() -> None:
    result = aidesk("search", "emotion recognition in the workplace", "--include", "guidance", "--limit", "8")
    assert result.returncode == 0, result.stderr
    assert " 1. Art. " in result.stdout
    assert "Guidelines C(2025) 5052 para " in result.stdout
    assert "guidance, non-binding" in result.stdout


def test_ask_json_quotes_law_first_then_non_binding_guidance() -> None:
    result = aidesk("ask", "Qui doit réaliser une analyse d'impact sur les droits fondamentaux ?", "--json")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["lang"] == "fr"
    assert answer["generated"] is False
    assert 1 <= len(answer["passages"]) <= 3
    assert answer["passages"][0]["unit"] == "Art. 27"
    assert answer["passages"][0]["ref"] in answer["answer"]
    assert answer["citations"][: len(answer["passages"])] == [p["ref"] for p in answer["passages"]]
    assert all(r["ref"].startswith("Recital ") for r in answer["recitals"])
    assert all(g["binding"] is False for g in answer["guidance"])


def test_the_cli_path_imports_no_web_or_database_modules() -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from aidesk.cli import app\n"
        "r = CliRunner().invoke(app, ['search', 'article 5', '--json'])\n"
        "assert r.exit_code == 0, r.output\n"
        "heavy = ('fastapi', 'starlette', 'uvicorn', 'sqlalchemy', 'psycopg', 'jinja2', 'httpx')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
