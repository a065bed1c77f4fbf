"""`aidesk documents`: writes the documents that apply; bad input is one line, exit 2, nothing written."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from aidesk.cli import app

runner = CliRunner()


def _run(*args: str, stdin: str | None = None):
    return runner.invoke(app, ["documents", *args], input=stdin)


def test_writes_every_document_that_applies_in_each_format(tmp_path, profile_texts):
    profile = tmp_path / "cv.yaml"
    profile.write_text(profile_texts["provider"], encoding="utf-8")
    out = tmp_path / "pack"
    result = _run(str(profile), "--format", "md,json", "--out", str(out), "--as-of", "2026-11-25")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        f"cv-screening-assistant.{kind}.en.{fmt}"
        for kind in ("report", "annex-iv", "annex-v", "annex-viii-a", "notice-chatbot")
        for fmt in ("md", "json")
    )
    data = json.loads((out / "cv-screening-assistant.annex-viii-a.en.json").read_text(encoding="utf-8"))
    assert data["document"] == "annex-viii-a"


def test_only_and_lang_from_stdin(tmp_path, profile_texts):
    out = tmp_path / "fr"
    result = _run(
        "-",
        "--only",
        "fria,annex-viii-c",
        "--lang",
        "fr",
        "--out",
        str(out),
        stdin=profile_texts["public_deployer"],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "housing-allowance-eligibility-checker.annex-viii-c.fr.md",
        "housing-allowance-eligibility-checker.fria.fr.md",
    ]
    assert "Analyse d'impact" in (out / "housing-allowance-eligibility-checker.fria.fr.md").read_text(
        encoding="utf-8"
    )


def test_a_document_that_does_not_apply_is_bad_input_and_nothing_is_written(tmp_path, profile_texts):
    profile = tmp_path / "cv.yaml"
    profile.write_text(profile_texts["provider"], encoding="utf-8")
    out = tmp_path / "pack"
    result = _run(str(profile), "--only", "annex-iv,fria", "--out", str(out))
    assert result.exit_code == 2
    assert "fria does not apply to 'CV screening assistant'" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, profile_texts):
    profile = tmp_path / "cv.yaml"
    profile.write_text(profile_texts["provider"], encoding="utf-8")
    out = tmp_path / "pack"
    cases = [
        (str(profile), "--format", "xls"),
        (str(profile), "--only", "annex-ix"),
        (str(profile), "--lang", "de"),
        (str(profile), "--as-of", "2026-02-30"),
        (str(tmp_path / "missing.yaml"),),
    ]
    for args in cases:
        result = _run(*args, "--out", str(out))
        assert result.exit_code == 2, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert not out.exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: X\nkind: robot\n", encoding="utf-8")
    result = _run(str(bad), "--out", str(out))
    assert result.exit_code == 2 and "kind" in result.output and not out.exists()
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x", encoding="utf-8")
    result = _run(str(profile), "--out", str(not_a_dir))
    assert result.exit_code == 2 and "not a directory" in result.output


def test_list_says_which_documents_apply_and_why(tmp_path, profile_texts):
    profile = tmp_path / "cv.yaml"
    profile.write_text(profile_texts["provider"], encoding="utf-8")
    result = _run(str(profile), "--list", "--out", str(tmp_path / "none"))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert any(line.startswith("yes  annex-iv") for line in lines)
    assert any(line.startswith("no   fria") and "Art. 27(1)" in line for line in lines)
    assert not (tmp_path / "none").exists()
