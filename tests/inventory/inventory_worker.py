"""A separate process for the crash and concurrency tests (run as a script, not collected by pytest).

python inventory_worker.py import URL ORG_ID USER_ID FILE PAUSE_AT   # prints HALFWAY, then waits
python inventory_worker.py tag URL ORG_ID USER_ID SYSTEM_ID PREFIX N  # N read-modify-write updates
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from aidesk.inventory import accounts, exchange, systems
from aidesk.inventory.db import Database
from aidesk.inventory.models import User


def main(argv: list[str]) -> int:
    mode, url, org_id, user_id = argv[0], argv[1], int(argv[2]), int(argv[3])
    db = Database(url)
    with db.transaction(write=False) as s:
        user = s.get(User, user_id)
        assert user is not None
        actor = accounts.actor_for(s, user, org_id, source="worker")
    if mode == "import":
        path, pause_at = Path(argv[4]), int(argv[5])
        items = exchange.read_items(
            path.read_text(encoding="utf-8"), exchange.format_of(path.name), path.name
        )

        def progress(done: int, total: int) -> None:
            if done == pause_at:
                print("HALFWAY", flush=True)
                time.sleep(120)  # the test kills us here, with rows written but not committed

        with db.transaction() as s:
            report = exchange.import_systems(s, actor, items, progress=progress, source=path.name)
        print("DONE", len(report.created), flush=True)
    elif mode == "tag":
        system_id, prefix, n, go = int(argv[4]), argv[5], int(argv[6]), Path(argv[7])
        print("READY", flush=True)
        deadline = time.monotonic() + 60
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        for i in range(n):
            with db.transaction() as s:
                systems.add_tags(s, actor, system_id, [f"{prefix}{i:03d}"])
        print("DONE", flush=True)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
