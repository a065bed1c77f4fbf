"""Durability under a `kill -9` halfway through an import, and concurrent writers that lose nothing."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from inventory_support import Tenant, profile
from sqlalchemy import func, select

from aidesk.inventory import systems
from aidesk.inventory.db import Database
from aidesk.inventory.errors import Conflict
from aidesk.inventory.models import AISystem

WORKER = Path(__file__).with_name("inventory_worker.py")


def worker(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKER), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def count(db: Database, tenant: Tenant) -> int:
    with db.transaction(write=False) as s:
        query = select(func.count()).where(AISystem.organisation_id == tenant.organisation_id)
        return int(s.scalar(query) or 0)


def test_an_import_killed_halfway_leaves_nothing_and_a_rerun_imports_everything(
    db: Database, db_url: str, tenant: Tenant, tmp_path: Path
) -> None:
    source = tmp_path / "systems.json"
    source.write_text(json.dumps([profile(f"Bulk {i:03d}") for i in range(60)]), encoding="utf-8")
    user = tenant.editor.user_id
    proc = worker("import", db_url, tenant.organisation_id, user, source, 30)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        assert line == "HALFWAY", proc.stderr.read() if proc.stderr else line
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert count(db, tenant) == 0
    if db.dialect == "sqlite":
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    done = worker("import", db_url, tenant.organisation_id, user, source, 0)
    out, err = done.communicate(timeout=60)
    assert done.returncode == 0, err
    assert out.split() == ["DONE", "60"] and count(db, tenant) == 60


def test_two_processes_updating_one_system_lose_no_update(
    db: Database, db_url: str, tenant: Tenant, tmp_path: Path
) -> None:
    with db.transaction() as s:
        system = systems.create_system(s, tenant.editor, profile("Contended"))
    n, go = 15, tmp_path / "go"
    procs = [
        worker("tag", db_url, tenant.organisation_id, tenant.editor.user_id, system.id, p, n, go)
        for p in "ab"
    ]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    go.touch()  # both processes are connected and start their read-modify-write loops together
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0 and out.split() == ["DONE"], err
    with db.transaction(write=False) as s:
        final = systems.get_system(s, tenant.viewer, system.id)
        assert len(final.tags) == 2 * n and final.version == 1 + 2 * n


def test_threads_updating_one_system_lose_no_update(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        system = systems.create_system(s, tenant.editor, profile("Threads"))
    errors: list[BaseException] = []

    def run(prefix: str) -> None:
        try:
            for i in range(10):
                with db.transaction() as s:
                    systems.add_tags(s, tenant.editor, system.id, [f"{prefix}{i}"])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(p,)) for p in "xyz"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    with db.transaction(write=False) as s:
        assert len(systems.get_system(s, tenant.viewer, system.id).tags) == 30


def test_a_writer_holding_a_stale_version_gets_a_conflict_not_a_silent_overwrite(
    db: Database, tenant: Tenant
) -> None:
    with db.transaction() as s:
        system = systems.create_system(s, tenant.editor, profile("Edited twice"))
    # Two people open the edit form at version 1; the first saves, the second must not overwrite it.
    with db.transaction() as s:
        systems.update_system(s, tenant.editor, system.id, owner="First", expected_version=1)
    with pytest.raises(Conflict), db.transaction() as s:
        systems.update_system(s, tenant.admin, system.id, owner="Second", expected_version=1)
    with db.transaction(write=False) as s:
        assert systems.get_system(s, tenant.viewer, system.id).owner == "First"
