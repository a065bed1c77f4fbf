"""The audit log: one append-only event per change, written in the transaction of the change."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.models import AuditEvent


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    object_type: str,
    object_id: object = None,
    details: Mapping[str, Any] | None = None,
    *,
    organisation_id: int | None = None,
    label: str | None = None,
    source: str | None = None,
) -> AuditEvent:
    """Add an event to the session; it commits (or rolls back) with the change it describes."""
    event = AuditEvent(
        organisation_id=organisation_id
        if organisation_id is not None
        else (actor.organisation_id if actor else None),
        actor_user_id=actor.user_id if actor else None,
        actor=label or (actor.label if actor else "system"),
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        source=source or (actor.source if actor else "cli"),
        details=dict(details or {}),
    )
    session.add(event)
    return event


def list_events(
    session: Session, actor: Actor, *, limit: int = 100, offset: int = 0, action: str | None = None
) -> Sequence[AuditEvent]:
    """The organisation's events, newest first (admins only)."""
    actor.require(Permission.admin)
    query = select(AuditEvent).where(AuditEvent.organisation_id == actor.organisation_id)
    if action:
        query = query.where(AuditEvent.action == action)
    query = query.order_by(AuditEvent.id.desc()).limit(min(limit, 1000)).offset(offset)
    return session.scalars(query).all()
