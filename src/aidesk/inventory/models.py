"""The inventory's tables, as typed SQLAlchemy 2 models.

Every object that belongs to an organisation carries its `organisation_id`; the services filter on it in
every query, so one organisation never sees another's objects. The schema itself is created and changed
only by the Alembic migrations in `migrations/` (a test checks that the models and the migrations agree).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Names for constraints and indexes, so that migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time, always timezone-aware UTC in Python (SQLite stores it naive, as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("aidesk stores only timezone-aware datetimes")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# JSON documents: JSONB on PostgreSQL, JSON text on SQLite.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


class MemberRole(StrEnum):
    """What a member may do in an organisation; each role includes the ones before it."""

    viewer = "viewer"  # read the inventory, its assessments and deadlines
    editor = "editor"  # add, change, import, assess and delete systems
    admin = "admin"  # manage members and everyone's API tokens

    @property
    def rank(self) -> int:
        return list(MemberRole).index(self)


class LifecycleStatus(StrEnum):
    planned = "planned"
    in_development = "in_development"
    in_service = "in_service"
    retired = "retired"


def _in(values: type[StrEnum]) -> str:
    return "(" + ", ".join(f"'{v.value}'" for v in values) + ")"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        date: Date(),
        dict[str, Any]: JSONDoc,
        list[str]: JSONDoc,
    }


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))  # argon2id; None: cannot log in
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", name="uq_memberships_organisation_user"),
        CheckConstraint(f"role IN {_in(MemberRole)}", name="role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship()


class ApiToken(Base):
    """An API token: only its SHA-256 digest is stored; the token itself is shown once, at creation."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))  # first characters, to recognise a token in lists
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # hex SHA-256 of the whole token
    scopes: Mapped[list[str]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class AISystem(Base):
    """One entry of an organisation's register: the current profile and what we last concluded."""

    __tablename__ = "ai_systems"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name", name="uq_ai_systems_organisation_name"),
        CheckConstraint(f"status IN {_in(LifecycleStatus)}", name="status"),
        Index("ix_ai_systems_organisation_risk_class", "organisation_id", "risk_class"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    profile: Mapped[dict[str, Any]]  # the profile as validated (aidesk/profile/v1), JSON
    owner: Mapped[str | None] = mapped_column(String(200))  # a person or team answerable for the system
    status: Mapped[str] = mapped_column(String(16), default=LifecycleStatus.in_service.value)
    # What the latest assessment concluded (denormalised from assessment_records, for filters).
    risk_class: Mapped[str | None] = mapped_column(String(32))
    regime: Mapped[str | None] = mapped_column(String(64))
    assessed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic concurrency: every UPDATE checks and bumps it, so a stale write fails loudly.
    version: Mapped[int] = mapped_column(Integer, default=1)

    tag_rows: Mapped[list[SystemTag]] = relationship(
        cascade="all, delete-orphan", order_by="SystemTag.tag", lazy="selectin"
    )
    role_rows: Mapped[list[SystemRole]] = relationship(
        cascade="all, delete-orphan", order_by="SystemRole.role", lazy="selectin"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    @property
    def tags(self) -> list[str]:
        return [row.tag for row in self.tag_rows]

    @property
    def roles(self) -> list[str]:
        return [row.role for row in self.role_rows]


class SystemTag(Base):
    __tablename__ = "system_tags"

    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class SystemRole(Base):
    """The roles the organisation holds for the system (from the profile), for filters."""

    __tablename__ = "system_roles"

    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class AssessmentRecord(Base):
    """One assessment, kept forever: the profile as it was, the rules that ran, what they concluded."""

    __tablename__ = "assessment_records"
    __table_args__ = (Index("ix_assessment_records_system_created", "system_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    system_id: Mapped[int] = mapped_column(ForeignKey("ai_systems.id", ondelete="CASCADE"))
    profile: Mapped[dict[str, Any]]
    regime: Mapped[str] = mapped_column(String(64))
    regime_version: Mapped[str] = mapped_column(String(128))
    as_of: Mapped[date]
    risk_class: Mapped[str] = mapped_column(String(32))
    result: Mapped[dict[str, Any]]  # the assessment JSON (SPEC §2)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(320))  # who, as shown to people (e-mail, token name)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEvent(Base):
    """Append-only: who did what, when, from where. The database refuses UPDATE and DELETE (triggers)."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_organisation_created", "organisation_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # No foreign keys: the log must survive (unchanged) the deletion of what it talks about.
    organisation_id: Mapped[int | None]
    actor_user_id: Mapped[int | None]
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))  # e.g. system.create, token.revoke
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(200))  # cli, or the client address of an HTTP request
    details: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "AISystem",
    "ApiToken",
    "AssessmentRecord",
    "AuditEvent",
    "Base",
    "LifecycleStatus",
    "MemberRole",
    "Membership",
    "Organisation",
    "SystemRole",
    "SystemTag",
    "User",
]
