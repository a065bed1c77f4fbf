"""Who is acting: a member of one organisation, with a role, possibly through a scoped API token.

Every service function takes an `Actor`; the organisation it names scopes every query.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from aidesk.inventory.errors import Forbidden
from aidesk.inventory.models import MemberRole


class Permission(StrEnum):
    """What an action needs; API token scopes are sets of these."""

    read = "read"  # read systems, assessments, deadlines, exports
    write = "write"  # create, change, import, assess, delete systems
    admin = "admin"  # members, roles, everyone's tokens, the audit log


ROLE_PERMISSIONS: dict[MemberRole, frozenset[Permission]] = {
    MemberRole.viewer: frozenset({Permission.read}),
    MemberRole.editor: frozenset({Permission.read, Permission.write}),
    MemberRole.admin: frozenset({Permission.read, Permission.write, Permission.admin}),
}


@dataclass(frozen=True, slots=True)
class Actor:
    organisation_id: int
    role: MemberRole
    user_id: int | None
    label: str  # shown in the audit log and on assessment records: an e-mail, "token <name>", "cli"
    source: str = "cli"  # where the request came from: "cli", or a client address
    token_id: int | None = None
    scopes: frozenset[Permission] | None = None  # None: a logged-in user; a set: an API token's scopes

    @property
    def permissions(self) -> frozenset[Permission]:
        allowed = ROLE_PERMISSIONS[self.role]
        return allowed if self.scopes is None else allowed & self.scopes

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        if not self.can(permission):
            how = (
                f"token scopes {sorted(p.value for p in self.scopes)}"
                if self.scopes is not None
                else f"role {self.role.value}"
            )
            raise Forbidden(f"{permission.value} permission needed; {self.label} has {how}")
