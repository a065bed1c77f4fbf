"""What the inventory services raise. Adapters map them: CLI exit codes, HTTP statuses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class InventoryError(Exception):
    """Base class of the errors below."""


class NotFound(InventoryError):
    """No such object in the caller's organisation (objects of other organisations are never "found")."""


class Forbidden(InventoryError):
    """The caller's role or token scopes do not allow this action."""


class Unauthenticated(InventoryError):
    """Wrong password, unknown/expired/revoked token, or a disabled user. Never says which."""


class Conflict(InventoryError):
    """The change collides with the stored state: a duplicate name, or a stale version (someone else
    changed the object since it was read)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input: `item` is 1-based (for CSV: the data row), `field` a key path."""

    item: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"item {self.item}" if self.item is not None else ""
        if self.field:
            where = f"{where}, {self.field}" if where else self.field
        return f"{where}: {self.message}" if where else self.message


class InvalidInput(InventoryError):
    """Bad input; `problems` lists every problem found (nothing was written)."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self.one_line())

    def one_line(self, limit: int = 3) -> str:
        head = f"{self.source}: " if self.source else ""
        shown = "; ".join(str(p) for p in self.problems[:limit])
        more = len(self.problems) - limit
        return head + shown + (f"; and {more} more problem(s)" if more > 0 else "")
