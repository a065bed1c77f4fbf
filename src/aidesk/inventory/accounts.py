"""Organisations, users and memberships: who may do what in which organisation."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aidesk.inventory import audit
from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.errors import Conflict, InvalidInput, NotFound, Problem, Unauthenticated
from aidesk.inventory.models import MemberRole, Membership, Organisation, User, utcnow
from aidesk.inventory.security import (
    check_password_policy,
    hash_password,
    password_needs_rehash,
    verify_password,
)

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


def _bad(field: str, message: str) -> InvalidInput:
    return InvalidInput([Problem(None, field, message)])


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:64].strip("-") or "org"


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if len(value) > 320 or not _EMAIL.match(value):
        raise _bad("email", f"{email!r} is not an e-mail address; write it as name@example.org")
    return value


# --- organisations ---------------------------------------------------------------------------------


def create_organisation(
    session: Session, name: str, slug: str | None = None, *, source: str = "cli"
) -> Organisation:
    name = name.strip()
    if not name or len(name) > 200:
        raise _bad("name", "an organisation needs a name of 1 to 200 characters")
    slug = slug.strip().lower() if slug else slugify(name)
    if not _SLUG.match(slug):
        raise _bad("slug", f"{slug!r} is not a slug; use lower-case letters, digits and hyphens")
    if session.scalar(select(Organisation.id).where(Organisation.slug == slug)) is not None:
        raise Conflict(f"an organisation with slug {slug!r} exists; choose another slug")
    org = Organisation(name=name, slug=slug)
    session.add(org)
    session.flush()
    audit.record(
        session,
        None,
        "organisation.create",
        "organisation",
        org.id,
        {"name": name, "slug": slug},
        organisation_id=org.id,
        source=source,
    )
    return org


def get_organisation(session: Session, ref: str | int) -> Organisation:
    """By id or slug (for the CLI and the first-run flow; not tenant-scoped)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        org = session.get(Organisation, int(ref))
    else:
        org = session.scalar(select(Organisation).where(Organisation.slug == ref.strip().lower()))
    if org is None:
        raise NotFound(f"no organisation {ref!r}")
    return org


def list_organisations(session: Session) -> Sequence[Organisation]:
    return session.scalars(select(Organisation).order_by(Organisation.id)).all()


# --- users -----------------------------------------------------------------------------------------


def create_user(
    session: Session, email: str, password: str | None, name: str = "", *, actor: Actor | None = None
) -> User:
    """A user that can log in with `password` (None: only through API tokens created for it)."""
    address = normalise_email(email)
    if password is not None and (why := check_password_policy(password)):
        raise _bad("password", why)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(f"a user with e-mail {address} exists")
    user = User(
        email=address,
        name=name.strip()[:200],
        password_hash=hash_password(password) if password is not None else None,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        {"email": address},
        organisation_id=actor.organisation_id if actor else None,
    )
    return user


def get_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise NotFound(f"no user {email!r}")
    return user


def set_password(session: Session, user: User, password: str, *, actor: Actor | None = None) -> None:
    if why := check_password_policy(password):
        raise _bad("password", why)
    user.password_hash = hash_password(password)
    audit.record(
        session,
        actor,
        "user.password",
        "user",
        user.id,
        {},
        organisation_id=actor.organisation_id if actor else None,
    )


def authenticate(session: Session, email: str, password: str, *, source: str = "cli") -> User | None:
    """The user with this e-mail and password, else None (in the same time either way).

    A failure is recorded in the audit log (`login.failed`, for rate limiting and review): commit the
    session in both cases, so do not raise inside the transaction before it is committed.
    """
    try:
        address = normalise_email(email)
    except InvalidInput:
        address = ""
    user = session.scalar(select(User).where(User.email == address)) if address else None
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        audit.record(
            session,
            None,
            "login.failed",
            "user",
            user.id if user else None,
            {"email": address[:320]},
            label=address or "unknown",
            source=source,
        )
        return None
    if user.password_hash and password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


# --- memberships -----------------------------------------------------------------------------------


def _role(value: str | MemberRole) -> MemberRole:
    try:
        return MemberRole(value)
    except ValueError:
        allowed = ", ".join(r.value for r in MemberRole)
        raise _bad("role", f"{value!r} is not a role; use one of: {allowed}") from None


def add_member(
    session: Session, organisation: Organisation, user: User, role: str | MemberRole, *, actor: Actor | None
) -> Membership:
    """Make `user` a member. `actor` None is the bootstrap path (CLI `users create`, first run)."""
    member_role = _role(role)
    if actor is not None:
        actor.require(Permission.admin)
        if actor.organisation_id != organisation.id:
            raise NotFound(f"no organisation {organisation.id}")
    existing = session.scalar(
        select(Membership).where(Membership.organisation_id == organisation.id, Membership.user_id == user.id)
    )
    if existing is not None:
        raise Conflict(f"{user.email} is already a member of {organisation.slug} ({existing.role})")
    membership = Membership(organisation_id=organisation.id, user_id=user.id, role=member_role.value)
    session.add(membership)
    session.flush()
    audit.record(
        session,
        actor,
        "member.add",
        "user",
        user.id,
        {"email": user.email, "role": member_role.value},
        organisation_id=organisation.id,
    )
    return membership


def _membership(session: Session, actor: Actor, user_id: int, *, lock: bool = False) -> Membership:
    query = select(Membership).where(
        Membership.organisation_id == actor.organisation_id, Membership.user_id == user_id
    )
    if lock:
        query = query.with_for_update()
    membership = session.scalar(query)
    if membership is None:
        raise NotFound(f"no member {user_id}")
    return membership


def _admin_count(session: Session, organisation_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.organisation_id == organisation_id, Membership.role == MemberRole.admin.value)
        )
        or 0
    )


def set_role(session: Session, actor: Actor, user_id: int, role: str | MemberRole) -> Membership:
    actor.require(Permission.admin)
    new_role = _role(role)
    membership = _membership(session, actor, user_id, lock=True)
    demoting = membership.role == MemberRole.admin.value and new_role is not MemberRole.admin
    if demoting and _admin_count(session, actor.organisation_id) <= 1:
        raise Conflict("this is the organisation's last admin; make someone else admin first")
    old = membership.role
    membership.role = new_role.value
    audit.record(session, actor, "member.role", "user", user_id, {"from": old, "to": new_role.value})
    return membership


def remove_member(session: Session, actor: Actor, user_id: int) -> None:
    actor.require(Permission.admin)
    membership = _membership(session, actor, user_id, lock=True)
    if membership.role == MemberRole.admin.value and _admin_count(session, actor.organisation_id) <= 1:
        raise Conflict("this is the organisation's last admin; make someone else admin first")
    session.delete(membership)
    audit.record(session, actor, "member.remove", "user", user_id, {"role": membership.role})


@dataclass(frozen=True, slots=True)
class Member:
    user_id: int
    email: str
    name: str
    role: str


def list_members(session: Session, actor: Actor) -> list[Member]:
    actor.require(Permission.read)
    rows = session.execute(
        select(User.id, User.email, User.name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organisation_id == actor.organisation_id)
        .order_by(User.email)
    ).all()
    return [Member(user_id=r[0], email=r[1], name=r[2], role=r[3]) for r in rows]


def organisations_of(session: Session, user: User) -> Sequence[tuple[Organisation, str]]:
    rows = session.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.id)
    ).all()
    return [(r[0], r[1]) for r in rows]


def actor_for(
    session: Session, user: User, organisation: Organisation | int | None = None, *, source: str = "cli"
) -> Actor:
    """The actor for `user` in `organisation` (default: the user's only organisation)."""
    if not user.is_active:
        raise Unauthenticated("this user is disabled")
    memberships = organisations_of(session, user)
    if organisation is None:
        if len(memberships) != 1:
            raise NotFound(
                f"{user.email} belongs to {len(memberships)} organisations; say which one (--org SLUG)"
            )
        org, role = memberships[0]
    else:
        org_id = organisation if isinstance(organisation, int) else organisation.id
        match = [(o, r) for o, r in memberships if o.id == org_id]
        if not match:
            raise NotFound(f"{user.email} is not a member of organisation {org_id}")
        org, role = match[0]
    return Actor(
        organisation_id=org.id, role=MemberRole(role), user_id=user.id, label=user.email, source=source
    )
