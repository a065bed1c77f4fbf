"""API tokens: created for a member, scoped, shown once, revocable, checked by digest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aidesk.inventory import audit
from aidesk.inventory.actor import Actor, Permission
from aidesk.inventory.errors import Forbidden, InvalidInput, NotFound, Problem, Unauthenticated
from aidesk.inventory.models import ApiToken, MemberRole, Membership, User, utcnow
from aidesk.inventory.security import digests_equal, looks_like_token, new_token, token_digest

# `last_used_at` is refreshed at most this often, so that checking a token is usually read-only.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    secret: str  # the token itself: show it once, it is not stored


def parse_scopes(scopes: Iterable[str]) -> frozenset[Permission]:
    result: set[Permission] = set()
    for scope in scopes:
        try:
            result.add(Permission(scope.strip()))
        except ValueError:
            allowed = ", ".join(p.value for p in Permission)
            raise InvalidInput(
                [Problem(None, "scopes", f"{scope!r} is not a scope; use: {allowed}")]
            ) from None
    if not result:
        raise InvalidInput([Problem(None, "scopes", "a token needs at least one scope (read, write, admin)")])
    return frozenset(result)


def create_token(
    session: Session,
    actor: Actor,
    name: str,
    scopes: Iterable[str] = ("read",),
    *,
    expires_at: datetime | None = None,
) -> NewToken:
    """A token acting as the actor, with at most the actor's own permissions."""
    if actor.user_id is None:
        raise Forbidden("only a user can create API tokens")
    wanted = parse_scopes(scopes)
    if not wanted <= actor.permissions:
        extra = ", ".join(sorted(p.value for p in wanted - actor.permissions))
        raise Forbidden(f"cannot grant scopes the creator lacks: {extra}")
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput([Problem(None, "name", "a token needs a name of 1 to 200 characters")])
    secret = new_token()
    token = ApiToken(
        organisation_id=actor.organisation_id,
        user_id=actor.user_id,
        name=name,
        prefix=secret[:12],
        digest=token_digest(secret),
        scopes=sorted(p.value for p in wanted),
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    audit.record(
        session, actor, "token.create", "api_token", token.id, {"name": name, "scopes": token.scopes}
    )
    return NewToken(token=token, secret=secret)


def list_tokens(session: Session, actor: Actor) -> Sequence[ApiToken]:
    """Admins see every token of the organisation; others their own."""
    query = select(ApiToken).where(ApiToken.organisation_id == actor.organisation_id)
    if not actor.can(Permission.admin):
        query = query.where(ApiToken.user_id == actor.user_id)
    return session.scalars(query.order_by(ApiToken.id)).all()


def revoke_token(session: Session, actor: Actor, token_id: int) -> ApiToken:
    token = session.scalar(
        select(ApiToken)
        .where(ApiToken.id == token_id, ApiToken.organisation_id == actor.organisation_id)
        .with_for_update()
    )
    if token is None or (token.user_id != actor.user_id and not actor.can(Permission.admin)):
        raise NotFound(f"no token {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, actor, "token.revoke", "api_token", token.id, {"name": token.name})
    return token


def authenticate_token(session: Session, secret: str, *, source: str = "api") -> Actor:
    """The actor a token stands for. Unknown, revoked and expired tokens, tokens of disabled users or
    of users no longer members, all raise the same `Unauthenticated`. Call inside a write transaction
    (it may refresh `last_used_at`)."""
    secret = secret.strip()
    if not looks_like_token(secret):
        raise Unauthenticated("invalid token")
    digest = token_digest(secret)
    row = session.execute(
        select(ApiToken, User, Membership.role)
        .join(User, User.id == ApiToken.user_id)
        .join(
            Membership,
            (Membership.user_id == ApiToken.user_id)
            & (Membership.organisation_id == ApiToken.organisation_id),
        )
        .where(ApiToken.digest == digest)
    ).first()
    now = utcnow()
    if row is None:
        raise Unauthenticated("invalid token")
    token, user, role = row[0], row[1], row[2]
    if (
        not digests_equal(token.digest, digest)
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
        or not user.is_active
    ):
        raise Unauthenticated("invalid token")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return Actor(
        organisation_id=token.organisation_id,
        role=MemberRole(role),
        user_id=user.id,
        label=f"{user.email} (token {token.name})",
        source=source,
        token_id=token.id,
        scopes=frozenset(Permission(s) for s in token.scopes),
    )
