"""`directory import`: all rows validated first, bad rows reported by number, nothing written on error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aidesk.directory import load
from aidesk.directory.exchange import ImportRejected, apply_import, export_csv, export_json, plan_import
from aidesk.directory.paths import overlay_path

HEADER = "id,kind,name,countries,city,sectors,services,sources,confidence,unverified\n"
GOOD_NEW = (
    "edih-fr-test,edih,Test EDIH Paris,FR,Paris,healthcare | manufacturing,"
    "Test before invest | Skills and training,https://example.org/edih,medium,city: not checked\n"
)
GOOD_UPDATE = "aif-fr-ai2f,,,,Bruyères-le-Châtel,,,,,\n"
BAD_COUNTRY = "edih-xx-bad,edih,Bad hub,ZZ,,,,https://example.org,low,\n"
NO_SOURCE = "edih-fr-nosource,edih,No source hub,FR,,,,,low,\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_csv_adds_and_updates_entries(tmp_path: Path, data_dir: Path) -> None:
    src = write(tmp_path, "updates.csv", HEADER + GOOD_NEW + GOOD_UPDATE)
    result = apply_import(load(), src)
    assert result.added == ["edih-fr-test"] and result.updated == ["aif-fr-ai2f"]
    directory = load()
    new = directory.get("edih-fr-test")
    assert new is not None and new.origin == "user" and new.countries == ["FR"]
    assert new.services == ["Test before invest", "Skills and training"]
    assert new.unverified == {"city": "not checked"}
    updated = directory.get("aif-fr-ai2f")
    assert updated is not None and updated.city == "Bruyères-le-Châtel"
    assert updated.host and updated.sources  # untouched fields kept
    assert overlay_path(data_dir).is_file()
    # a current EDIH now answers the rules' question before the legacy seed data
    assert [e.id for e in directory.edihs("FR", service="test").entries] == ["edih-fr-test"]


def test_bad_rows_are_reported_with_row_numbers_and_nothing_is_written(
    tmp_path: Path, data_dir: Path
) -> None:
    src = write(tmp_path, "bad.csv", HEADER + GOOD_NEW + BAD_COUNTRY + NO_SOURCE)
    with pytest.raises(ImportRejected) as info:
        apply_import(load(), src)
    rows = {(e.row, (e.field or "").split(".")[0]) for e in info.value.errors}
    assert rows == {(2, "countries"), (3, "sources")}
    assert "ISO 3166-1" in str(info.value) and "row 2" in str(info.value)
    assert not overlay_path(data_dir).exists()
    assert load().get("edih-fr-test") is None


def test_a_rejected_file_leaves_an_existing_overlay_byte_for_byte(tmp_path: Path, data_dir: Path) -> None:
    apply_import(load(), write(tmp_path, "good.csv", HEADER + GOOD_NEW))
    before = overlay_path(data_dir).read_bytes()
    with pytest.raises(ImportRejected):
        apply_import(load(), write(tmp_path, "bad.csv", HEADER + BAD_COUNTRY))
    assert overlay_path(data_dir).read_bytes() == before


def test_json_import_numbers_items_from_one(tmp_path: Path, data_dir: Path) -> None:
    items = [
        {"id": "sb-fr-test", "kind": "sandbox", "name": "Bac à sable test", "countries": ["FR"],
         "sources": ["https://example.org"], "confidence": "low"},
        {"id": "sb-gr-test", "kind": "sandbox", "name": "Test", "countries": ["EL"], "sources": [],
         "confidence": "low"},
    ]  # fmt: skip
    with pytest.raises(ImportRejected) as info:
        apply_import(load(), write(tmp_path, "u.json", json.dumps(items)))
    assert [(e.row, e.field) for e in info.value.errors] == [(2, "sources")]
    items[1]["sources"] = ["https://example.org/gr"]
    apply_import(load(), write(tmp_path, "u.json", json.dumps({"entries": items})))
    entry = load().get("sb-gr-test")
    assert entry is not None and entry.countries == ["GR"]  # EL mapped to ISO on import
    assert [e.id for e in load().sandboxes("GR").entries] == ["sb-gr-test"]


@pytest.mark.parametrize(
    ("name", "text", "needle"),
    [
        ("cols.csv", "id,colour\nx-1,red\n", "unknown column"),
        ("noid.csv", "name,kind\nX,edih\n", "no 'id' column"),
        ("dup.csv", HEADER + GOOD_NEW + GOOD_NEW, "duplicate id"),
        ("broken.json", "[{", "invalid JSON"),
        ("empty.csv", HEADER, "no rows"),
        ("kind.csv", HEADER + "x-new,factory,X,FR,,,,https://e.org,low,\n", "kind"),
        ("mark.csv", HEADER + "x-new,edih,X,FR,,,,https://e.org,low,colour: red\n", "unverified"),
    ],
)
def test_malformed_files_are_rejected(
    tmp_path: Path, data_dir: Path, name: str, text: str, needle: str
) -> None:
    with pytest.raises(ImportRejected, match=needle):
        apply_import(load(), write(tmp_path, name, text))
    assert not overlay_path(data_dir).exists()


def test_export_csv_imports_back_unchanged(tmp_path: Path, data_dir: Path) -> None:
    directory = load()
    picked = [e for e in directory.entries if e.kind.value in ("antenna", "tef", "eu_body")]
    src = write(tmp_path, "export.csv", export_csv(picked))
    plan = plan_import(directory, src)
    assert plan.errors == []
    assert [e.model_dump(exclude={"origin"}) for e in plan.entries] == [
        e.model_dump(exclude={"origin"}) for e in picked
    ]


def test_export_json_is_the_directory_schema() -> None:
    doc = json.loads(export_json(load().filter(kind="sandbox")))
    assert doc["schema"] == "aidesk/directory/v1"
    assert {e["kind"] for e in doc["entries"]} == {"sandbox"}


def test_a_damaged_overlay_is_bad_input_naming_the_file(data_dir: Path) -> None:
    from aidesk.directory import DirectoryError

    path = overlay_path(data_dir)
    path.parent.mkdir(parents=True)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(DirectoryError, match=r"overlay\.json"):
        load()
