"""`aidesk assess`, `assess-batch`, `diff`, `regimes` as a user runs them: a real process, output, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "profiles"
CV = str(EXAMPLES / "cv-screening-provider.yaml")


def aidesk(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aidesk", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "120", "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"},
    )


def test_assess_json_follows_the_contract() -> None:
    r = aidesk("assess", CV, "--json", "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["schema"] == "aidesk/assessment/v1"
    assert a["regime"] == "ai-act-2026" and a["regime_version"].startswith("ai-act-2026+")
    assert a["as_of"] == "2026-11-25"
    assert a["risk_class"] == "high_risk" and a["high_risk_grounds"] == ["Annex III 4(a)"]
    risk = next(o for o in a["obligations"] if o["id"] == "risk_management")
    assert risk == {
        "id": "risk_management",
        "title": "Risk management system",
        "role": "provider",
        "citations": ["Art. 9"],
        "applies_from": "2027-12-02",
        "in_force": False,
    }


def test_assess_in_french_translates_titles() -> None:
    r = aidesk("assess", CV, "--json", "--lang", "fr", "--as-of", "2028-01-01")
    assert r.returncode == 0, r.stderr
    risk = next(o for o in json.loads(r.stdout)["obligations"] if o["id"] == "risk_management")
    assert risk["title"] == "Système de gestion des risques" and risk["in_force"] is True


def test_assess_reads_stdin_and_json() -> None:
    r = aidesk(
        "assess",
        "-",
        "--json",
        stdin='{"name": "chatbot", "roles": ["provider"], '
        '"transparency": {"interacts_with_natural_persons": true}}',
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["risk_class"] == "transparency"


def test_assess_report_is_readable() -> None:
    r = aidesk("assess", CV, "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    for text in ("HIGH-RISK", "Annex III 4(a)", "Risk management system", "2027-12-02", "Maximum fines"):
        assert text in r.stdout


@pytest.mark.parametrize(
    ("profile", "needles"),
    [
        ("name: x\nplaced_on_market: 2026-02-30\n", ["placed_on_market", "calendar date"]),
        ('name: x\nannex_iii: ["4(z)"]\n', ["annex_iii[0]", "4(a)"]),
        ("name: x\norganisation: {size: tiny}\n", ["organisation.size", "small_midcap"]),
        ('name: x\nkind: gpai_model\nannex_iii: ["4(a)"]\n', ["annex_iii", "kind: gpai_model"]),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_file_field_and_fix(
    tmp_path: Path, profile: str, needles: list[str]
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(profile, encoding="utf-8")
    r = aidesk("assess", str(path), "--json")
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert str(path) in lines[0]
    for needle in needles:
        assert needle in lines[0]


def test_bad_options_exit_2() -> None:
    assert aidesk("assess", CV, "--regime", "ai-act-1999").returncode == 2
    assert aidesk("assess", CV, "--as-of", "2026-02-30").returncode == 2
    missing = aidesk("assess", "no/such/file.yaml")
    assert missing.returncode == 2 and "no/such/file.yaml" in missing.stderr


def test_batch_writes_one_line_per_item_in_order_and_exits_2_on_a_bad_item(tmp_path: Path) -> None:
    items = [
        {"name": "one", "roles": ["provider"], "annex_iii": ["4(a)"]},
        {"name": "two", "roles": ["boss"]},
        {"name": "three", "roles": ["deployer"], "transparency": {"deep_fake": True}},
    ]
    path = tmp_path / "inventory.json"
    path.write_text(json.dumps(items), encoding="utf-8")
    r = aidesk("assess-batch", str(path), "--json", "--as-of", "2026-11-25")
    assert r.returncode == 2
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert [line.get("profile") for line in lines] == ["one", None, "three"]
    assert lines[1]["item"] == 2 and "roles[0]" in lines[1]["error"]
    assert lines[2]["risk_class"] == "transparency"


def test_batch_strict_stops_at_the_first_error(tmp_path: Path) -> None:
    path = tmp_path / "inventory.yaml"
    path.write_text("- name: one\n  roles: [boss]\n- name: two\n", encoding="utf-8")
    r = aidesk("assess-batch", str(path), "--strict")
    assert r.returncode == 2
    assert len(r.stdout.splitlines()) == 1 and '"item": 1' in r.stdout


def test_batch_reads_csv_with_documented_columns(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text(
        "name,roles,annex_iii,article_6_3.profiling_of_natural_persons,transparency.deep_fake\n"
        "CV screener,provider,4(a),true,\n"
        "Deepfakes,deployer,,,true\n"
        "Broken,deployer,,,maybe\n",
        encoding="utf-8",
    )
    r = aidesk("assess-batch", str(path))
    assert r.returncode == 2
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert lines[0]["risk_class"] == "high_risk" and lines[1]["risk_class"] == "transparency"
    assert lines[2]["item"] == 3 and "transparency.deep_fake" in lines[2]["error"]


def test_batch_refuses_an_unknown_csv_column(tmp_path: Path) -> None:
    path = tmp_path / "inventory.csv"
    path.write_text("name,colour\nx,blue\n", encoding="utf-8")
    r = aidesk("assess-batch", str(path))
    assert r.returncode == 2 and "colour" in r.stderr and r.stdout == ""


def test_diff_shows_the_omnibus_delay() -> None:
    r = aidesk("diff", "--from", "ai-act-2024", "--to", "ai-act-2026", CV, "--json", "--as-of", "2026-11-25")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    moved = {o["id"]: o for o in d["changes"]["obligations"]["dates_changed"]}
    assert moved["risk_management"]["from"] == "2026-08-02" and moved["risk_management"]["to"] == "2027-12-02"


def test_regimes_lists_both_with_versions() -> None:
    r = aidesk("regimes", "--json")
    assert r.returncode == 0, r.stderr
    regimes = {x["id"]: x for x in json.loads(r.stdout)}
    assert set(regimes) == {"ai-act-2024", "ai-act-2026"}
    assert regimes["ai-act-2026"]["default"] and regimes["ai-act-2026"]["base"] == "ai-act-2024"


def test_every_example_profile_assesses() -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) >= 8
    r = aidesk("assess-batch", "-", "--json", stdin=json.dumps([_load(f) for f in files]))
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == len(files)


def _load(path: Path) -> object:
    from aidesk.rules.profile import parse_text

    data = parse_text(path.read_text(encoding="utf-8"), "yaml")
    return json.loads(json.dumps(data, default=str))


def test_the_bundled_example_is_the_cv_screening_one() -> None:
    from aidesk.rules import example_profile

    assert example_profile().read_text(encoding="utf-8") == (
        EXAMPLES / "cv-screening-provider.yaml"
    ).read_text(encoding="utf-8")
