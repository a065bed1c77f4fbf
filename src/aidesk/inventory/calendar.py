"""The inventory's deadlines as an iCalendar feed (RFC 5545), built with the `icalendar` package.

One all-day event per system and deadline of its latest assessment, with a stable UID (the same
deadline keeps its UID across exports, so calendar clients update events instead of duplicating them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.models import AISystem, AssessmentRecord, Organisation, utcnow

PRODID = "-//aidesk//AI Act inventory deadlines//EN"


@dataclass(frozen=True, slots=True)
class InventoryDeadline:
    date: date
    what: str
    citations: tuple[str, ...]
    system_id: int
    system_name: str
    record_id: int
    regime_version: str


def inventory_deadlines(
    session: Session, actor: Actor, *, since: date | None = None
) -> list[InventoryDeadline]:
    """Deadlines of every system's latest assessment, by date then system name."""
    actor.require(Permission.read)
    latest = (
        select(AssessmentRecord.system_id, func.max(AssessmentRecord.id).label("record_id"))
        .where(AssessmentRecord.organisation_id == actor.organisation_id)
        .group_by(AssessmentRecord.system_id)
        .subquery()
    )
    rows = session.execute(
        select(AISystem.id, AISystem.name, AssessmentRecord)
        .join(latest, latest.c.system_id == AISystem.id)
        .join(AssessmentRecord, AssessmentRecord.id == latest.c.record_id)
        .where(AISystem.organisation_id == actor.organisation_id)
    ).all()
    out: list[InventoryDeadline] = []
    for system_id, name, record in rows:
        for item in record.result.get("deadlines") or []:
            if not isinstance(item, Mapping):
                continue
            try:
                when = date.fromisoformat(str(item.get("date")))
            except ValueError:
                continue
            if since is not None and when < since:
                continue
            out.append(
                InventoryDeadline(
                    date=when,
                    what=str(item.get("what", "")),
                    citations=tuple(str(c) for c in item.get("citations") or []),
                    system_id=system_id,
                    system_name=name,
                    record_id=record.id,
                    regime_version=record.regime_version,
                )
            )
    out.sort(key=lambda d: (d.date, d.system_name, d.what))
    return out


def _uid(organisation_slug: str, d: InventoryDeadline) -> str:
    digest = hashlib.sha256(f"{d.system_id}|{d.date.isoformat()}|{d.what}".encode()).hexdigest()[:16]
    return f"{organisation_slug}-{d.system_id}-{d.date:%Y%m%d}-{digest}@aidesk"


def deadlines_ics(
    session: Session, actor: Actor, *, since: date | None = None, now: datetime | None = None
) -> bytes:
    from icalendar import Calendar, Event

    org = session.get(Organisation, actor.organisation_id)
    slug = org.slug if org else str(actor.organisation_id)
    stamp = now or utcnow()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"AI Act deadlines — {org.name if org else slug}")
    for d in inventory_deadlines(session, actor, since=since):
        event = Event()
        event.add("uid", _uid(slug, d))
        event.add("dtstamp", stamp)
        event.add("dtstart", d.date)  # a date: an all-day event
        event.add("summary", f"{d.system_name}: {d.what}")
        cites = ", ".join(d.citations)
        description: list[Any] = [d.what]
        if cites:
            description.append(f"Legal basis: {cites}")
        description.append(
            f"System {d.system_id} ({d.system_name}); assessment {d.record_id}, {d.regime_version}"
        )
        event.add("description", "\n".join(description))
        event.add("categories", ["AI Act"])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return bytes(cal.to_ical())
