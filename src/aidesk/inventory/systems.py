"""The register of AI systems: create, read, list (filters, pagination), update, delete.

Every query is filtered on the actor's organisation: an object of another organisation is "not found",
whether one reads, changes or deletes it. Changes lock the row they change (PostgreSQL `FOR UPDATE`;
on SQLite a write transaction holds the database's write lock) and check the system's `version` when
the caller says which version it read, so concurrent writers never lose each other's updates.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from aidesk.inventory import audit
from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.errors import Conflict, InvalidInput, NotFound, Problem
from aidesk.inventory.models import AISystem, LifecycleStatus, SystemRole, SystemTag, utcnow

MAX_PAGE = 500
MAX_TAGS = 50


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()


def validate_profile(data: object, *, item: int | None = None, prefix: str = "") -> dict[str, Any]:
    """Validate a profile (SPEC §1) with the rules engine; return it as stored: JSON, keys as given.

    Keys the profile leaves out stay out (the engine tells "not known" from "no").
    """
    from aidesk.rules.profile import ProfileError, profile_from_data

    try:
        profile = profile_from_data(data)
    except ProfileError as exc:
        raise InvalidInput(
            [
                Problem(item, f"{prefix}{p.path}" if p.path else prefix.rstrip("."), p.message)
                for p in exc.problems
            ]
        ) from None
    return profile.model_dump(mode="json", by_alias=True, exclude_unset=True)


def normalise_tags(tags: Iterable[object], *, item: int | None = None, field: str = "tags") -> list[str]:
    result: list[str] = []
    for i, tag in enumerate(tags):
        if not isinstance(tag, str) or not tag.strip() or len(tag.strip()) > 64:
            raise InvalidInput(
                [Problem(item, f"{field}[{i}]", f"a tag is text of 1 to 64 characters, got {tag!r}")]
            )
        value = " ".join(tag.split())
        if value not in result:
            result.append(value)
    if len(result) > MAX_TAGS:
        raise InvalidInput([Problem(item, field, f"at most {MAX_TAGS} tags per system")])
    return result


def normalise_status(status: object, *, item: int | None = None, field: str = "status") -> str:
    try:
        return LifecycleStatus(str(status).strip()).value
    except ValueError:
        allowed = ", ".join(s.value for s in LifecycleStatus)
        raise InvalidInput(
            [Problem(item, field, f"{status!r} is not a lifecycle status; use one of: {allowed}")]
        ) from None


def normalise_owner(owner: object, *, item: int | None = None, field: str = "owner") -> str | None:
    if owner is None:
        return None
    if not isinstance(owner, str) or len(owner.strip()) > 200:
        raise InvalidInput(
            [Problem(item, field, "the owner is text of at most 200 characters (a person or team)")]
        )
    return owner.strip() or None


def _set_tags(system: AISystem, tags: Sequence[str]) -> None:
    keep = {row.tag: row for row in system.tag_rows}
    system.tag_rows = [keep.get(tag) or SystemTag(tag=tag) for tag in tags]


def _set_profile(system: AISystem, profile: dict[str, Any]) -> None:
    system.profile = profile
    system.name = str(profile["name"])
    system.kind = str(profile.get("kind", "ai_system"))
    roles = [str(r) for r in profile.get("roles", [])]
    keep = {row.role: row for row in system.role_rows}
    system.role_rows = [keep.get(role) or SystemRole(role=role) for role in roles]


def _name_taken(session: Session, organisation_id: int, name: str, *, other_than: int | None = None) -> bool:
    query = select(AISystem.id).where(AISystem.organisation_id == organisation_id, AISystem.name == name)
    if other_than is not None:
        query = query.where(AISystem.id != other_than)
    return session.scalar(query) is not None


def create_system(
    session: Session,
    actor: Actor,
    profile: object,
    *,
    owner: str | None = None,
    tags: Iterable[object] = (),
    status: str = LifecycleStatus.in_service.value,
    audit_details: Mapping[str, Any] | None = None,
) -> AISystem:
    actor.require(Permission.write)
    stored = validate_profile(profile)
    clean_tags = normalise_tags(tags)
    clean_status = normalise_status(status)
    clean_owner = normalise_owner(owner)
    if _name_taken(session, actor.organisation_id, str(stored["name"])):
        raise Conflict(
            f"the inventory already has a system named {stored['name']!r}; rename it or update that one"
        )
    system = AISystem(
        organisation_id=actor.organisation_id,
        owner=clean_owner,
        status=clean_status,
        created_by_id=actor.user_id,
    )
    _set_profile(system, stored)
    _set_tags(system, clean_tags)
    session.add(system)
    session.flush()
    audit.record(
        session,
        actor,
        "system.create",
        "ai_system",
        system.id,
        {"name": system.name, **(audit_details or {})},
    )
    return system


def _scoped(actor: Actor) -> Select[AISystem]:
    return select(AISystem).where(AISystem.organisation_id == actor.organisation_id)


def get_system(session: Session, actor: Actor, system_id: int, *, for_update: bool = False) -> AISystem:
    actor.require(Permission.read)
    query = _scoped(actor).where(AISystem.id == system_id)
    if for_update:
        query = query.with_for_update()
    system = session.scalar(query)
    if system is None:
        raise NotFound(f"no system {system_id} in this organisation")
    if for_update:
        session.refresh(system)  # the locked row, not an older copy from the identity map
    return system


def get_system_by_name(session: Session, actor: Actor, name: str) -> AISystem:
    actor.require(Permission.read)
    system = session.scalar(_scoped(actor).where(AISystem.name == name))
    if system is None:
        raise NotFound(f"no system named {name!r} in this organisation")
    return system


@dataclass(frozen=True, slots=True)
class SystemFilter:
    risk_class: str | None = None
    role: str | None = None
    tag: str | None = None
    status: str | None = None
    kind: str | None = None
    search: str | None = None  # words found in the name, owner or description (case-insensitive)


@dataclass(frozen=True, slots=True)
class Page:
    items: list[AISystem]
    total: int
    limit: int
    offset: int


def _filtered(actor: Actor, flt: SystemFilter) -> Select[AISystem]:
    query = _scoped(actor)
    if flt.risk_class:
        query = query.where(AISystem.risk_class == flt.risk_class)
    if flt.status:
        query = query.where(AISystem.status == flt.status)
    if flt.kind:
        query = query.where(AISystem.kind == flt.kind)
    if flt.tag:
        query = query.where(
            AISystem.id.in_(select(SystemTag.system_id).where(SystemTag.tag == " ".join(flt.tag.split())))
        )
    if flt.role:
        query = query.where(AISystem.id.in_(select(SystemRole.system_id).where(SystemRole.role == flt.role)))
    if flt.search:
        for word in flt.search.split()[:10]:
            pattern = "%" + word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            description = func.lower(func.coalesce(AISystem.profile["description"].as_string(), ""))
            query = query.where(
                or_(
                    func.lower(AISystem.name).like(pattern, escape="\\"),
                    func.lower(func.coalesce(AISystem.owner, "")).like(pattern, escape="\\"),
                    description.like(pattern, escape="\\"),
                )
            )
    return query


def list_systems(
    session: Session, actor: Actor, flt: SystemFilter | None = None, *, limit: int = 50, offset: int = 0
) -> Page:
    """One page of the organisation's systems, ordered by name."""
    actor.require(Permission.read)
    if limit < 1 or offset < 0:
        raise InvalidInput([Problem(None, "limit" if limit < 1 else "offset", "must be positive")])
    limit = min(limit, MAX_PAGE)
    query = _filtered(actor, flt or SystemFilter())
    total = int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    items = list(session.scalars(query.order_by(AISystem.name, AISystem.id).limit(limit).offset(offset)))
    return Page(items=items, total=total, limit=limit, offset=offset)


def iter_systems(session: Session, actor: Actor, flt: SystemFilter | None = None) -> list[AISystem]:
    """Every system that matches (for exports and re-assessment), ordered by id."""
    actor.require(Permission.read)
    return list(session.scalars(_filtered(actor, flt or SystemFilter()).order_by(AISystem.id)))


def update_system(
    session: Session,
    actor: Actor,
    system_id: int,
    *,
    profile: object = UNSET,
    owner: object = UNSET,
    tags: Iterable[object] | None = None,
    status: object = UNSET,
    expected_version: int | None = None,
) -> AISystem:
    """Change what is given; with `expected_version`, refuse (Conflict) if someone changed it since."""
    actor.require(Permission.write)
    system = get_system(session, actor, system_id, for_update=True)
    if expected_version is not None and system.version != expected_version:
        raise Conflict(
            f"system {system_id} was changed by someone else (version {system.version}, you read "
            f"{expected_version}); reload it and apply your change again"
        )
    changed: dict[str, Any] = {}
    if profile is not UNSET:
        stored = validate_profile(profile)
        if stored["name"] != system.name and _name_taken(
            session, actor.organisation_id, str(stored["name"]), other_than=system.id
        ):
            raise Conflict(f"the inventory already has a system named {stored['name']!r}")
        if stored != system.profile:
            _set_profile(system, stored)
            changed["profile"] = True
    if owner is not UNSET:
        new_owner = normalise_owner(owner)
        if new_owner != system.owner:
            changed["owner"] = {"from": system.owner, "to": new_owner}
            system.owner = new_owner
    if tags is not None:
        new_tags = normalise_tags(tags)
        if new_tags != system.tags:
            changed["tags"] = {"from": system.tags, "to": new_tags}
            _set_tags(system, new_tags)
    if status is not UNSET:
        new_status = normalise_status(status)
        if new_status != system.status:
            changed["status"] = {"from": system.status, "to": new_status}
            system.status = new_status
    if changed:
        system.updated_at = utcnow()  # the row itself changes even when only its tags did
        session.flush()  # bumps `version` (UPDATE … WHERE version = read version)
        audit.record(session, actor, "system.update", "ai_system", system.id, changed)
    return system


def add_tags(session: Session, actor: Actor, system_id: int, tags: Iterable[object]) -> AISystem:
    """Add tags to what is stored now (a read-modify-write under the row lock)."""
    system = get_system(session, actor, system_id, for_update=True)
    return update_system(session, actor, system_id, tags=[*system.tags, *normalise_tags(tags)])


def delete_system(
    session: Session, actor: Actor, system_id: int, *, expected_version: int | None = None
) -> None:
    """Delete a system and its assessment records (the audit log keeps that it existed)."""
    actor.require(Permission.write)
    system = get_system(session, actor, system_id, for_update=True)
    if expected_version is not None and system.version != expected_version:
        raise Conflict(f"system {system_id} was changed by someone else; reload it before deleting")
    session.delete(system)
    session.flush()
    audit.record(session, actor, "system.delete", "ai_system", system_id, {"name": system.name})
