"""Helpers for the inventory tests (imported by name: `from inventory_support import …`)."""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from aidesk.inventory import accounts
from aidesk.inventory.actor import Actor
from aidesk.inventory.db import Database
from aidesk.inventory.models import MemberRole

PG_ADMIN_URL = os.environ.get(
    "AIDESK_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def pg_conninfo(url: str, dbname: str | None = None) -> str:
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if dbname:
        u = u.set(database=dbname)
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def create_pg_database(admin_url: str, prefix: str = "aidesk_test") -> str:
    import psycopg
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(admin_url: str, url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    with psycopg.connect(pg_conninfo(admin_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


_counter = itertools.count(1)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6]}-{next(_counter)}"


@dataclass(frozen=True)
class Tenant:
    """An organisation with one member of each role (no passwords: hashing is slow and not tested here)."""

    organisation_id: int
    slug: str
    admin: Actor
    editor: Actor
    viewer: Actor


def make_tenant(db: Database, name: str = "Org") -> Tenant:
    with db.transaction() as s:
        org = accounts.create_organisation(s, name, unique(name.lower()))
        actors = {}
        for role in MemberRole:
            user = accounts.create_user(
                s, f"{unique(role.value)}@{org.slug}.example", None, role.value.title()
            )
            accounts.add_member(s, org, user, role, actor=None)
            actors[role] = accounts.actor_for(s, user, org)
        return Tenant(
            org.id, org.slug, actors[MemberRole.admin], actors[MemberRole.editor], actors[MemberRole.viewer]
        )


def profile(name: str, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"name": name, "kind": "ai_system", "roles": ["provider"]}
    data.update(extra)
    return data


def fake_assessor(profile: Mapping[str, Any], *, regime: str | None, as_of: date | None) -> dict[str, Any]:
    """A stand-in for the rules engine with the same output shape (SPEC §2): tests of storage, diffs,
    re-assessment and calendars must not depend on the legal content."""
    regime = regime or "ai-act-2026"
    high = bool(profile.get("annex_iii"))
    applies = "2027-12-02" if regime == "ai-act-2026" else "2026-08-02"
    obligations = (
        [{"id": "risk_management", "title": "Risk management system", "role": "provider",
          "citations": ["Art. 9"], "applies_from": applies, "in_force": False}]
        if high else []
    )  # fmt: skip
    deadlines = [
        {"date": applies, "what": "High-risk requirements apply (Annex III)", "citations": ["Art. 113"]}
    ]
    return {
        "schema": "aidesk/assessment/v1",
        "profile": profile["name"],
        "regime": regime,
        "regime_version": f"{regime}+test",
        "as_of": (as_of or date(2026, 11, 25)).isoformat(),
        "in_scope": True,
        "risk_class": "high_risk" if high else "minimal",
        "prohibited_practices": [],
        "high_risk_grounds": [f"Annex III {p}" for p in profile.get("annex_iii", [])],
        "transparency_obligations": [],
        "gpai": {"is_gpai_model": False, "systemic_risk": False},
        "obligations": obligations,
        "deadlines": deadlines if high else [],
        "penalties": [],
        "open_questions": [],
        "notes": [],
        "trace": [],
    }
