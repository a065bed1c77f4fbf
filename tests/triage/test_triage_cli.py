"""`aidesk triage TEXT|- [--json] [--lang]` and `--batch FILE|-` (SPEC §5)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aidesk.cli import app

runner = CliRunner()


def test_triage_json_has_the_spec_keys() -> None:
    result = runner.invoke(
        app, ["triage", "--json", "Our tool ranks incoming CVs and shortlists candidates."]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"text", "risk_class", "confidence", "candidates", "questions", "draft_profile"}
    assert data["risk_class"] == "high_risk"
    assert data["candidates"][0]["ground"] == "Annex III 4(a)"


def test_triage_reads_stdin_and_answers_questions_in_french() -> None:
    text = "un agent conversationnel répond aux usagers de la mairie"
    result = runner.invoke(app, ["triage", "-", "--json"], input=text)
    data = json.loads(result.stdout)
    assert data["text"] == text
    assert data["risk_class"] == "transparency"
    assert "Le système" in data["questions"][0]["question"]
    en = json.loads(runner.invoke(app, ["triage", "-", "--json", "--lang", "en"], input=text).stdout)
    assert "Does the system" in en["questions"][0]["question"]


def test_triage_human_output_names_the_class_and_the_questions() -> None:
    result = runner.invoke(
        app, ["triage", "Webcams read the faces of employees at work to report their mood."]
    )
    assert result.exit_code == 0
    assert "prohibited" in result.stdout
    assert "Art. 5(1)(f)" in result.stdout
    assert "questionnaire confirms" in result.stdout


def test_an_empty_description_exits_2_with_one_line() -> None:
    for args, stdin in ((["triage", ""], None), (["triage", "-"], "   \n")):
        result = runner.invoke(app, args, input=stdin)
        assert result.exit_code == 2
        assert len(result.stderr.strip().splitlines()) == 1
        assert "describe" in result.stderr


def test_text_and_batch_together_or_neither_are_bad_input() -> None:
    assert runner.invoke(app, ["triage"]).exit_code == 2
    assert runner.invoke(app, ["triage", "x", "--batch", "-"]).exit_code == 2


def test_batch_prints_one_json_line_per_description_in_input_order(tmp_path: Path) -> None:
    lines = [
        "A spam filter for the company mailbox that moves junk e-mails out of the inbox.",
        "",
        "Le système lit les émotions des élèves en classe et les signale au professeur.",
        "Our chatbot answers customer questions about deliveries.",
    ]
    path = tmp_path / "in.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["triage", "--batch", str(path)])
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in out] == [line for line in lines if line]
    assert [o["risk_class"] for o in out] == ["minimal", "prohibited", "transparency"]
    piped = runner.invoke(app, ["triage", "--batch", "-", "--json"], input="\n".join(lines))
    assert piped.stdout == result.stdout


def test_batch_with_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["triage", "--batch", str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "no such file" in result.stderr
