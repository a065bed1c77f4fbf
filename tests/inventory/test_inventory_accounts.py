"""Organisations, users, roles and API tokens, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from inventory_support import Tenant, make_tenant, profile, unique
from sqlalchemy import select

from aidesk.inventory import accounts, audit, systems, tokens
from aidesk.inventory.actor import Permission
from aidesk.inventory.db import Database
from aidesk.inventory.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from aidesk.inventory.models import ApiToken, AuditEvent, MemberRole, utcnow
from aidesk.inventory.security import token_digest


def test_a_user_logs_in_with_an_argon2_password_and_wrong_ones_are_refused(db: Database) -> None:
    email = f"{unique('alice')}@example.org"
    with db.transaction() as s:
        user = accounts.create_user(s, email.upper(), "correct horse battery", "Alice")
        assert user.email == email and user.password_hash and user.password_hash.startswith("$argon2id$")
    with db.transaction() as s:
        logged_in = accounts.authenticate(s, email, "correct horse battery")
        assert logged_in is not None and logged_in.email == email and logged_in.last_login_at
    for who, password in ((email, "wrong password!"), ("nobody@example.org", "correct horse battery")):
        with db.transaction() as s:
            assert accounts.authenticate(s, who, password) is None
    with db.transaction(write=False) as s:
        failures = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.failed", AuditEvent.actor == email)
        )
        assert len(failures.all()) == 1
    with db.transaction() as s, pytest.raises(InvalidInput, match="at least 10"):
        accounts.create_user(s, f"{unique('bob')}@example.org", "short")
    with db.transaction() as s, pytest.raises(Conflict):
        accounts.create_user(s, email, None)


def test_roles_decide_what_a_member_may_do(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        created = systems.create_system(s, tenant.editor, profile("Chatbot"))
    with db.transaction() as s, pytest.raises(Forbidden):
        systems.create_system(s, tenant.viewer, profile("Viewer's system"))
    with db.transaction() as s, pytest.raises(Forbidden):
        systems.delete_system(s, tenant.viewer, created.id)
    with db.transaction() as s, pytest.raises(Forbidden):
        accounts.set_role(s, tenant.editor, tenant.viewer.user_id or 0, "admin")
    with db.transaction() as s:
        assert systems.get_system(s, tenant.viewer, created.id).name == "Chatbot"
        accounts.set_role(s, tenant.admin, tenant.viewer.user_id or 0, "editor")
    with db.transaction() as s:
        members = {m.user_id: m.role for m in accounts.list_members(s, tenant.viewer)}
        assert members[tenant.viewer.user_id or 0] == "editor"


def test_the_last_admin_cannot_be_demoted_or_removed(db: Database, tenant: Tenant) -> None:
    admin_id = tenant.admin.user_id or 0
    with db.transaction() as s, pytest.raises(Conflict, match="last admin"):
        accounts.set_role(s, tenant.admin, admin_id, MemberRole.viewer)
    with db.transaction() as s, pytest.raises(Conflict, match="last admin"):
        accounts.remove_member(s, tenant.admin, admin_id)
    with db.transaction() as s:
        accounts.set_role(s, tenant.admin, tenant.editor.user_id or 0, MemberRole.admin)
        accounts.set_role(s, tenant.admin, admin_id, MemberRole.viewer)


def test_an_api_token_is_shown_once_stored_as_a_digest_scoped_and_revocable(
    db: Database, tenant: Tenant
) -> None:
    with db.transaction() as s:
        new = tokens.create_token(s, tenant.editor, "CI import", ["read"])
    assert new.secret.startswith("aidk_") and len(new.secret) >= 48
    with db.transaction(write=False) as s:
        stored = s.get(ApiToken, new.token.id)
        assert stored is not None and stored.digest == token_digest(new.secret)
        assert new.secret not in {stored.digest, stored.name, stored.prefix}
    with db.transaction() as s:
        actor = tokens.authenticate_token(s, new.secret, source="203.0.113.9")
        assert actor.organisation_id == tenant.organisation_id and actor.user_id == tenant.editor.user_id
        assert actor.permissions == {Permission.read}
        with pytest.raises(Forbidden, match="write"):
            systems.create_system(s, actor, profile("Not allowed"))
    with db.transaction(write=False) as s:
        used = s.get(ApiToken, new.token.id)
        assert used is not None and used.last_used_at is not None
    for bad in (
        new.secret + "x",
        new.secret[:-1] + ("A" if new.secret[-1] != "A" else "B"),
        "",
        "Bearer nonsense",
    ):
        with db.transaction() as s, pytest.raises(Unauthenticated):
            tokens.authenticate_token(s, bad)
    with db.transaction() as s:
        tokens.revoke_token(s, tenant.editor, new.token.id)
    with db.transaction() as s, pytest.raises(Unauthenticated):
        tokens.authenticate_token(s, new.secret)


def test_tokens_cannot_exceed_their_creator_expire_and_die_with_the_membership(
    db: Database, tenant: Tenant
) -> None:
    with db.transaction() as s, pytest.raises(Forbidden, match="admin"):
        tokens.create_token(s, tenant.editor, "escalate", ["read", "admin"])
    with db.transaction() as s, pytest.raises(InvalidInput, match="not a scope"):
        tokens.create_token(s, tenant.editor, "typo", ["raed"])
    with db.transaction() as s:
        expired = tokens.create_token(
            s, tenant.editor, "old", ["read"], expires_at=utcnow() - timedelta(seconds=1)
        )
        viewer_token = tokens.create_token(s, tenant.viewer, "viewer", ["read"])
    with db.transaction() as s, pytest.raises(Unauthenticated):
        tokens.authenticate_token(s, expired.secret)
    with db.transaction() as s:
        accounts.remove_member(s, tenant.admin, tenant.viewer.user_id or 0)
    with db.transaction() as s, pytest.raises(Unauthenticated):
        tokens.authenticate_token(s, viewer_token.secret)


def test_members_see_only_their_own_tokens_and_admins_all(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        mine = tokens.create_token(s, tenant.editor, "mine", ["read"])
        tokens.create_token(s, tenant.viewer, "theirs", ["read"])
    with db.transaction() as s:
        assert [t.name for t in tokens.list_tokens(s, tenant.editor)] == ["mine"]
        assert {t.name for t in tokens.list_tokens(s, tenant.admin)} == {"mine", "theirs"}
        with pytest.raises(NotFound):
            tokens.revoke_token(s, tenant.viewer, mine.token.id)
        tokens.revoke_token(s, tenant.admin, mine.token.id)


def test_changes_are_audited_in_the_same_transaction(db: Database, tenant: Tenant) -> None:
    with db.transaction() as s:
        system = systems.create_system(s, tenant.editor, profile("Audited"))
        systems.update_system(s, tenant.editor, system.id, tags=["hr"], owner="Legal")
    with pytest.raises(RuntimeError), db.transaction() as s:
        systems.update_system(s, tenant.editor, system.id, status="retired")
        raise RuntimeError("crash before commit")
    with db.transaction() as s:
        events = audit.list_events(s, tenant.admin)
        actions = [(e.action, e.object_id) for e in events if e.object_type == "ai_system"]
        assert actions == [("system.update", str(system.id)), ("system.create", str(system.id))]
        update = next(e for e in events if e.action == "system.update")
        assert update.details["tags"] == {"from": [], "to": ["hr"]}
        assert update.actor == tenant.editor.label and update.source == "cli"
        with pytest.raises(Forbidden):
            audit.list_events(s, tenant.editor)


def test_one_organisation_never_reads_or_changes_another_s_objects(db: Database, tenant: Tenant) -> None:
    other = make_tenant(db, "Globex")
    with db.transaction() as s:
        theirs = systems.create_system(
            s, other.editor, profile("Secret system", annex_iii=["4(a)"]), tags=["x"]
        )
        their_token = tokens.create_token(s, other.editor, "theirs", ["read"])
        systems.create_system(s, tenant.editor, profile("Our system"), tags=["x"])
    for actor in (tenant.viewer, tenant.editor, tenant.admin):
        with db.transaction() as s:
            attempts = [
                (systems.get_system, (theirs.id,), {}),
                (systems.update_system, (theirs.id,), {"owner": "mallory"}),
                (systems.add_tags, (theirs.id, ["pwned"]), {}),
                (systems.delete_system, (theirs.id,), {}),
                (systems.get_system_by_name, ("Secret system",), {}),
                (tokens.revoke_token, (their_token.token.id,), {}),
                (accounts.set_role, (other.admin.user_id or 0, "viewer"), {}),
                (accounts.remove_member, (other.admin.user_id or 0,), {}),
            ]
            for func, args, kwargs in attempts:
                # An admin may do all of it in its own organisation: for B's objects it gets "not found".
                expected = NotFound if actor is tenant.admin else (NotFound, Forbidden)
                with pytest.raises(expected):
                    func(s, actor, *args, **kwargs)  # type: ignore[operator]
            page = systems.list_systems(s, actor, systems.SystemFilter(tag="x"))
            assert [x.name for x in page.items] == ["Our system"] and page.total == 1
            assert all(t.organisation_id == tenant.organisation_id for t in tokens.list_tokens(s, actor))
    with db.transaction(write=False) as s:
        unchanged = systems.get_system(s, other.viewer, theirs.id)
        assert unchanged.owner is None and unchanged.tags == ["x"] and unchanged.version == 1
