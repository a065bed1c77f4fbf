"""`aidesk db|users|tokens|inventory …` as a user runs them, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar
from inventory_support import unique
from typer.testing import CliRunner

from aidesk.cli import app

SYSTEMS_YAML = """\
- name: CV screening assistant
  roles: [provider]
  annex_iii: ["4(a)"]
  location: {established_in_eu: true, placed_on_eu_market: true}
- profile:
    name: Customer chatbot
    roles: [deployer]
    transparency: {interacts_with_natural_persons: true}
  owner: Support
  tags: [customer]
"""


class Cli:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None, code: int = 0):  # type: ignore[no-untyped-def]
        result = self.runner.invoke(app, list(args), env=self.env, input=input, catch_exceptions=False)
        assert result.exit_code == code, (args, result.stdout, result.stderr)
        return result


@pytest.fixture
def cli(db_url: str, tmp_path: Path) -> Cli:
    """The CLI on a fresh organisation of the test database (`AIDESK_ORG`), with its admin."""
    env = {
        "AIDESK_DATA_DIR": str(tmp_path / "data"),
        "AIDESK_DATABASE_URL": db_url,
        "AIDESK_ORG": unique("cli"),
    }
    run = Cli(env)
    run("db", "upgrade")
    out = run(
        "users", "create", f"admin@{env['AIDESK_ORG']}.example", "--org-name", "CLI test org", "--no-password"
    )
    assert "admin of" in out.stdout and "a new organisation" in out.stdout
    return run


def test_db_upgrade_creates_the_schema_and_current_reports_it(tmp_path: Path) -> None:
    run = Cli({"AIDESK_DATA_DIR": str(tmp_path), "AIDESK_DATABASE_URL": ""})
    before = json.loads(run("db", "current", "--json").stdout)
    assert before["current"] is None and not before["up_to_date"]
    assert "schema at revision" in run("db", "upgrade").stdout
    after = json.loads(run("db", "current", "--json").stdout)
    assert after["up_to_date"] and after["url"].endswith(str(tmp_path / "aidesk.db"))


def test_import_list_export_reassess_and_deadlines(cli: Cli, tmp_path: Path) -> None:
    source = tmp_path / "systems.yaml"
    source.write_text(SYSTEMS_YAML, encoding="utf-8")
    report = json.loads(cli("inventory", "import", str(source), "--regime", "ai-act-2026", "--json").stdout)
    assert (report["created"], report["assessed"]) == (2, 2)
    listed = json.loads(cli("inventory", "list", "--json").stdout)
    assert listed["total"] == 2
    by_name = {item["name"]: item for item in listed["items"]}
    assert by_name["CV screening assistant"]["risk_class"] == "high_risk"
    assert by_name["Customer chatbot"]["tags"] == ["customer"]
    only = json.loads(cli("inventory", "list", "--tag", "customer", "--json").stdout)
    assert [i["name"] for i in only["items"]] == ["Customer chatbot"]
    assert "CV screening" in cli("inventory", "list").stdout

    exported = json.loads(cli("inventory", "export").stdout)
    assert {e["name"] for e in exported} == set(by_name)
    csv_file = tmp_path / "out.csv"
    cli("inventory", "export", "--format", "csv", "--output", str(csv_file))
    assert csv_file.read_text(encoding="utf-8").startswith("id,name,kind,owner,status,tags,risk_class")

    changes = json.loads(cli("inventory", "reassess", "--regime", "ai-act-2024", "--json").stdout)
    assert changes["systems"] == 2 and changes["regime"] == "ai-act-2024"
    cv = next(r for r in changes["results"] if r["system"] == "CV screening assistant")
    assert cv["changed"] and cv["risk_class"] == {"from": "high_risk", "to": "high_risk", "changed": False}
    moved = {c["applies_from"]["to"] for c in cv["obligations"]["changed"]}
    assert moved == {"2026-08-02"}  # Art. 113 as published, before the AI Omnibus postponed Annex III
    assert "CV screening assistant" in cli("inventory", "reassess", "--regime", "ai-act-2026").stdout

    ics = cli("inventory", "deadlines", "--ics").stdout_bytes
    events = Calendar.from_ical(ics).walk("VEVENT")
    assert events and any("CV screening assistant" in str(e["SUMMARY"]) for e in events)
    deadlines = json.loads(cli("inventory", "deadlines", "--json").stdout)
    assert sorted(d["date"] for d in deadlines) == [d["date"] for d in deadlines]


def test_a_bad_import_names_every_bad_item_exits_2_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(
            [{"name": "A", "rolez": []}, {"name": "B", "placed_on_market": "2026-02-30"}, {"name": "C"}]
        )
    )
    result = cli("inventory", "import", str(bad), code=2)
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"aidesk: error: {bad}: item 1, rolez: unknown key")
    assert (
        lines[1].startswith(f"aidesk: error: {bad}: item 2, placed_on_market:")
        and "calendar date" in lines[1]
    )
    assert "nothing was written" in lines[-1]
    assert json.loads(cli("inventory", "list", "--json").stdout)["total"] == 0
    csv_bad = tmp_path / "bad.csv"
    csv_bad.write_text("name,roles\r\nOK,provider\r\nKO,pilot\r\n")
    result = cli("inventory", "import", str(csv_bad), code=2)
    assert result.stderr.strip() == (
        f"aidesk: error: {csv_bad}: item 2, roles[0]: 'pilot' is not allowed; use one of: provider, "
        "deployer, importer, distributor, authorised_representative, product_manufacturer"
    )
    for args in (("inventory", "import", str(tmp_path / "missing.yaml")),
                 ("inventory", "reassess", "--regime", "ai-act-1999"),
                 ("inventory", "deadlines", "--since", "2026-02-30"),
                 ("inventory", "list", "--as", "nobody@example.org")):  # fmt: skip
        result = cli(*args, code=2)
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("aidesk: error:")
    assert json.loads(cli("inventory", "list", "--json").stdout)["total"] == 0


def test_roles_and_tokens_from_the_cli(cli: Cli) -> None:
    org = cli.env["AIDESK_ORG"]
    cli(
        "users",
        "create",
        f"viewer@{org}.example",
        "--role",
        "viewer",
        "--password-stdin",
        input="a long password\n",
    )
    cli("inventory", "import", "-", "--no-assess", input='[{"name": "Viewer cannot"}]', code=0)
    result = cli("inventory", "import", "-", "--as", f"viewer@{org}.example", input='[{"name": "X"}]', code=2)
    assert "write permission needed" in result.stderr
    token = cli("tokens", "create", "--as", f"viewer@{org}.example", "--name", "dashboard").stdout.strip()
    assert token.startswith("aidk_")
    listed = json.loads(cli("tokens", "list", "--json").stdout)
    assert [t["name"] for t in listed] == ["dashboard"] and token not in json.dumps(listed)
    cli("tokens", "revoke", str(listed[0]["id"]))
    assert json.loads(cli("tokens", "list", "--json").stdout)[0]["revoked_at"]
    cli("tokens", "create", "--as", f"viewer@{org}.example", "--name", "x", "--scope", "write", code=2)


def test_other_commands_do_not_load_the_database_layer() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from aidesk.cli import app; "
        "r = CliRunner().invoke(app, ['law', 'show', 'Art. 5(1)(f)']); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'alembic', 'argon2', 'icalendar')))"
    )
    env = {**os.environ, "AIDESK_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_import_progress_bar_goes_to_stderr_in_a_real_process(tmp_path: Path) -> None:
    source = tmp_path / "s.json"
    source.write_text(json.dumps([{"name": f"S{i}"} for i in range(5)]))
    env = {**os.environ, "AIDESK_DATA_DIR": str(tmp_path / "d"), "AIDESK_DATABASE_URL": "", "AIDESK_ORG": ""}
    out = subprocess.run(
        [sys.executable, "-m", "aidesk", "inventory", "import", str(source), "--no-assess"],
        capture_output=True, text=True, timeout=60, env=env,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"imported {source} into default: 5 created, 0 updated"
