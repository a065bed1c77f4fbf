"""`aidesk directory …` and `aidesk compute plan`: output, JSON and exit codes (0 ok, 2 bad input)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aidesk.cli import app
from aidesk.directory.paths import overlay_path

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_search_json_with_filters(data_dir: Path) -> None:
    code, out, _ = run("directory", "search", "--country", "FR", "--kind", "ai_factory", "--json")
    assert code == 0
    doc = json.loads(out)
    assert [r["id"] for r in doc["results"]] == ["aif-fr-ai2f"]
    assert doc["results"][0]["sources"] and "score" in doc["results"][0]


def test_search_french_query(data_dir: Path) -> None:
    code, out, _ = run("directory", "search", "usine d'IA en France", "--limit", "1", "--json")
    assert code == 0 and json.loads(out)["results"][0]["id"] == "aif-fr-ai2f"


def test_search_table_labels_legacy_seed_data(data_dir: Path) -> None:
    code, out, _ = run(
        "directory", "search", "robotics healthcare", "--country", "DE", "--sector", "healthcare"
    )
    assert code == 0
    assert "LEGACY 2022 seed" in out and "dih-legacy-4423" in out


def test_search_json_labels_legacy_and_unverified(data_dir: Path) -> None:
    code, out, _ = run("directory", "search", "Aachen robotics", "--json", "--limit", "50")
    legacy = [r for r in json.loads(out)["results"] if r["legacy"]]
    assert code == 0 and legacy and all("seed data" in r["seed_data_note"] for r in legacy)
    code, out, _ = run("directory", "show", "aifa-ch", "--json")
    assert code == 0 and "host" in json.loads(out)["unverified"]


def test_show_marks_unverified_fields(data_dir: Path) -> None:
    code, out, _ = run("directory", "show", "aifa-ch")
    assert code == 0 and "(unverified)" in out and "CSCS" in out


def test_show_legacy_entry_says_seed_data(data_dir: Path) -> None:
    code, out, _ = run("directory", "show", "dih-legacy-4423")
    assert code == 0 and "seed data" in out


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("directory", "search", "--kind", "factory"), "--kind"),
        (("directory", "search", "--country", "XX"), "--country"),
        (("directory", "search", "--sector", "cooking"), "--sector"),
        (("directory", "show", "no-such-id"), "no such directory entry"),
        (("compute", "plan", "--params", "-1", "--tokens", "2e12"), "--params"),
        (("compute", "plan", "--params", "7e9", "--tokens", "2e12", "--accelerator", "tpu"), "--accelerator"),
    ],
)
def test_bad_input_exits_2_with_one_line(data_dir: Path, args: tuple[str, ...], needle: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_import_bad_rows_exit_2_and_write_nothing(tmp_path: Path, data_dir: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(
        "id,kind,name,countries,sources,confidence\n"
        "edih-fr-ok,edih,OK hub,FR,https://example.org,low\n"
        "edih-fr-bad,edih,Bad hub,France,https://example.org,low\n"
        "edih-fr-bad2,edih,Bad hub 2,FR,,low\n",
        encoding="utf-8",
    )
    code, _, err = run("directory", "import", str(src))
    assert code == 2
    assert f"{src}: row 2, field countries.0" in err and f"{src}: row 3, field sources" in err
    assert "nothing was imported" in err
    assert not overlay_path(data_dir).exists()


def test_import_then_search_then_export(tmp_path: Path, data_dir: Path) -> None:
    src = tmp_path / "good.json"
    src.write_text(
        json.dumps(
            [
                {
                    "id": "edih-lu-test",
                    "kind": "edih",
                    "name": "Luxembourg test hub",
                    "countries": ["LU"],
                    "services": ["Test before invest"],
                    "sources": ["https://example.org"],
                    "confidence": "medium",
                }
            ]
        ),
        encoding="utf-8",
    )
    code, out, _ = run("directory", "import", str(src))
    assert code == 0 and "1 added" in out
    code, out, _ = run("directory", "search", "--country", "LU", "--kind", "edih", "--no-legacy", "--json")
    assert [r["id"] for r in json.loads(out)["results"]] == ["edih-lu-test"]
    assert json.loads(out)["results"][0]["origin"] == "user"
    code, out, _ = run("directory", "export", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("id,kind,name,countries")
    assert "edih-lu-test" in out
    target = tmp_path / "all.json"
    code, _, _ = run("directory", "export", "--output", str(target))
    assert code == 0 and len(json.loads(target.read_text())["entries"]) > 790


def test_compute_plan_json(data_dir: Path) -> None:
    code, out, _ = run("compute", "plan", "--params", "7e9", "--tokens", "2e12", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["training_compute_flop"] == pytest.approx(8.4e22)
    assert doc["accelerator_hours"] == pytest.approx(8.4e22 / (989e12 * 0.4) / 3600)
    assert doc["approximation"]["citations"] == ["Guidelines C(2025) 5045 para 132"]
    assert [(t["citation"], t["above"]) for t in doc["thresholds"]] == [
        ("Guidelines C(2025) 5045 para 17", False),
        ("Art. 51(2)", False),
    ]
    assert any(r["kind"] == "ai_factory" for r in doc["routes"])


def test_compute_plan_text_states_the_approximation(data_dir: Path) -> None:
    code, out, _ = run("compute", "plan", "--params", "7e9", "--tokens", "2e12", "--accelerator", "mi250x")
    assert code == 0
    assert "6·N·D" in out and "Kaplan" in out and "Art. 51(2)" in out and "AMD Instinct MI250X" in out


def test_compute_plan_writes_the_profile(tmp_path: Path, data_dir: Path) -> None:
    profile = tmp_path / "model.yaml"
    profile.write_text(
        "# mine\nname: M\nkind: gpai_model\ngpai_model:\n  open_source: true\n", encoding="utf-8"
    )
    code, _, _ = run(
        "compute", "plan", "--params", "1e12", "--tokens", "2e13", "--write-profile", str(profile)
    )
    assert code == 0
    text = profile.read_text(encoding="utf-8")
    assert (
        text.startswith("# mine\n")
        and "training_compute_flop: 1.2e+26" in text
        and "open_source: true" in text
    )


def test_compute_plan_missing_profile_is_bad_input(tmp_path: Path, data_dir: Path) -> None:
    code, _, err = run(
        "compute", "plan", "--params", "1e9", "--tokens", "1e12", "--write-profile", str(tmp_path / "x.yaml")
    )
    assert code == 2 and "x.yaml" in err


def test_cli_start_up_does_not_import_the_search_stack() -> None:
    probe = "import sys, aidesk.cli; print(sorted(m for m in ('bm25s', 'numpy', 'Stemmer', 'pycountry') if m in sys.modules))"
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_search_without_the_semantic_model_says_so_and_still_answers(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "AIDESK_EMBED_MODEL": "off", "AIDESK_DATA_DIR": str(tmp_path), "COLUMNS": "120"}
    result = subprocess.run(
        [sys.executable, "-m", "aidesk", "directory", "search", "AI Factory", "--limit", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "warning: semantic search unavailable" in result.stderr
    assert "ai_factory" in result.stdout
